using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Agents;

/// <summary>
/// Two clusters on one Docker engine under the same node name — a product and a test run on one machine: each
/// runs its own pods and leaves the other's containers alone, where each used to remove the other's as orphans.
/// </summary>
public sealed class SharedEngineTests
{
    [Fact]
    public async Task TwoClusters_OneEngine_SameNodeName_LeaveEachOthersContainersAlone()
    {
        var node = $"e2e-{Guid.NewGuid().ToString("N")[..8]}";
        var (firstCluster, secondCluster) = ($"{node}-a", $"{node}-b");
        await TestImages.EnsureBusybox();
        var first = new SiloProcess(extraArgs: ["--node-name", node, "--cluster-id", firstCluster], dockerAgent: true);
        var second = new SiloProcess(extraArgs: ["--node-name", node, "--cluster-id", secondCluster], dockerAgent: true);
        try
        {
            await Task.WhenAll(first.Start(), second.Start());
            var (a, b) = (new Kubectl("1.32", first.KubeconfigPath), new Kubectl("1.32", second.KubeconfigPath));

            await RunPod(a, "alpha");
            var alpha = await Containers(firstCluster, "alpha");
            Assert.Equal(2, alpha.Count); // the sandbox and the app container
            await RunPod(b, "beta");
            // The second agent has listed the engine every second since its start, so many times with alpha's
            // containers on it: a third pod started after beta runs proves more passes still.
            await RunPod(b, "gamma");

            Assert.Equal(alpha, await Containers(firstCluster, "alpha"));
            Assert.Equal(2, (await Containers(secondCluster, "beta")).Count);
            Assert.Contains("Running", await a.Ok("get pod alpha"));
            Assert.DoesNotContain("Removing container", first.Output);
            Assert.DoesNotContain("Removing container", second.Output);
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            await TestImages.RemoveNodeLeftovers(node, firstCluster, secondCluster);
        }
    }

    private static async Task RunPod(Kubectl kubectl, string name)
    {
        await kubectl.Ok("apply -f -", $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}}
            spec:
              terminationGracePeriodSeconds: 1
              containers: [{name: main, image: "{{TestImages.Busybox}}", imagePullPolicy: Never, command: [sleep, "3600"]}]
            """);
        await kubectl.Ok($"wait --for=condition=Ready pod/{name} --timeout=90s");
    }

    /// <summary>The running containers of a pod of one cluster, by the labels every container carries.</summary>
    private static async Task<List<string>> Containers(string cluster, string pod) =>
        (await TestImages.Shell($"docker ps -q --filter label=io.orleans-orchestrator.cluster={cluster} --filter label=io.kubernetes.pod.name={pod}"))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();
}
