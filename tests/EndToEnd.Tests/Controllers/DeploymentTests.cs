using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Controllers;

/// <summary>Deployments on simulated nodes (the control loops are the unit under test): convergence, rolling updates within their bounds, rollback, deletion.</summary>
public sealed class DeploymentTests : IAsyncLifetime
{
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "5"]);

    public Task InitializeAsync() => _silo.Start();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    private async Task<JsonArray> Items(string what) => JsonNode.Parse(await Kubectl.Ok($"get {what} -o json"))!["items"]!.AsArray();

    [Fact]
    public async Task FiftyReplicas_Converge()
    {
        await Kubectl.Ok("apply -f -", Manifests.Deployment("fifty", 50, "example/app:1"));
        Assert.Contains("successfully rolled out", await Kubectl.Ok("rollout status deployment/fifty --timeout=120s"));
        var pods = await Items("pods -l app=fifty");
        Assert.Equal(50, pods.Count(p => p!["status"]!["phase"]!.GetValue<string>() == "Running"));
        Assert.Equal(5, pods.Select(p => p!["spec"]!["nodeName"]!.GetValue<string>()).Distinct().Count());
        Assert.Matches(@"fifty\s+50/50\s+50\s+50", await Kubectl.Ok("get deployment fifty"));
    }

    [Fact]
    public async Task RollingUpdate_StaysWithinSurgeAndUnavailable_AtEveryObservedState()
    {
        const int replicas = 10, surge = 3, unavailable = 2;
        await Kubectl.Ok("apply -f -", Manifests.Deployment("rolling", replicas, "example/app:1", strategy: $$"""
              strategy:
                type: RollingUpdate
                rollingUpdate: {maxSurge: {{surge}}, maxUnavailable: {{unavailable}}}
            """));
        await Kubectl.Ok("rollout status deployment/rolling --timeout=60s");

        // Watch the ReplicaSets while the update runs, and check the bounds at every state seen.
        using var api = new ApiClient(_silo, ApiClient.AdminToken(_silo));
        var list = (await api.Get("/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Drolling")).Body!;
        var state = list["items"]!.AsArray().ToDictionary(i => i!["metadata"]!["name"]!.GetValue<string>(), i => i!.DeepClone());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        using var response = await api.Http.GetAsync($"/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Drolling&watch=true&resourceVersion={list["metadata"]!["resourceVersion"]}",
            HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        await Kubectl.Ok("set image deployment/rolling main=example/app:2");
        var observed = 0;
        string Summary() => string.Join("; ", state.Values.Select(r => $"{r!["metadata"]!["name"]} spec={r["spec"]!["replicas"]} status={r["status"]?.ToJsonString()}"));
        while (await ReadLine(reader, cts.Token, Summary) is { } line)
        {
            var e = JsonNode.Parse(line)!;
            var rs = e["object"]!;
            var name = rs["metadata"]!["name"]!.GetValue<string>();
            if (e["type"]!.GetValue<string>() == "DELETED") state.Remove(name);
            else state[name] = rs.DeepClone();
            observed++;

            var total = state.Values.Sum(r => r!["spec"]!["replicas"]?.GetValue<int>() ?? 0);
            var available = state.Values.Sum(r => r!["status"]?["availableReplicas"]?.GetValue<int>() ?? 0);
            Assert.True(total <= replicas + surge, $"{total} replicas wanted at one point, above {replicas} + {surge}");
            Assert.True(available >= replicas - unavailable, $"only {available} available at one point, below {replicas} - {unavailable}");

            var updated = state.Values.FirstOrDefault(r => r!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == "example/app:2");
            if (updated?["status"]?["availableReplicas"]?.GetValue<int>() == replicas
                && state.Values.Where(r => r != updated).All(r => (r!["status"]?["replicas"]?.GetValue<int>() ?? 0) == 0))
                break;
        }
        Assert.True(observed > 3, "the watch saw the rollout's steps");
        Assert.Contains("successfully rolled out", await Kubectl.Ok("rollout status deployment/rolling --timeout=60s"));
    }

    private static async Task<string?> ReadLine(StreamReader reader, CancellationToken cancellationToken, Func<string> state)
    {
        try { return await reader.ReadLineAsync(cancellationToken); }
        catch (OperationCanceledException) { throw new TimeoutException($"the rollout did not finish; last state: {state()}"); }
    }

    [Fact]
    public async Task RolloutUndo_ReturnsToThePreviousTemplate_ReusingItsReplicaSet()
    {
        await Kubectl.Ok("apply -f -", Manifests.Deployment("undo", 4, "example/app:1"));
        await Kubectl.Ok("rollout status deployment/undo --timeout=60s");
        await Kubectl.Ok("set image deployment/undo main=example/app:2");
        await Kubectl.Ok("rollout status deployment/undo --timeout=60s");
        var before = (await Items("rs -l app=undo")).Select(r => r!["metadata"]!["name"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(2, before.Count);

        Assert.Contains("rolled back", await Kubectl.Ok("rollout undo deployment/undo"));
        await Kubectl.Ok("rollout status deployment/undo --timeout=60s");

        Assert.Equal("example/app:1", await Kubectl.Ok("get deployment undo -o jsonpath='{.spec.template.spec.containers[0].image}'"));
        var after = await Items("rs -l app=undo");
        Assert.Equal(before, after.Select(r => r!["metadata"]!["name"]!.GetValue<string>()).Order().ToList());
        var current = after.Single(r => r!["spec"]!["replicas"]!.GetValue<int>() == 4)!;
        Assert.Equal("example/app:1", current["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("3", current["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>());
        Assert.Matches(@"REVISION\s+CHANGE-CAUSE\s+2\s+<none>\s+3\s+<none>", await Kubectl.Ok("rollout history deployment/undo"));
    }

    [Fact]
    public async Task PauseResumeRestart_AndDeletingADeploymentRemovesItsReplicaSetsAndPods()
    {
        await Kubectl.Ok("apply -f -", Manifests.Deployment("lifecycle", 3, "example/app:1"));
        await Kubectl.Ok("rollout status deployment/lifecycle --timeout=60s");

        await Kubectl.Ok("rollout pause deployment/lifecycle");
        await Kubectl.Ok("set image deployment/lifecycle main=example/app:2");
        // Paused: the template change is recorded but no new ReplicaSet appears.
        await Eventually.True(async () => JsonNode.Parse(await Kubectl.Ok("get deployment lifecycle -o json"))!["status"]!["observedGeneration"]!.GetValue<long>() >= 3, "the paused change observed");
        Assert.Single(await Items("rs -l app=lifecycle"));
        await Kubectl.Ok("rollout resume deployment/lifecycle");
        await Kubectl.Ok("rollout status deployment/lifecycle --timeout=60s");
        Assert.Equal(2, (await Items("rs -l app=lifecycle")).Count);

        await Kubectl.Ok("rollout restart deployment/lifecycle");
        await Kubectl.Ok("rollout status deployment/lifecycle --timeout=60s");
        Assert.Equal(3, (await Items("rs -l app=lifecycle")).Count);

        await Kubectl.Ok("delete deployment lifecycle");
        await Eventually.True(async () => (await Items("rs -l app=lifecycle")).Count == 0 && (await Items("pods -l app=lifecycle")).Count == 0,
            "its ReplicaSets and pods to be collected");
    }
}
