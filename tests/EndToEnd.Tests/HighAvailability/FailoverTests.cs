using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.HighAvailability;

/// <summary>
/// Two silos on one PostgreSQL, one killed with SIGKILL while clients use the other (issue 16): the survivor answers
/// every write with success or a retryable 503 (never a 500 or the runtime's text), loses no acknowledged write, keeps
/// every watch speaking (its changes, or an ERROR/close that tells the client to relist) and keeps an agent's node Ready.
/// </summary>
public sealed class FailoverTests(PostgresServer postgres, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    /// <summary>How long a watch on the survivor may stay silent about an acknowledged change before it must have ended.</summary>
    private static readonly TimeSpan WatchBound = TimeSpan.FromSeconds(15);

    private const int Namespaces = 3;

    /// <summary>
    /// The first silo, started alone, creates the namespaces (so their collection grains live on it, the silo to be
    /// killed); the second joins with the first's credentials folder (SiloProcess shares one per database), as an operator starts a second silo.
    /// </summary>
    private async Task<(SiloProcess Doomed, SiloProcess Survivor)> TwoSilos(string database, IReadOnlyList<string>? survivorArgs = null)
    {
        await postgres.CreateDatabase(database);
        var doomed = new SiloProcess(postgres: postgres.ConnectionString(database));
        await doomed.Start();
        var first = new Kubectl("1.32", doomed.KubeconfigPath);
        for (var n = 0; n < Namespaces; n++)
        {
            await first.Ok($"create namespace fo-{n}");
            await first.Ok($"-n fo-{n} create configmap seed --from-literal=k=v");
        }

        var survivor = new SiloProcess(postgres: postgres.ConnectionString(database), extraArgs: survivorArgs);
        await survivor.Start();
        return (doomed, survivor);
    }

    /// <summary>One raw HTTP watch of a namespace's ConfigMaps: the names it was told of, and how it ended, if it did.</summary>
    private sealed class RawWatch
    {
        public readonly List<string> Added = [];
        public JsonNode? Error;
        public DateTime? EndedAt;
        public Task Reading = Task.CompletedTask;

        public string[] Seen { get { lock (Added) return [.. Added]; } }
    }

    private static RawWatch Watch(ApiClient api, string ns, string fromVersion, CancellationToken cancellationToken)
    {
        var watch = new RawWatch();
        watch.Reading = Task.Run(async () =>
        {
            try
            {
                using var response = await api.Http.GetAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={fromVersion}",
                    HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    var e = JsonNode.Parse(line)!;
                    if (e["type"]!.GetValue<string>() == "ERROR") watch.Error = e["object"];
                    else if (e["type"]!.GetValue<string>() == "ADDED") lock (watch.Added) watch.Added.Add(e["object"]!["metadata"]!["name"]!.GetValue<string>());
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException) { }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            watch.EndedAt = DateTime.UtcNow;
        }, CancellationToken.None);
        return watch;
    }

    private sealed record Answer(DateTime At, int Code, string? RetryAfter, JsonNode? Body, string Ns, string Name, TimeSpan Took);

    [Fact]
    public async Task SiloKilledDuringWrites_SurvivorAnswers2xxOr503WithRetryAfter_LosesNothing_AndNoWatchGoesSilent()
    {
        var (doomed, survivor) = await TwoSilos("failover_writes");
        await using var _ = doomed;
        await using var __ = survivor;
        using var api = new ApiClient(survivor, ApiClient.AdminToken(survivor));
        using var stopWatches = new CancellationTokenSource();

        // A raw watch per namespace and one real `kubectl get -w`, all on the survivor, from the current version.
        var watches = new Dictionary<string, RawWatch>();
        for (var n = 0; n < Namespaces; n++)
        {
            var version = (await api.Get($"/api/v1/namespaces/fo-{n}/configmaps")).Body!["metadata"]!["resourceVersion"]!.GetValue<string>();
            watches[$"fo-{n}"] = Watch(api, $"fo-{n}", version, stopWatches.Token);
        }
        var kubectl = new Kubectl("1.32", survivor.KubeconfigPath);
        using var kubectlWatch = kubectl.Start("-n fo-0 get configmaps -w -o name");

        // Creates through the survivor, round robin over the namespaces; the silo hosting their collections is
        // killed once some are acknowledged, and the loop goes on until well after the failover.
        var answers = new List<Answer>();
        DateTime? killedAt = null;
        var clock = Stopwatch.StartNew();
        for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(90); i++)
        {
            var (ns, name) = ($"fo-{i % Namespaces}", $"cm-{i}");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps")
            {
                Content = new StringContent(new JsonObject
                {
                    ["apiVersion"] = "v1", ["kind"] = "ConfigMap",
                    ["metadata"] = new JsonObject { ["name"] = name }, ["data"] = new JsonObject { ["i"] = $"{i}" },
                }.ToJsonString(),
                    System.Text.Encoding.UTF8, "application/json"),
            };
            var sent = Stopwatch.StartNew();
            using var response = await api.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            answers.Add(new Answer(DateTime.UtcNow, (int)response.StatusCode, response.Headers.RetryAfter?.ToString(), JsonNode.Parse(text), ns, name, sent.Elapsed));
            if (killedAt is null && answers.Count(a => a.Code == 201) == 15)
            {
                await doomed.Kill();
                killedAt = DateTime.UtcNow;
            }
            if (killedAt is { } k && DateTime.UtcNow - k > WatchBound && answers.Count(a => a.At > k && a.Code == 201) >= 15) break;
        }
        Assert.NotNull(killedAt);

        // Only successes and retryable refusals, the latter as Kubernetes' Status with Retry-After and no runtime text.
        foreach (var refused in answers.Where(a => a.Code != 201))
        {
            Assert.True(refused.Code == 503, $"{refused.Name}: {refused.Code} {refused.Body?.ToJsonString()}");
            Assert.Equal("1", refused.RetryAfter);
            Assert.Equal(("Status", "ServiceUnavailable"), (refused.Body!["kind"]!.GetValue<string>(), refused.Body["reason"]!.GetValue<string>()));
            Assert.DoesNotContain("Orleans", refused.Body.ToJsonString(), StringComparison.Ordinal);
        }
        var firstAfter = answers.First(a => a.At > killedAt && a.Code == 201).At - killedAt.Value;
        var longest = answers.Where(a => a.At > killedAt).Max(a => a.Took);
        output.WriteLine($"first write after the kill: {firstAfter.TotalMilliseconds:F0} ms; longest: {longest.TotalMilliseconds:F0} ms; refused: {answers.Count(a => a.Code != 201)} of {answers.Count}");
        Assert.True(firstAfter < TimeSpan.FromSeconds(10), $"the first write after the kill succeeded only after {firstAfter}");

        // Every acknowledged create is there, read through the survivor.
        var acknowledged = answers.Where(a => a.Code == 201).ToList();
        for (var n = 0; n < Namespaces; n++)
        {
            var stored = (await api.Get($"/api/v1/namespaces/fo-{n}/configmaps")).Body!["items"]!.AsArray()
                .Select(item => item!["metadata"]!["name"]!.GetValue<string>()).ToHashSet();
            Assert.All(acknowledged.Where(a => a.Ns == $"fo-{n}"), a => Assert.Contains(a.Name, stored));
        }

        // Each watch either told of every acknowledged create in its namespace, or ended — in time, and never silently
        // with a 500: with a 410 (relist) or a close.
        foreach (var (ns, watch) in watches)
        {
            var expected = acknowledged.Where(a => a.Ns == ns).Select(a => a.Name).ToList();
            await Eventually.True(() => watch.EndedAt is not null || expected.All(watch.Seen.Contains), $"the watch of {ns} to deliver or end", WatchBound);
            output.WriteLine($"watch of {ns}: {(watch.EndedAt is { } e ? $"ended {(e - killedAt.Value).TotalMilliseconds:F0} ms after the kill with {watch.Error?.ToJsonString() ?? "a close"}" : $"delivered all {expected.Count}")}");
            if (watch.EndedAt is { } ended)
            {
                Assert.True(ended - killedAt.Value <= WatchBound, $"the watch of {ns} ended {ended - killedAt.Value} after the kill");
                if (watch.Error is { } status) Assert.Equal(410, status["code"]!.GetValue<int>());
            }
        }
        var inFirst = acknowledged.Where(a => a.Ns == "fo-0").Select(a => $"configmap/{a.Name}").ToList();
        await Eventually.True(() => kubectlWatch.HasExited || inFirst.All(kubectlWatch.Output.Contains), "kubectl get -w to deliver or end", WatchBound);
        output.WriteLine($"kubectl get -w: {(kubectlWatch.HasExited ? "exited: " + kubectlWatch.Output.Split('\n').Reverse().Skip(1).FirstOrDefault() : "delivered all")}");
        await stopWatches.CancelAsync();
        await Task.WhenAll(watches.Values.Select(w => w.Reading));
    }

    [Fact]
    public async Task SiloKilled_AgentWithBothGateways_KeepsItsNodeReady_AndSeesNewPods()
    {
        // A short grace period, so that a node whose heartbeats stopped would show NotReady within the test — yet longer
        // than the agent's heartbeat interval (10 s) and the heartbeat ledger's staleness after a lost silo (≈ 7 s), as a
        // grace period must be for a healthy node never to flap.
        var (doomed, survivor) = await TwoSilos("failover_agent", survivorArgs: ["--node-grace-period", "25"]);
        await using var _ = doomed;
        await using var __ = survivor;
        await using var agent = new AgentProcess(doomed,
            ["--gateway", $"127.0.0.1:{survivor.GatewayPort}", "--no-docker", "--simulated-nodes", "1", "--simulated-prefix", "fo-node"]);
        await agent.Start();
        var kubectl = new Kubectl("1.32", survivor.KubeconfigPath);
        const string node = "fo-node-0000";
        async Task<string> Ready() => (await kubectl.Run($"get node {node} -o jsonpath={{.status.conditions[?(@.type==\"Ready\")].status}}")).Stdout.Trim();
        await Eventually.True(async () => await Ready() == "True", "the agent's node to be Ready", TimeSpan.FromSeconds(60));

        await doomed.Kill();
        var killed = Stopwatch.StartNew();
        // Ready at every look for the grace period and more: its heartbeats go on through the other gateway.
        while (killed.Elapsed < TimeSpan.FromSeconds(35))
        {
            var ready = await Ready();
            Assert.True(ready is "True" or "", $"the node was {ready} {killed.Elapsed} after its first gateway's silo was killed:\n{agent.Output}");
        }
        Assert.Equal("True", await Ready());

        // And the agent still learns of pods bound to it: a pod placed on its node after the kill runs.
        await kubectl.Ok("apply -f -", $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: after-failover}
            spec:
              nodeName: {{node}}
              containers: [{name: main, image: busybox}]
            """);
        await Eventually.True(async () => (await kubectl.Run("get pod after-failover -o jsonpath={.status.phase}")).Stdout.Trim() == "Running",
            "the pod bound after the failover to run", TimeSpan.FromSeconds(60));
    }
}
