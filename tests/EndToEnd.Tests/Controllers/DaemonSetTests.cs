using System.Text.Json.Nodes;
using Xunit.Abstractions;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Controllers;

/// <summary>
/// DaemonSets on simulated nodes with kubectl 1.32 (the control loops are the unit under test): one pod per eligible
/// node as nodes join, leave and are tainted, and rolling updates within their limits with kubectl's rollout verbs.
/// </summary>
public sealed class DaemonSetTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "3"]);

    public Task InitializeAsync() => _silo.Start();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    private static string Manifest(string name, string image, string tolerations = "") => $$"""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: {{name}}
        spec:
          selector:
            matchLabels:
              app: {{name}}
          template:
            metadata:
              labels:
                app: {{name}}
            spec:
        {{tolerations}}
              containers: [{name: main, image: "{{image}}"}]
        """;

    private async Task<List<JsonNode>> Pods(string app) =>
        JsonNode.Parse(await Kubectl.Ok($"get pods -l app={app} -o json"))!["items"]!.AsArray().Select(p => p!).ToList();

    private static string? NodeOf(JsonNode pod) => pod["spec"]?["nodeName"]?.GetValue<string>();

    private static bool Terminating(JsonNode pod) => pod["metadata"]!["deletionTimestamp"] is not null;

    private static bool Ready(JsonNode pod) =>
        !Terminating(pod) && pod["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;

    /// <summary>The nodes that run a ready pod of <paramref name="app"/>, each once; fails on a node with two live pods.</summary>
    private async Task<List<string>> NodesWithReadyPod(string app)
    {
        var pods = (await Pods(app)).Where(p => !Terminating(p)).ToList();
        Assert.All(pods.GroupBy(NodeOf), g => Assert.True(g.Key is null || g.Count() == 1, $"{g.Count()} pods of {app} on {g.Key}"));
        return pods.Where(Ready).Select(p => NodeOf(p)!).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task OnePodPerNode_AsNodesJoinLeaveAndAreTainted()
    {
        await Kubectl.Ok("apply -f -", Manifest("agent", "example/agent:1"));
        await Eventually.True(async () => (await NodesWithReadyPod("agent")).SequenceEqual(["sim-0000", "sim-0001", "sim-0002"]), "a ready pod on each of the three nodes");
        await Eventually.True(async () => System.Text.RegularExpressions.Regex.IsMatch(await Kubectl.Ok("get ds agent"), @"agent\s+3\s+3\s+3\s+3\s+3\s+<none>"),
            "kubectl get ds: 3 desired, current, ready, up-to-date, available");
        var pod = (await Pods("agent")).First(p => NodeOf(p) == "sim-0000");
        Assert.Equal("DaemonSet", pod["metadata"]!["ownerReferences"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal("sim-0000", pod["spec"]!["affinity"]!["nodeAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["nodeSelectorTerms"]![0]!["matchFields"]![0]!["values"]![0]!.GetValue<string>());

        // A fourth node joins: it gets its pod within seconds (the node change wakes the DaemonSet, no sweep needed).
        await using var joiner = new AgentProcess(_silo, ["--no-docker", "--simulated-nodes", "1", "--simulated-prefix", "joiner"]);
        await joiner.Start();
        await Eventually.True(async () => (await Kubectl.Ok("get nodes")).Contains("joiner-0000   Ready", StringComparison.Ordinal), "the fourth node");
        var joined = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.True(async () => (await NodesWithReadyPod("agent")).Contains("joiner-0000"), "a pod on the fourth node", TimeSpan.FromSeconds(10));
        output.WriteLine($"node Ready to its daemon pod Ready (as kubectl polls see them): {joined.ElapsedMilliseconds} ms");

        // A NoSchedule taint keeps new pods off but leaves the running one; a DaemonSet without the toleration skips the node,
        // one with it does not.
        await Kubectl.Ok("taint node sim-0001 dedicated=db:NoSchedule");
        await Kubectl.Ok("apply -f -", Manifest("logs", "example/logs:1"));
        await Kubectl.Ok("apply -f -", Manifest("tolerant", "example/logs:1", tolerations: """
                  tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]
            """));
        await Eventually.True(async () => (await NodesWithReadyPod("logs")).SequenceEqual(["joiner-0000", "sim-0000", "sim-0002"]), "logs everywhere but the tainted node");
        await Eventually.True(async () => (await NodesWithReadyPod("tolerant")).Count == 4, "the tolerant DaemonSet on all four nodes");
        Assert.Contains("sim-0001", await NodesWithReadyPod("agent"));
        await Eventually.True(async () => JsonNode.Parse(await Kubectl.Ok("get ds logs -o json"))!["status"]!["desiredNumberScheduled"]!.GetValue<int>() == 3, "logs desires three nodes");

        // A NoExecute taint evicts it.
        await Kubectl.Ok("taint node sim-0002 evict=now:NoExecute");
        await Eventually.True(async () => !(await Pods("agent")).Any(p => NodeOf(p) == "sim-0002"), "the agent pod gone from the NoExecute node");

        // The fourth node leaves: its pods go with it.
        await joiner.Kill();
        await Kubectl.Ok("delete node joiner-0000");
        await Eventually.True(async () => (await Pods("agent")).All(p => NodeOf(p) != "joiner-0000") && (await Pods("logs")).All(p => NodeOf(p) != "joiner-0000"),
            "the pods of the node that left gone");
        // As in Kubernetes, the pod kept on the NoSchedule node is counted as misscheduled, not desired.
        await Eventually.True(async () => System.Text.RegularExpressions.Regex.IsMatch(await Kubectl.Ok("get ds agent"), @"agent\s+1\s+1\s+1\s+1\s+1\s"),
            "agent: one node left that should run it");
        Assert.Equal(1, JsonNode.Parse(await Kubectl.Ok("get ds agent -o json"))!["status"]!["numberMisscheduled"]!.GetValue<int>());
        Assert.Equal(["sim-0000", "sim-0001"], await NodesWithReadyPod("agent"));
    }

    [Fact]
    public async Task RollingUpdate_WithinMaxUnavailable_ThenSurge_WithRolloutStatusHistoryUndoAndRestart()
    {
        await Kubectl.Ok("apply -f -", Manifest("roller", "example/agent:1"));
        Assert.Contains("daemon set \"roller\" successfully rolled out", await Kubectl.Ok("rollout status daemonset/roller --timeout=60s"));
        var described = await Kubectl.Ok("describe daemonset roller");
        Assert.Matches(@"Desired Number of Nodes Scheduled: 3\s+Current Number of Nodes Scheduled: 3", described);
        Assert.Matches(@"Pods Status:\s+3 Running / 0 Waiting / 0 Succeeded / 0 Failed", described);
        Assert.Matches(@"SuccessfulCreate\s+.*daemonset-controller\s+Created pod: roller-", described);

        // maxUnavailable 1 (the default): at most one node at a time without a ready pod, never two pods on a node.
        await WatchRollout("roller", "example/agent:2", "set image daemonset/roller main=example/agent:2", state =>
        {
            var live = state.Values.Where(p => !Terminating(p)).ToList();
            Assert.All(live.GroupBy(NodeOf), g => Assert.True(g.Key is null || g.Count() == 1, $"two pods on {g.Key}"));
            var withoutReady = new[] { "sim-0000", "sim-0001", "sim-0002" }.Count(n => !live.Any(p => NodeOf(p) == n && Ready(p)));
            Assert.True(withoutReady <= 1, $"{withoutReady} nodes without a ready pod");
        });
        Assert.Contains("successfully rolled out", await Kubectl.Ok("rollout status daemonset/roller --timeout=60s"));
        Assert.Matches(@"REVISION\s+CHANGE-CAUSE\s+1\s+<none>\s+2\s+<none>", await Kubectl.Ok("rollout history daemonset/roller"));
        Assert.Contains("example/agent:1", await Kubectl.Ok("rollout history daemonset/roller --revision=1"));

        Assert.Contains("rolled back", await Kubectl.Ok("rollout undo daemonset/roller"));
        Assert.Contains("successfully rolled out", await Kubectl.Ok("rollout status daemonset/roller --timeout=60s"));
        Assert.Equal("example/agent:1", await Kubectl.Ok("get ds roller -o jsonpath={.spec.template.spec.containers[0].image}"));
        await Eventually.True(async () => (await Pods("roller")).All(p => p["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == "example/agent:1"), "every pod back on image 1");
        // The undo reuses revision 1 as revision 3.
        Assert.Matches(@"REVISION\s+CHANGE-CAUSE\s+2\s+<none>\s+3\s+<none>", await Kubectl.Ok("rollout history daemonset/roller"));

        // A surge: the new pod on a node starts beside the old, which goes once the new one is ready; every node keeps a ready pod.
        await Kubectl.Ok("patch daemonset roller -p {\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"maxSurge\":1,\"maxUnavailable\":0}}}}");
        await WatchRollout("roller", "example/agent:3", "set image daemonset/roller main=example/agent:3", state =>
        {
            var live = state.Values.Where(p => !Terminating(p)).ToList();
            var withoutReady = new[] { "sim-0000", "sim-0001", "sim-0002" }.Count(n => !live.Any(p => NodeOf(p) == n && Ready(p)));
            Assert.Equal(0, withoutReady);
            Assert.True(live.GroupBy(NodeOf).Count(g => g.Count() > 1) <= 1, "two nodes surging at once");
        });

        Assert.Contains("restarted", await Kubectl.Ok("rollout restart daemonset/roller"));
        Assert.Contains("successfully rolled out", await Kubectl.Ok("rollout status daemonset/roller --timeout=60s"));
        Assert.Matches(@"REVISION\s+CHANGE-CAUSE\s+2\s+<none>\s+3\s+<none>\s+4\s+<none>\s+5\s+<none>", await Kubectl.Ok("rollout history daemonset/roller"));
        // Every pod carries the current revision's hash, the label kubectl and the controller tell revisions apart by.
        await Eventually.True(async () => (await Pods("roller")).Count == 3, "the restarted pods alone");
        var hashes = (await Pods("roller")).Select(p => p["metadata"]!["labels"]!["controller-revision-hash"]!.GetValue<string>()).Distinct().ToList();
        var current = JsonNode.Parse(await Kubectl.Ok("get controllerrevisions -l app=roller -o json"))!["items"]!.AsArray()
            .MaxBy(r => r!["revision"]!.GetValue<long>())!["metadata"]!["labels"]!["controller-revision-hash"]!.GetValue<string>();
        Assert.Equal([current], hashes);
    }

    /// <summary>
    /// Runs <paramref name="change"/> and watches the DaemonSet's pods until every node runs a ready pod of
    /// <paramref name="image"/> and nothing else, checking <paramref name="check"/> at every state the watch shows.
    /// </summary>
    private async Task WatchRollout(string app, string image, string change, Action<Dictionary<string, JsonNode>> check)
    {
        using var api = new ApiClient(_silo, ApiClient.AdminToken(_silo));
        var list = (await api.Get($"/api/v1/namespaces/default/pods?labelSelector=app%3D{app}")).Body!;
        var state = list["items"]!.AsArray().ToDictionary(i => i!["metadata"]!["name"]!.GetValue<string>(), i => i!.DeepClone());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await api.Http.GetAsync($"/api/v1/namespaces/default/pods?labelSelector=app%3D{app}&watch=true&resourceVersion={list["metadata"]!["resourceVersion"]}",
            HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        await Kubectl.Ok(change);
        var observed = 0;
        string Summary() => string.Join("; ", state.Values.Select(p => $"{p["metadata"]!["name"]} on {NodeOf(p)} {p["spec"]!["containers"]![0]!["image"]} ready={Ready(p)} terminating={Terminating(p)}"));
        while (true)
        {
            string? line;
            try { line = await reader.ReadLineAsync(cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"the rollout did not finish; last state: {Summary()}"); }
            if (line is null) throw new InvalidOperationException($"the watch ended; last state: {Summary()}");
            var e = JsonNode.Parse(line)!;
            var pod = e["object"]!;
            var name = pod["metadata"]!["name"]!.GetValue<string>();
            if (e["type"]!.GetValue<string>() == "DELETED") state.Remove(name);
            else state[name] = pod.DeepClone();
            observed++;
            check(state);
            if (state.Count == 3 && state.Values.All(p => Ready(p) && p["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == image)) break;
        }
        Assert.True(observed > 3, "the watch saw the rollout's steps");
    }
}
