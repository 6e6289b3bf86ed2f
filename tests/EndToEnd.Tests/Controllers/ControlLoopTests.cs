using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Controllers;

/// <summary>
/// The scheduler, the ReplicaSet controller, the garbage collector and the node lifecycle on simulated
/// nodes (the control loops are the unit under test; the container engine is outside it).
/// </summary>
public sealed class ControlLoopTests : IAsyncLifetime
{
    // The grace period outlasts an agent's 10 s heartbeat interval (as Kubernetes' 40 s outlasts the kubelet's 10 s):
    // a shorter one marks every node unreachable between two heartbeats and evicts its pods.
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "3", "--node-grace-period", "15", "--pod-eviction-timeout", "2", "--event-ttl", "10"]);

    public Task InitializeAsync() => _silo.Start();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    private async Task<List<JsonNode>> Pods(string selector)
    {
        var list = JsonNode.Parse(await Kubectl.Ok($"get pods -l '{selector}' -o json"))!;
        return list["items"]!.AsArray().Select(p => p!).ToList();
    }

    private static bool Running(JsonNode pod) => pod["status"]?["phase"]?.GetValue<string>() == "Running" && pod["metadata"]!["deletionTimestamp"] is null;

    [Fact]
    public async Task ReplicaSet_CreatesSchedulesScalesAndReplacesPods()
    {
        await Kubectl.Ok("apply -f -", Manifests.ReplicaSet("keeper", 6, cpu: "100m"));
        await Eventually.True(async () => (await Pods("app=keeper")).Count(Running) == 6, "6 pods Running");
        var pods = await Pods("app=keeper");
        Assert.True(pods.Select(p => p["spec"]!["nodeName"]!.GetValue<string>()).Distinct().Count() >= 2, "pods spread over nodes");
        Assert.All(pods, p => Assert.Equal("ReplicaSet", p["metadata"]!["ownerReferences"]![0]!["kind"]!.GetValue<string>()));

        // A deleted pod is replaced.
        var victim = pods[0]["metadata"]!["name"]!.GetValue<string>();
        await Kubectl.Ok($"delete pod {victim}");
        await Eventually.True(async () => (await Pods("app=keeper")) is var now && now.Count(Running) == 6 && now.All(p => p["metadata"]!["name"]!.GetValue<string>() != victim), "a replacement");

        // Scale down to 2, then up to 4.
        await Kubectl.Ok("scale rs keeper --replicas=2");
        await Eventually.True(async () => (await Pods("app=keeper")).Count == 2, "2 pods left");
        await Kubectl.Ok("scale rs keeper --replicas=4");
        await Eventually.True(async () => (await Pods("app=keeper")).Count(Running) == 4, "4 pods Running");
        await Eventually.True(async () => System.Text.RegularExpressions.Regex.IsMatch(await Kubectl.Ok("get rs keeper"), @"keeper\s+4\s+4\s+4"), "the ReplicaSet's status: 4 desired, current, ready");
    }

    /// <summary>
    /// Whether an object is gone. Only kubectl's NotFound says so: a kubectl that fails for another reason (the
    /// server down, a bad argument) proves nothing and fails the test.
    /// </summary>
    private async Task<bool> IsGone(string resource)
    {
        var result = await Kubectl.Run($"get {resource}");
        if (result.ExitCode == 0) return false;
        Assert.Contains("(NotFound)", result.Stderr);
        return true;
    }

    /// <summary>The Events about one object with one reason, through the API's field selector (kubectl must succeed).</summary>
    private async Task<List<JsonNode>> EventsAbout(string name, string reason) =>
        JsonNode.Parse(await Kubectl.Ok($"get events --field-selector involvedObject.name={name},reason={reason} -o json"))!["items"]!
            .AsArray().Select(e => e!).ToList();

    [Fact]
    public async Task Events_AreAggregated_AndExpireAfterTheirTimeToLive()
    {
        // The same scaling twice (1 → 2, back to 1, 1 → 2 again) is one Event counted twice, as kubectl describe shows it.
        await Kubectl.Ok("apply -f -", Manifests.Deployment("counted", 1, "example/c:1"));
        async Task ScaleTo(int replicas)
        {
            await Kubectl.Ok($"scale deployment counted --replicas={replicas}");
            await Eventually.True(async () => (await Kubectl.Ok("get rs -l app=counted -o jsonpath={.items[*].spec.replicas}")).Trim() == $"{replicas}",
                $"the ReplicaSet scaled to {replicas}");
        }
        await Eventually.True(async () => (await Kubectl.Ok("get rs -l app=counted -o jsonpath={.items[*].spec.replicas}")).Trim() == "1", "the ReplicaSet");
        await ScaleTo(2);
        await ScaleTo(1);
        await ScaleTo(2);
        var scaledUp = await Eventually.Value(async () => (await EventsAbout("counted", "ScalingReplicaSet"))
            .Where(e => e["message"]!.GetValue<string>().EndsWith(" from 1 to 2", StringComparison.Ordinal)).ToList() is { Count: > 0 } found
            && found.Sum(e => e["count"]!.GetValue<int>()) == 2 ? found : null, "two scale-ups from 1 to 2");
        var aggregated = Assert.Single(scaledUp);
        Assert.Equal(2, aggregated["count"]!.GetValue<int>());
        Assert.Matches(@"ScalingReplicaSet\s+\S+ \(x2 over \S+\)\s+\S+\s+Scaled up replica set counted-\S+ from 1 to 2",
            await Kubectl.Ok("describe deployment counted"));

        await Kubectl.Ok("run expiring --image=example/c:1");
        await Eventually.True(async () => (await EventsAbout("expiring", "Scheduled")).Count == 1, "the Scheduled event");
        // This silo keeps events 10 s after they last happened; the collector's sweep removes them.
        await Eventually.True(async () => (await EventsAbout("expiring", "Scheduled")).Count == 0, "the event to expire", TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task ReplicaSet_AdoptsMatchingOrphans_AndReleasesPodsThatStopMatching()
    {
        await Kubectl.Ok("run orphan --image=example/c:1 --labels=app=adopter");
        await Kubectl.Ok("apply -f -", Manifests.ReplicaSet("adopter", 2, cpu: "100m"));
        await Eventually.True(async () => (await Pods("app=adopter")).Count(Running) == 2, "2 pods");
        var orphan = JsonNode.Parse(await Kubectl.Ok("get pod orphan -o json"))!;
        Assert.Equal("adopter", orphan["metadata"]!["ownerReferences"]![0]!["name"]!.GetValue<string>());

        await Kubectl.Ok("label pod orphan app=elsewhere --overwrite");
        await Eventually.True(async () => JsonNode.Parse(await Kubectl.Ok("get pod orphan -o json"))!["metadata"]!["ownerReferences"] is null, "the pod to be released");
        await Eventually.True(async () => (await Pods("app=adopter")).Count(Running) == 2, "a replacement for the released pod");
    }

    [Fact]
    public async Task SchedulersOfTwoNamespacesAtOnce_NeverOvercommitANode()
    {
        // Three nodes of 4 CPUs; two namespaces (two schedulers) each want ten 1-CPU pods at the same time.
        await Kubectl.Ok("create namespace race-a");
        await Kubectl.Ok("create namespace race-b");
        await Task.WhenAll(
            Kubectl.Ok("-n race-a apply -f -", Manifests.ReplicaSet("greedy", 10, cpu: "1")),
            Kubectl.Ok("-n race-b apply -f -", Manifests.ReplicaSet("greedy", 10, cpu: "1")));

        async Task<List<JsonNode>> All() => JsonNode.Parse(await Kubectl.Ok("get pods -A -l app=greedy -o json"))!["items"]!.AsArray().Select(p => p!).ToList();
        await Eventually.True(async () => (await All()).Count(p => p["spec"]!["nodeName"] is not null) == 12, "12 pods placed");
        var pods = await All();
        Assert.Equal(8, pods.Count(p => p["spec"]!["nodeName"] is null));
        Assert.All(pods.Where(p => p["spec"]!["nodeName"] is not null).GroupBy(p => p["spec"]!["nodeName"]!.GetValue<string>()),
            node => Assert.True(node.Count() <= 4, $"{node.Key} holds {node.Count()} one-CPU pods on 4 CPUs"));
    }

    [Fact]
    public async Task PodThatFitsNowhere_ReportsWhyPerNode()
    {
        await Kubectl.Ok("run too-big --image=example/c:1 --overrides={\"spec\":{\"containers\":[{\"name\":\"too-big\",\"image\":\"example/c:1\",\"resources\":{\"requests\":{\"cpu\":\"64\"}}}]}}");
        var pod = await Eventually.Value(async () =>
        {
            var p = JsonNode.Parse(await Kubectl.Ok("get pod too-big -o json"))!;
            return p["status"]?["conditions"]?.AsArray().FirstOrDefault(c => c!["type"]!.GetValue<string>() == "PodScheduled" && c["status"]!.GetValue<string>() == "False");
        }, "PodScheduled=False");
        Assert.Equal("Unschedulable", pod["reason"]!.GetValue<string>());
        Assert.StartsWith("0/3 nodes are available: 3 Insufficient cpu.", pod["message"]!.GetValue<string>());
        Assert.Contains("FailedScheduling", await Kubectl.Ok("describe pod too-big"));
    }

    [Fact]
    public async Task DeletingAnOwner_Background_Foreground_Orphan()
    {
        await Kubectl.Ok("apply -f -", Manifests.ReplicaSet("bg", 2, cpu: "100m"));
        await Kubectl.Ok("apply -f -", Manifests.ReplicaSet("fg", 2, cpu: "100m"));
        await Kubectl.Ok("apply -f -", Manifests.ReplicaSet("orph", 2, cpu: "100m"));
        await Eventually.True(async () => (await Pods("app in (bg,fg,orph)")).Count(Running) == 6, "6 pods");

        await Kubectl.Ok("delete rs bg");
        await Eventually.True(async () => (await Pods("app=bg")).Count == 0, "background: the pods to be collected");

        await Kubectl.Ok("delete rs fg --cascade=foreground");
        await Eventually.True(async () => (await Pods("app=fg")).Count == 0 && await IsGone("rs fg"), "foreground: pods first, then the owner");

        await Kubectl.Ok("delete rs orph --cascade=orphan");
        await Eventually.True(() => IsGone("rs orph"), "orphan: the owner to go");
        var left = await Pods("app=orph");
        Assert.Equal(2, left.Count);
        Assert.All(left, p => Assert.Null(p["metadata"]!["ownerReferences"]));
    }

    [Fact]
    public async Task NodeThatStopsHeartbeating_IsMarkedUnreachable_AndItsPodsMoveElsewhere()
    {
        await using var agent = new AgentProcess(_silo, ["--no-docker", "--simulated-nodes", "1", "--simulated-prefix", "doomed"]);
        await agent.Start();
        await Eventually.True(async () => (await Kubectl.Ok("get nodes")).Contains("doomed-0000   Ready", StringComparison.Ordinal), "the extra node");
        // Only the doomed node may take this workload at first.
        await Kubectl.Ok("label node doomed-0000 pool=doomed");
        await Kubectl.Ok("apply -f -", """
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: mover}
            spec:
              replicas: 2
              selector: {matchLabels: {app: mover}}
              template:
                metadata: {labels: {app: mover}}
                spec:
                  containers: [{name: c, image: "example/c:1"}]
                  affinity:
                    nodeAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                      - {weight: 100, preference: {matchExpressions: [{key: pool, operator: In, values: [doomed]}]}}
            """);
        await Eventually.True(async () => (await Pods("app=mover")).Count(p => Running(p) && p["spec"]!["nodeName"]!.GetValue<string>() == "doomed-0000") == 2, "both pods on the doomed node");

        await agent.Kill();
        var node = await Eventually.Value(async () =>
        {
            var n = JsonNode.Parse(await Kubectl.Ok("get node doomed-0000 -o json"))!;
            return n["spec"]?["taints"]?.AsArray().Any(t => t!["key"]!.GetValue<string>() == "node.kubernetes.io/unreachable") == true ? n : null;
        }, "the unreachable taint");
        Assert.Equal("Unknown", node["status"]!["conditions"]!.AsArray().First(c => c!["type"]!.GetValue<string>() == "Ready")!["status"]!.GetValue<string>());
        Assert.Matches(@"doomed-0000\s+NotReady", await Kubectl.Ok("get nodes"));

        await Eventually.True(async () => (await Pods("app=mover")).Count(p => Running(p) && p["spec"]!["nodeName"]!.GetValue<string>() != "doomed-0000") == 2,
            "two replacements on live nodes", TimeSpan.FromSeconds(60));

        // The node comes back: Ready again, untainted, and its evicted pods are cleaned up.
        await agent.Start();
        await Eventually.True(async () => (await Kubectl.Ok("get nodes")).Contains("doomed-0000   Ready", StringComparison.Ordinal), "the node Ready again");
        // (A pod may be waiting for a node meanwhile: a loaded machine can delay a simulated node's heartbeat past this
        // silo's short grace period, and its pods are then replaced. Such a pod has no node, and is no stale pod.)
        await Eventually.True(async () => (await Pods("app=mover")).All(p => p["spec"]?["nodeName"]?.GetValue<string>() != "doomed-0000"), "the stale pods gone");
        Assert.Null(JsonNode.Parse(await Kubectl.Ok("get node doomed-0000 -o json"))!["spec"]!["taints"]);
    }

    [Fact]
    public async Task ControllersSurviveASiloRestart_WithoutDuplicatePods()
    {
        await Kubectl.Ok("apply -f -", Manifests.ReplicaSet("durable", 5, cpu: "100m"));
        await Eventually.True(async () => (await Pods("app=durable")).Count(Running) == 5, "5 pods");
        var before = (await Pods("app=durable")).Select(p => p["metadata"]!["name"]!.GetValue<string>()).Order().ToList();

        await _silo.Kill();
        await _silo.Start();
        await Kubectl.Ok("scale rs durable --replicas=7");

        await Eventually.True(async () => (await Pods("app=durable")).Count(Running) == 7, "7 pods after the restart", TimeSpan.FromSeconds(60));
        var after = await Pods("app=durable");
        Assert.Equal(7, after.Count);
        Assert.Subset(after.Select(p => p["metadata"]!["name"]!.GetValue<string>()).ToHashSet(), before.ToHashSet());
    }
}
