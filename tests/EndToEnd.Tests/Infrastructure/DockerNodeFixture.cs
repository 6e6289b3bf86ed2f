namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A silo whose main command runs its local agent on the Docker engine, as a user's would, under a node
/// name of its own (tests share one engine); and the test image.
/// </summary>
public sealed class DockerNodeFixture : IAsyncLifetime
{
    public string NodeName { get; } = $"e2e-{Guid.NewGuid().ToString("N")[..8]}";

    public SiloProcess Silo { get; }

    public DockerNodeFixture() => Silo = new SiloProcess(extraArgs: ["--node-name", NodeName], dockerAgent: true);

    public Kubectl Kubectl(string version = "1.32") => new(version, Silo.KubeconfigPath);

    public async Task InitializeAsync()
    {
        await TestImages.EnsureBusybox();
        await Silo.Start();
        Assert.Contains($"node {NodeName} on docker://", Silo.Output);
    }

    /// <summary>The engine's containers of this node, by the labels every container carries.</summary>
    public async Task<IReadOnlyList<string>> ContainerIds(string podName, bool all = false) =>
        (await TestImages.Shell($"docker ps {(all ? "-a" : "")} -q --filter label=io.orleans-orchestrator.node={NodeName} --filter label=io.kubernetes.pod.name={podName}"))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        // Leave no container behind on the shared engine.
        await TestImages.RemoveNodeLeftovers(NodeName);
    }
}
