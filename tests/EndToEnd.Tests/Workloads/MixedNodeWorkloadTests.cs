using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using OrleansOrchestrator.EndToEnd.Tests.Networking;

namespace OrleansOrchestrator.EndToEnd.Tests.Workloads;

/// <summary>
/// Issue 13's DaemonSet, Job and shared-claim cases on a cluster of one Docker node and simulated nodes, with kubectl
/// 1.32: what runs on the Docker node runs as real containers.
/// </summary>
public sealed class MixedNodeWorkloadTests : IAsyncLifetime
{
    private static readonly string NodeName = $"e2e-wl-{Guid.NewGuid().ToString("N")[..8]}";

    private readonly SiloProcess _silo = new(extraArgs: ["--node-name", NodeName, "--simulated-nodes", "2"], dockerAgent: true);

    private Kubectl Kubectl { get; set; } = null!;

    public async Task InitializeAsync()
    {
        await TestImages.EnsureBusybox();
        await _silo.Start();
        Kubectl = new Kubectl("1.32", _silo.KubeconfigPath);
        await Eventually.True(async () => (await ReadyNodes()).Count == 3, "three nodes Ready", TimeSpan.FromMinutes(1));
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await TestImages.RemoveNodeLeftovers(NodeName);
    }

    [Fact]
    public async Task DaemonSet_OnePodPerNode_ANodeJoiningGetsOne_ATaintedNodeWithoutTolerationGetsNone()
    {
        await Kubectl.Ok("apply -f -", $$"""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: agent
            spec:
              selector:
                matchLabels:
                  app: agent
              template:
                metadata:
                  labels:
                    app: agent
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: {{TestImages.Busybox}}
                    imagePullPolicy: Never
                    command: ["sh", "-c", "exec sleep 3600"]
            """);
        await WaitForDaemonPods(["sim-0000", "sim-0001", NodeName]);
        // The Docker node's pod is a real container.
        Assert.NotEmpty((await TestImages.Shell(
            $"docker ps -q --filter label=io.orleans-orchestrator.node={NodeName} --filter label=io.kubernetes.pod.namespace=default --filter label=io.kubernetes.container.name=main")).Trim());

        await using var late = new AgentProcess(_silo, ["--no-docker", "--simulated-nodes", "1", "--simulated-prefix", "late"]);
        await late.Start();
        await WaitForDaemonPods(["late-0000", "sim-0000", "sim-0001", NodeName]);

        await Kubectl.Ok("taint node sim-0001 dedicated=db:NoExecute");
        await WaitForDaemonPods(["late-0000", "sim-0000", NodeName]);
        Assert.Matches(@"agent\s+3\s+3\s+3\s+3\s+3", await Kubectl.Ok("get ds agent"));
        await Kubectl.Ok("rollout status daemonset/agent --timeout=60s");
    }

