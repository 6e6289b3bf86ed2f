using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Controllers;

/// <summary>
/// Jobs on simulated nodes with kubectl 1.32 (the job controller is the unit under test). A simulated container whose
/// command is <c>sh -c "sleep N; exit N"</c> ends as a shell would (SimulatedProgram), which is how these pods succeed and fail.
/// </summary>
public sealed class JobTests : IAsyncLifetime
{
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "3"]);

    public Task InitializeAsync() => _silo.Start();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    private static string Job(string name, string script, string spec = "", string restartPolicy = "Never") => $$"""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {{name}}
        spec:
        {{spec}}
          template:
            spec:
              restartPolicy: {{restartPolicy}}
              containers:
              - name: main
                image: busybox
                command: ["sh", "-c", "{{script}}"]
        """;

    private async Task<JsonNode> Get(string what) => JsonNode.Parse(await Kubectl.Ok($"get {what} -o json"))!;

    private async Task<List<JsonNode>> Pods(string job) =>
        (await Get($"pods -l batch.kubernetes.io/job-name={job}"))["items"]!.AsArray().Select(p => p!).ToList();

    private static string Phase(JsonNode pod) => pod["status"]?["phase"]?.GetValue<string>() ?? "";

    [Fact]
    public async Task CompletionsFiveParallelismTwo_CompletesFivePods_NeverMoreThanTwoAtOnce()
    {
        // Watch the job's pods from before it exists, and check the bound at every state seen.
        using var api = new ApiClient(_silo, ApiClient.AdminToken(_silo));
        var list = (await api.Get("/api/v1/namespaces/default/pods")).Body!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var response = await api.Http.GetAsync(
            $"/api/v1/namespaces/default/pods?labelSelector=batch.kubernetes.io%2Fjob-name%3Dfive&watch=true&resourceVersion={list["metadata"]!["resourceVersion"]}",
            HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        await Kubectl.Ok("apply -f -", Job("five", "sleep 1", "  completions: 5\n  parallelism: 2"));
        var pods = new Dictionary<string, JsonNode>();
        var mostActive = 0;
        while (pods.Values.Count(p => Phase(p) == "Succeeded") < 5)
        {
            string? line;
            try { line = await reader.ReadLineAsync(cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"not five successes; pods seen: {string.Join(", ", pods.Select(p => $"{p.Key}={Phase(p.Value)}"))}"); }
            if (line is null) break;
            var e = JsonNode.Parse(line)!;
            var pod = e["object"]!;
            var name = pod["metadata"]!["name"]!.GetValue<string>();
            if (e["type"]!.GetValue<string>() == "DELETED") pods.Remove(name);
            else pods[name] = pod.DeepClone();
            var active = pods.Values.Count(p => Phase(p) is not ("Succeeded" or "Failed") && p["metadata"]!["deletionTimestamp"] is null);
            mostActive = Math.Max(mostActive, active);
            Assert.True(active <= 2, $"{active} pods active at once: {string.Join(", ", pods.Select(p => $"{p.Key}={Phase(p.Value)}"))}");
        }
        Assert.Equal(2, mostActive);

        Assert.Contains("job.batch/five condition met", await Kubectl.Ok("wait --for=condition=complete job/five --timeout=60s"));
        var job = await Get("job five");
        Assert.Equal(5, job["status"]!["succeeded"]!.GetValue<int>());
        Assert.Equal(0, job["status"]!["failed"]?.GetValue<int>() ?? 0);
        Assert.NotNull(job["status"]!["completionTime"]);
        Assert.Equal(new[] { "SuccessCriteriaMet", "Complete" }, job["status"]!["conditions"]!.AsArray().Select(c => c!["type"]!.GetValue<string>()));
        Assert.Matches(@"five\s+Complete\s+5/5\s+\d+s\s+\d+s", await Kubectl.Ok("get job five"));
        // Exactly five pods, all succeeded, each counted once and released by the controller.
        var all = await Pods("five");
        Assert.Equal(5, all.Count);
        Assert.All(all, p => Assert.Equal("Succeeded", Phase(p)));
        Assert.All(all, p => Assert.Null(p["metadata"]!["finalizers"]));
        Assert.All(all, p => Assert.Matches("^five-[a-z0-9]{5}$", p["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task FailingJob_StopsAfterItsBackoffLimit_AndADeadlineStopsALongOne()
    {
        await Kubectl.Ok("apply -f -", Job("failing", "exit 1", "  backoffLimit: 1"));
        await Kubectl.Ok("apply -f -", Job("slow", "sleep 600", "  activeDeadlineSeconds: 3\n  parallelism: 2\n  completions: 4"));

        Assert.Contains("job.batch/failing condition met", await Kubectl.Ok("wait --for=condition=failed job/failing --timeout=90s"));
        var failing = await Get("job failing");
        var failed = failing["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Failed")!;
        Assert.Equal("BackoffLimitExceeded", failed["reason"]!.GetValue<string>());
        Assert.Equal("Job has reached the specified backoff limit", failed["message"]!.GetValue<string>());
        Assert.Equal(2, failing["status"]!["failed"]!.GetValue<int>());
        var pods = await Pods("failing");
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal("Failed", Phase(p)));
        // The second pod waited out Kubernetes' back-off (10 s after the first failure).
        var created = pods.Select(p => DateTimeOffset.Parse(p["metadata"]!["creationTimestamp"]!.GetValue<string>())).Order().ToList();
        Assert.True(created[1] - created[0] >= TimeSpan.FromSeconds(9), $"the replacement came {created[1] - created[0]} after the first pod");
        Assert.Matches(@"failing\s+Failed\s+0/1", await Kubectl.Ok("get job failing"));

        Assert.Contains("job.batch/slow condition met", await Kubectl.Ok("wait --for=condition=failed job/slow --timeout=60s"));
        var slow = await Get("job slow");
        Assert.Equal("DeadlineExceeded", slow["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Failed")!["reason"]!.GetValue<string>());
        Assert.Equal(0, slow["status"]!["active"]!.GetValue<int>());
        await Eventually.True(async () => (await Pods("slow")).Count == 0, "the stopped pods are gone");
        Assert.Equal(2, (await Get("job slow"))["status"]!["failed"]!.GetValue<int>());
    }

    [Fact]
    public async Task IndexedJob_RunsIndexesZeroToFour_EachPodSeeingItsIndex()
    {
        await Kubectl.Ok("apply -f -", Job("indexed", "sleep 1", "  completions: 5\n  parallelism: 3\n  completionMode: Indexed"));
        Assert.Contains("condition met", await Kubectl.Ok("wait --for=condition=complete job/indexed --timeout=90s"));
        var job = await Get("job indexed");
        Assert.Equal("0-4", job["status"]!["completedIndexes"]!.GetValue<string>());
        Assert.Equal(5, job["status"]!["succeeded"]!.GetValue<int>());
        var pods = await Pods("indexed");
        Assert.Equal(new[] { "0", "1", "2", "3", "4" }, pods.Select(p => p["metadata"]!["annotations"]!["batch.kubernetes.io/job-completion-index"]!.GetValue<string>()).Order());
        Assert.All(pods, p =>
        {
            var index = p["metadata"]!["labels"]!["batch.kubernetes.io/job-completion-index"]!.GetValue<string>();
            Assert.Matches($"^indexed-{index}-[a-z0-9]{{5}}$", p["metadata"]!["name"]!.GetValue<string>());
            Assert.Equal($"indexed-{index}", p["spec"]!["hostname"]!.GetValue<string>());
            Assert.Contains(p["spec"]!["containers"]![0]!["env"]!.AsArray(), e => e!["name"]!.GetValue<string>() == "JOB_COMPLETION_INDEX");
        });

        // The index reaches the container: index i exits with code i, and FailIndex fails exactly the indexes 1-4.
        await Kubectl.Ok("apply -f -", Job("exits", "sleep 1; exit $JOB_COMPLETION_INDEX", """
              completions: 5
              parallelism: 5
              completionMode: Indexed
              podFailurePolicy:
                rules:
                - action: FailIndex
                  onExitCodes: {operator: In, values: [1, 2, 3, 4]}
            """));
        Assert.Contains("condition met", await Kubectl.Ok("wait --for=condition=failed job/exits --timeout=90s"));
        var exits = await Get("job exits");
        Assert.Equal("0", exits["status"]!["completedIndexes"]!.GetValue<string>());
        Assert.Equal("1-4", exits["status"]!["failedIndexes"]!.GetValue<string>());
        Assert.Equal("FailedIndexes", exits["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Failed")!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task KubectlCreateJob_Completes_ATtlRemovesAFinishedJob_AndSuspendStopsAJob()
    {
        Assert.Contains("job.batch/made created", await Kubectl.Ok("create job made --image=busybox -- sh -c 'sleep 1'"));
        Assert.Contains("condition met", await Kubectl.Ok("wait --for=condition=complete job/made --timeout=60s"));
        Assert.Matches(@"NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\s+made\s+Complete\s+1/1", await Kubectl.Ok("get jobs"));

        await Kubectl.Ok("apply -f -", Job("brief", "sleep 1", "  ttlSecondsAfterFinished: 2"));
        Assert.Contains("condition met", await Kubectl.Ok("wait --for=condition=complete job/brief --timeout=60s"));
        await Eventually.True(async () => (await Kubectl.Run("get job brief")).Stderr.Contains("NotFound"), "the job deleted after its TTL");
        await Eventually.True(async () => (await Pods("brief")).Count == 0, "its pods deleted with it");

        await Kubectl.Ok("apply -f -", Job("paused", "sleep 600", "  parallelism: 2\n  completions: 2"));
        await Eventually.True(async () => (await Pods("paused")).Count(p => Phase(p) == "Running") == 2, "two pods running");
        await Kubectl.Ok("patch job paused --type=merge -p '{\"spec\":{\"suspend\":true}}'");
        Assert.Contains("condition met", await Kubectl.Ok("wait --for=condition=suspended job/paused --timeout=60s"));
        await Eventually.True(async () => (await Pods("paused")).Count == 0, "the suspended job's pods are gone");
        var job = await Get("job paused");
        Assert.Equal(0, job["status"]!["active"]!.GetValue<int>());
        Assert.Equal(0, job["status"]!["failed"]?.GetValue<int>() ?? 0);
        Assert.Matches(@"paused\s+Suspended", await Kubectl.Ok("get job paused"));
        await Kubectl.Ok("patch job paused --type=merge -p '{\"spec\":{\"suspend\":false}}'");
        await Eventually.True(async () => (await Pods("paused")).Count(p => Phase(p) == "Running") == 2, "two pods running again");
    }
}
