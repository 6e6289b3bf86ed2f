using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.HighAvailability;

/// <summary>
/// A node whose agent hangs (SIGSTOP: the process is frozen, its containers run on), as Kubernetes handles it: the node
/// goes NotReady with the unreachable taints, a Deployment's pod moves to another node once its toleration runs out,
/// and the agent, woken again (SIGCONT), removes the containers of the pod that was evicted meanwhile.
/// </summary>
public sealed class NodeFailureTests
{
    /// <summary>Longer than the agents' 10 s heartbeat, far shorter than Kubernetes' 40 s.</summary>
    private const int GraceSeconds = 15;

    private const int TolerationSeconds = 5;

    [Fact]
    public async Task AgentFrozen_NodeNotReadyAndTainted_PodMovesToAnotherNode_AgentResumed_RemovesTheOldContainers()
    {
        await TestImages.EnsureBusybox();
        var nodeName = $"e2e-frozen-{Guid.NewGuid().ToString("N")[..6]}";
        await using var silo = new SiloProcess(extraArgs: ["--simulated-nodes", "1", "--node-grace-period", $"{GraceSeconds}",
            "--default-unreachable-toleration-seconds", $"{TolerationSeconds}", "--default-not-ready-toleration-seconds", $"{TolerationSeconds}"]);
        await silo.Start();
        var agent = new AgentProcess(silo, ["--node-name", nodeName]);
        try
        {
            await agent.Start();
            var kubectl = new Kubectl("1.32", silo.KubeconfigPath);
            await Eventually.True(async () => await NodeStatus(kubectl, nodeName) == "Ready", "the Docker node Ready");
            var simulated = (await kubectl.Ok("get nodes -o name")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(n => n["node/".Length..]).Single(n => n.StartsWith("sim-", StringComparison.Ordinal));

            // The pod starts on the Docker node: the other one is cordoned until it runs.
            await kubectl.Ok($"cordon {simulated}");
            await kubectl.Ok("apply -f -", $$"""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 1
                  selector:
                    matchLabels: {app: web}
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      terminationGracePeriodSeconds: 2
                      containers:
                      - {name: main, image: "{{TestImages.Busybox}}", imagePullPolicy: Never, command: [sh, -c, "exec sleep 100000"]}
                """);
            var first = await Eventually.Value(async () => (await Pods(kubectl)).SingleOrDefault(p => p.Node == nodeName && p.Running), "the pod Running on the Docker node",
                TimeSpan.FromSeconds(90));
            Assert.NotEmpty(await Containers(nodeName));
            var tolerations = JsonNode.Parse(await kubectl.Ok($"get pod {first.Name} -o json"))!["spec"]!["tolerations"]!.AsArray()
                .Select(t => (t!["key"]!.GetValue<string>(), t["effect"]!.GetValue<string>(), t["tolerationSeconds"]!.GetValue<long>()));
            Assert.Equal([("node.kubernetes.io/not-ready", "NoExecute", (long)TolerationSeconds), ("node.kubernetes.io/unreachable", "NoExecute", (long)TolerationSeconds)], tolerations);
            await kubectl.Ok($"uncordon {simulated}");

            await agent.Pause();
            await Eventually.True(async () => await NodeStatus(kubectl, nodeName) == "NotReady", "the frozen node NotReady", TimeSpan.FromSeconds(GraceSeconds + 30));
            var taints = JsonNode.Parse(await kubectl.Ok($"get node {nodeName} -o json"))!["spec"]!["taints"]!.AsArray()
                .Select(t => $"{t!["key"]!.GetValue<string>()}:{t["effect"]!.GetValue<string>()}").Order();
            Assert.Equal(["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"], taints);
            Assert.Contains("node.kubernetes.io/unreachable:NoSchedule", await kubectl.Ok($"describe node {nodeName}"));

            // Evicted once its toleration ran out, replaced on the other node.
            await Eventually.True(async () => (await Pods(kubectl)).Any(p => p.Node == simulated && p.Running), "a replacement Running on the simulated node",
                TimeSpan.FromSeconds(60));
            Assert.True((await Pods(kubectl)).Single(p => p.Name == first.Name).Terminating, "the frozen node's pod is being deleted");
            // Its containers run on: nobody on the node can stop them while the agent is frozen.
            Assert.NotEmpty(await Containers(nodeName));

            await agent.Resume();
            await Eventually.True(async () => (await Containers(nodeName)).Count == 0, "the evicted pod's containers removed", TimeSpan.FromSeconds(90));
            await Eventually.True(async () => (await Pods(kubectl)).All(p => p.Name != first.Name), "the evicted pod gone", TimeSpan.FromSeconds(60));
            await Eventually.True(async () => await NodeStatus(kubectl, nodeName) == "Ready"
                && JsonNode.Parse(await kubectl.Ok($"get node {nodeName} -o json"))!["spec"]!["taints"] is null, "the node Ready and untainted again", TimeSpan.FromSeconds(60));
        }
        finally
        {
            await agent.DisposeAsync();
            await TestImages.RemoveNodeLeftovers(nodeName);
        }
    }

    private sealed record PodRow(string Name, string Node, bool Running, bool Terminating);

    private static async Task<IReadOnlyList<PodRow>> Pods(Kubectl kubectl) =>
        JsonNode.Parse(await kubectl.Ok("get pods -l app=web -o json"))!["items"]!.AsArray()
            .Select(p => new PodRow(
                p!["metadata"]!["name"]!.GetValue<string>(),
                p["spec"]!["nodeName"]?.GetValue<string>() ?? "",
                p["status"]?["phase"]?.GetValue<string>() == "Running",
                p["metadata"]!["deletionTimestamp"] is not null))
            .ToList();

    /// <summary>The STATUS column of <c>kubectl get node</c>: what a user sees.</summary>
    private static async Task<string> NodeStatus(Kubectl kubectl, string node)
    {
        var result = await kubectl.Run($"get node {node} --no-headers");
        return result.ExitCode == 0 && result.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var status, ..] ? status : "";
    }

    /// <summary>The engine's containers of a node, in every state.</summary>
    private static async Task<IReadOnlyList<string>> Containers(string node) =>
        (await TestImages.Shell($"docker ps -aq --filter label=io.orleans-orchestrator.node={node}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