    [Fact]
    public async Task Jobs_CompleteWithinParallelism_FailAfterTheirBackoffLimit_AndIndexedPodsSeeTheirIndex()
    {
        string Job(string name, string command, string extra) => $$"""
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: {{name}}
            spec:
              {{extra}}
              template:
                spec:
                  nodeSelector:
                    kubernetes.io/hostname: {{NodeName}}
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: {{TestImages.Busybox}}
                    imagePullPolicy: Never
                    command: ["sh", "-c", "{{command}}"]
            """;
        await Kubectl.Ok("apply -f -", Job("five", "sleep 1; echo done", "completions: 5\n  parallelism: 2"));
        await Kubectl.Ok("apply -f -", Job("indexed", "echo index=$JOB_COMPLETION_INDEX", "completions: 5\n  parallelism: 5\n  completionMode: Indexed"));
        await Kubectl.Ok("apply -f -", Job("broken", "exit 3", "backoffLimit: 1"));

        // Never more than two of the five at once, watched until it completes.
        var mostActive = 0;
        await Eventually.True(async () =>
        {
            var pods = (await Get("pods -l job-name=five"))["items"]!.AsArray();
            mostActive = Math.Max(mostActive, pods.Count(p => p!["status"]?["phase"]?.GetValue<string>() is not ("Succeeded" or "Failed")));
            return await Condition("job five", "Complete") == "True";
        }, "job five Complete", TimeSpan.FromMinutes(3));
        Assert.InRange(mostActive, 1, 2);
        Assert.Equal(5, (await Get("job five"))["status"]!["succeeded"]!.GetValue<int>());
        await Kubectl.Ok("wait --for=condition=complete job/five --timeout=10s");

        await Kubectl.Ok("wait --for=condition=complete job/indexed --timeout=180s");
        Assert.Equal("0-4", (await Get("job indexed"))["status"]!["completedIndexes"]!.GetValue<string>());
        var seen = new List<string>();
        foreach (var pod in (await Get("pods -l job-name=indexed"))["items"]!.AsArray())
            seen.Add((await Kubectl.Ok($"logs {pod!["metadata"]!["name"]!.GetValue<string>()}")).Trim());
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"index={i}"), seen.Order());

        await Kubectl.Ok("wait --for=condition=failed job/broken --timeout=180s");
        var broken = await Get("job broken");
        Assert.Equal(2, broken["status"]!["failed"]!.GetValue<int>());
        Assert.Contains("BackoffLimitExceeded", broken["status"]!["conditions"]!.ToJsonString());
    }

    [Fact]
    public async Task PodsSharingAReadWriteOnceClaim_LandOnOneNode_AndTheClaimWaitsForThemBeforeItGoes()
    {
        await Kubectl.Ok("apply -f -", $$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: shared
            spec:
              accessModes: ["ReadWriteOnce"]
              resources:
                requests:
                  storage: 5Mi
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: pair
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app: pair
              template:
                metadata:
                  labels:
                    app: pair
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: {{TestImages.Busybox}}
                    imagePullPolicy: Never
                    command: ["sh", "-c", "echo $HOSTNAME >> /data/log && exec sleep 3600"]
                    volumeMounts:
                    - name: data
                      mountPath: /data
                  volumes:
                  - name: data
                    persistentVolumeClaim:
                      claimName: shared
            """);
        var nodes = await Eventually.Value(async () =>
        {
            var pods = (await Get("pods -l app=pair"))["items"]!.AsArray();
            return pods.Count == 2 && pods.All(p => p!["status"]?["phase"]?.GetValue<string>() == "Running")
                ? pods.Select(p => p!["spec"]!["nodeName"]!.GetValue<string>()).ToList()
                : null;
        }, "both pods Running", TimeSpan.FromMinutes(2));
        Assert.Single(nodes.Distinct());
        var claim = await Get("pvc shared");
        Assert.Equal("Bound", claim["status"]!["phase"]!.GetValue<string>());
        Assert.Contains(nodes[0], (await Get($"pv {claim["spec"]!["volumeName"]!.GetValue<string>()}"))["spec"]!["nodeAffinity"]!.ToJsonString());

        // In use: the delete is accepted but the claim stays (Terminating) until its pods are gone.
        await Kubectl.Ok("delete pvc shared --wait=false");
        var terminating = await Get("pvc shared");
        Assert.NotNull(terminating["metadata"]!["deletionTimestamp"]);
        Assert.Contains("kubernetes.io/pvc-protection", terminating["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Matches(@"shared\s+Terminating", await Kubectl.Ok("get pvc shared"));
        await Kubectl.Ok("delete deployment pair");
        await Eventually.True(async () => (await Kubectl.Run("get pvc shared")).ExitCode != 0, "the claim gone after its pods", TimeSpan.FromMinutes(2));
        // Reclaim policy Delete: its volume goes with it.
        await Eventually.True(async () => !(await Kubectl.Ok("get pv")).Contains("default/shared"), "the volume deleted", TimeSpan.FromMinutes(1));
    }

    private async Task<JsonNode> Get(string what) => JsonNode.Parse(await Kubectl.Ok($"get {what} -o json"))!;

    private async Task<string?> Condition(string what, string type) =>
        (await Get(what))["status"]?["conditions"]?.AsArray().FirstOrDefault(c => c!["type"]!.GetValue<string>() == type)?["status"]?.GetValue<string>();

    private async Task<IReadOnlyList<string>> ReadyNodes() =>
        (await Get("nodes"))["items"]!.AsArray()
            .Where(n => n!["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true)
            .Select(n => n!["metadata"]!["name"]!.GetValue<string>()).ToList();

    /// <summary>Waits until the DaemonSet runs exactly one live pod on each of <paramref name="nodes"/> and none elsewhere.</summary>
    private Task WaitForDaemonPods(IReadOnlyList<string> nodes) =>
        Eventually.True(async () =>
        {
            var pods = (await Get("pods -l app=agent"))["items"]!.AsArray()
                .Where(p => p!["metadata"]!["deletionTimestamp"] is null && p["status"]?["phase"]?.GetValue<string>() == "Running")
                .Select(p => p!["spec"]!["nodeName"]?.GetValue<string>() ?? "").Order(StringComparer.Ordinal).ToList();
            return pods.SequenceEqual(nodes.Order(StringComparer.Ordinal));
        }, $"one daemon pod on each of {string.Join(", ", nodes)}", TimeSpan.FromMinutes(2));
}
