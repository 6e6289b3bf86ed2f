using System.Globalization;
using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Controllers;

/// <summary>
/// The CronJob controller as kubectl 1.32 shows it, on simulated nodes (their pods run for ever): a one-minute
/// schedule starts a Job, <c>Forbid</c> skips the next run while one is active, <c>kubectl create job --from=cronjob/…</c>
/// makes a Job the CronJob owns, and the history limit removes the older of two successful Jobs. The test marks Jobs
/// complete itself, through the status subresource, as the Job controller would: the CronJob controller is the unit
/// under test. Both CronJobs wait for their runs at the same time, so the test takes about two schedule minutes.
/// </summary>
public sealed class CronJobTests : IAsyncLifetime
{
    /// <summary>A run is due within a minute of its creation; the loop looks 100 ms after the minute.</summary>
    private static readonly TimeSpan NextRun = TimeSpan.FromSeconds(100);

    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "2"]);

    public Task InitializeAsync() => _silo.Start();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    private static string CronJob(string name, string policy, int successfulHistory) => $$"""
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: {{name}}
        spec:
          schedule: "*/1 * * * *"
          concurrencyPolicy: {{policy}}
          successfulJobsHistoryLimit: {{successfulHistory}}
          jobTemplate:
            metadata:
              labels: {cron: {{name}}}
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                  - name: hello
                    image: example/hello:1
        """;

    /// <summary>The Jobs the CronJob <paramref name="owner"/> controls, oldest name first.</summary>
    private async Task<List<JsonNode>> JobsOf(string owner) =>
        JsonNode.Parse(await Kubectl.Ok("get jobs -o json"))!["items"]!.AsArray().Select(j => j!)
            .Where(j => j["metadata"]!["ownerReferences"]?.AsArray().Any(o => o!["kind"]!.GetValue<string>() == "CronJob" && o["name"]!.GetValue<string>() == owner && o["controller"]?.GetValue<bool>() == true) == true)
            .OrderBy(j => j["metadata"]!["name"]!.GetValue<string>(), StringComparer.Ordinal).ToList();

    private static string Name(JsonNode obj) => obj["metadata"]!["name"]!.GetValue<string>();

    /// <summary>Marks a Job succeeded, as the Job controller does once its pods have.</summary>
    private Task Complete(string job, DateTimeOffset started)
    {
        static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var now = Time(DateTimeOffset.UtcNow);
        var patch = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["startTime"] = Time(started),
                ["completionTime"] = now,
                ["succeeded"] = 1,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Complete", ["status"] = "True", ["lastTransitionTime"] = now }),
            },
        };
        return Kubectl.Ok($"patch job {job} --subresource=status --type=merge -p '{patch.ToJsonString()}'");
    }

    [Fact]
    public async Task OneMinuteSchedules_RunForbidSkipManualRunAndHistoryLimit()
    {
        await Kubectl.Ok("apply -f -", CronJob("ticker", "Allow", successfulHistory: 1));
        await Kubectl.Ok("apply -f -", CronJob("exclusive", "Forbid", successfulHistory: 3));
        await Task.WhenAll(ScheduledRunsAndHistory(), ForbidSkipsWhileActive(), CreatedByKubectl());
    }

    /// <summary><c>kubectl create cronjob</c> (a protobuf body) gives Kubernetes' defaults and table.</summary>
    private async Task CreatedByKubectl()
    {
        await Kubectl.Ok("create cronjob nightly --image=example/c:1 --schedule='0 3 * * *'");
        var created = JsonNode.Parse(await Kubectl.Ok("get cronjob nightly -o json"))!["spec"]!;
        Assert.Equal(("0 3 * * *", "Allow", false, 3, 1), ((string?)created["schedule"], (string?)created["concurrencyPolicy"], (bool?)created["suspend"],
            (int?)created["successfulJobsHistoryLimit"], (int?)created["failedJobsHistoryLimit"]));
        Assert.Equal("OnFailure", (string?)created["jobTemplate"]!["spec"]!["template"]!["spec"]!["restartPolicy"]);
        Assert.Matches(@"nightly\s+0 3 \* \* \*\s+<none>\s+False\s+0\s+<none>\s+\d+s\s+nightly\s+example/c:1\s+<none>", await Kubectl.Ok("get cronjobs -o wide"));
        Assert.Contains("is invalid", (await Kubectl.Run("create cronjob bad --image=example/c:1 --schedule='* * *'")).Stderr);
    }

    /// <summary><c>ticker</c>: a manual run from kubectl and a scheduled run, both succeeded; the history keeps the newer.</summary>
    private async Task ScheduledRunsAndHistory()
    {
        // kubectl builds the Job itself from the CronJob it reads, and marks it as a manual run.
        await Kubectl.Ok("create job ticker-manual --from=cronjob/ticker");
        var manual = JsonNode.Parse(await Kubectl.Ok("get job ticker-manual -o json"))!;
        Assert.Equal("manual", manual["metadata"]!["annotations"]!["cronjob.kubernetes.io/instantiate"]!.GetValue<string>());
        Assert.Equal("ticker", manual["metadata"]!["labels"]!["cron"]!.GetValue<string>());
        await Complete("ticker-manual", DateTimeOffset.UtcNow.AddMinutes(-2));

        var scheduled = await Eventually.Value(async () => (await JobsOf("ticker")).FirstOrDefault(j => Name(j) != "ticker-manual"), "ticker's first scheduled Job", NextRun);
        Assert.Matches(@"^ticker-\d{8}$", Name(scheduled));
        var at = DateTimeOffset.Parse(scheduled["metadata"]!["annotations"]!["batch.kubernetes.io/cronjob-scheduled-timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.Equal((at.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture), Name(scheduled)["ticker-".Length..]);
        Assert.Equal("ticker", scheduled["metadata"]!["labels"]!["cron"]!.GetValue<string>());
        await Eventually.True(async () => System.Text.RegularExpressions.Regex.IsMatch(await Kubectl.Ok("get cronjob ticker"), @"ticker\s+\*/1 \* \* \* \*\s+<none>\s+False\s+1\s+\d+s"),
            "kubectl get cronjob: one active run, scheduled seconds ago");

        // Two successful Jobs with a history of one: the older (the manual run, started earlier) goes.
        await Complete(Name(scheduled), DateTimeOffset.UtcNow);
        await Eventually.True(async () => (await JobsOf("ticker")).Select(Name).SequenceEqual([Name(scheduled)]), "the manual run pruned, the scheduled one kept", NextRun);
        await Eventually.True(async () => JsonNode.Parse(await Kubectl.Ok("get cronjob ticker -o json"))!["status"] is { } status
            && status["lastSuccessfulTime"] is not null && status["active"] is null, "ticker's status: a last success, nothing active", NextRun);
    }

    /// <summary><c>exclusive</c>: its first run never finishes, so the next minute's run is skipped with Kubernetes' event.</summary>
    private async Task ForbidSkipsWhileActive()
    {
        var first = await Eventually.Value(async () => (await JobsOf("exclusive")).FirstOrDefault(), "exclusive's first Job", NextRun);
        await Eventually.True(async () => (await Kubectl.Ok("get events --field-selector involvedObject.name=exclusive,reason=JobAlreadyActive -o name")).Trim().Length > 0,
            "the JobAlreadyActive event of the skipped run", NextRun);
        Assert.Equal([Name(first)], (await JobsOf("exclusive")).Select(Name));
        Assert.Contains("Not starting job because prior execution is running and concurrency policy is Forbid", await Kubectl.Ok("describe cronjob exclusive"));
    }
}
