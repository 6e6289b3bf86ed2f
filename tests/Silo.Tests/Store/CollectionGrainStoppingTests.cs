using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Tests.Store;

/// <summary>
/// A collection on a stopping silo cuts its polls short, so as not to hold the graceful shutdown, but not to nothing:
/// the watchers of other silos poll again as soon as they are answered, and an empty answer at once would turn every
/// one of them into a tight loop of grain calls until the grain deactivates.
/// </summary>
public sealed class CollectionGrainStoppingTests : IAsyncLifetime
{
    private const string Tenant = "team-a";
    private readonly string _folder = Directory.CreateTempSubdirectory("oo-collection-stopping-").FullName;
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await StoreTestSilo.Start(_folder, $"0123456789abcdef0123,admin,{Tenant},system:masters\n");

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task OnceStopping_APendingPollEndsSoon_AndLaterPollsWithoutChangesStillWaitAShortWhile()
    {
        var collection = _cluster.Client.GetGrain<ICollectionGrain>(StoreKeys.Collection(Tenant, ResourceKinds.ConfigMap, "default"));
        var version = (await collection.List(ListOptions.All)).Version;
        var pending = collection.Watch(version, ObjectFilter.Everything, TimeSpan.FromMinutes(5));

        // The silo's host begins to stop (SIGTERM); the in-process test host keeps serving, as a silo does until Orleans stops.
        _cluster.Silos[0].ServiceProvider.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        var ended = await pending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(ended.Events);

        for (var poll = 0; poll < 3; poll++)
        {
            var started = Stopwatch.GetTimestamp();
            var batch = await collection.Watch(version, ObjectFilter.Everything, TimeSpan.FromMinutes(5)).WaitAsync(TimeSpan.FromSeconds(30));
            var took = Stopwatch.GetElapsedTime(started);
            Assert.Empty(batch.Events);
            Assert.False(batch.Gone);
            // Not at once (a tight loop), and not the poll's own five minutes (a held shutdown).
            Assert.InRange(took, CollectionGrain.StoppingPollWait * 0.8, TimeSpan.FromSeconds(20));
        }
    }
}
