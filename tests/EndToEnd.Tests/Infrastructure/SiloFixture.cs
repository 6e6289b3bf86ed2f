namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>One running silo shared by the tests of a class.</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    public SiloProcess Silo { get; } = new();

    public Kubectl Kubectl(string version) => new(version, Silo.KubeconfigPath);

    public Task InitializeAsync() => Silo.Start();

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}
