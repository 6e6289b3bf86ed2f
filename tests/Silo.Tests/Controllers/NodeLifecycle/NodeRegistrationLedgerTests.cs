using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Controllers.NodeLifecycle;

namespace OrleansOrchestrator.Silo.Tests.Controllers.NodeLifecycle;

/// <summary>
/// A node the loop never heard of — it registered, and its silo was lost before the heartbeat batch left it — is in
/// the store only. The loop reads the whole node list every <see cref="FullListEvery"/>; told of a silo's loss, at its
/// next sweep, so the node's grace period counts from then.
/// </summary>
[Collection(NodeLifecycleGrainTests.Collection)]
public sealed class NodeRegistrationLedgerTests : IAsyncLifetime
{
    private static readonly TimeSpan Sweep = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FullListEvery = Sweep * NodeLifecycleGrain.SweepsPerFullList;

    private readonly string _folder = System.IO.Directory.CreateTempSubdirectory("oo-node-ledger-").FullName;
    private InProcessTestCluster _cluster = null!;

    private INodeLifecycle Loop => _cluster.Client.GetGrain<INodeLifecycle>(NodeLifecycleGrain.Key);

    public async Task InitializeAsync() =>
        _cluster = await StoreTestSilo.Start(_folder, "0123456789abcdef0123,admin,team-a,system:masters\n", services =>
        {
            services.AddSingleton(TimeProvider.System);
            services.AddSingleton(new ControllerOptions { ClusterSweep = Sweep });
        });

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try { System.IO.Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task ANodeOnlyInTheStore_AfterASilosLoss_IsInTheLedgerWithinTwoSweeps_NotAtTheNextFullList()
    {
        await CreateNode("node-witness");
        await Loop.Start();
        await Eventually.True(async () => (await Loop.LastHeard()).ContainsKey("node-witness"), "the loop's first full node list");

        await CreateNode("node-unheard");
        var told = DateTimeOffset.UtcNow;
        await Loop.SiloLost();

        await Eventually.True(async () => (await Loop.LastHeard()).ContainsKey("node-unheard"), "the node in the ledger", FullListEvery * 2);
        var after = DateTimeOffset.UtcNow - told;
        Assert.True(after < Sweep * 3, $"in the ledger {after.TotalSeconds:F1} s after the loss was told (a full node list comes every {FullListEvery.TotalSeconds} s)");
    }

    private async Task CreateNode(string name) =>
        Assert.NotNull(await new StoreClient(_cluster.Client, StoreKeys.SystemTenant, SystemActors.Bootstrap).Create(
            new Node { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = name } }));
}
