using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Storage;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Tests.Store;

/// <summary>
/// A writer (an object grain) that reserved a version and then never settled it — its silo was killed — seen from
/// its collection, in an in-process silo over a real (SQLite) store. The test plays the dying writer: it reserves a
/// version from the collection and, for a write that became durable, stores the row under that version itself, as
/// the writer did before it died. A client retrying that write is answered from the stored row, so the write counts
/// as acknowledged: a watch must deliver it, in order, or tell its client to list again — the chaos runs saw every
/// watch skip such a write at a silo kill.
/// </summary>
public sealed class AbandonedWriteTests : IAsyncLifetime
{
    private const string Tenant = "team-a";
    private const string Ns = "default";

    private readonly string _folder = System.IO.Directory.CreateTempSubdirectory("oo-abandoned-").FullName;
    private InProcessTestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.Client;

    private StoreClient Store => new(Grains, Tenant, SystemActors.Bootstrap);

    private ICollectionGrain ConfigMaps => Grains.GetGrain<ICollectionGrain>(StoreKeys.Collection(Tenant, ResourceKinds.ConfigMap, Ns));

    public async Task InitializeAsync()
    {
        _cluster = await StoreTestSilo.Start(_folder, $"0123456789abcdef0123,admin,{Tenant},system:masters\n",
            services => services.Configure<CollectionGrainOptions>(o => o.ReservationTimeout = TimeSpan.FromSeconds(1)));
        Assert.NotNull(await Store.Create(new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = Ns } }));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try { System.IO.Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task WriterDiedAfterItsRowWasStored_WatchDeliversTheWriteInOrder_AndTheListHasIt()
    {
        var first = await Create("cm-a", "1");
        var abandoned = await ConfigMaps.Reserve("cm-a");
        await StoreRowAsTheDyingWriterDid(first with { Data = new Dictionary<string, string> { ["seq"] = "2" } }, abandoned.Version);
        var later = await Create("cm-b", "1");

        var seen = await WatchThrough(Version(first), Version(later));

        Assert.False(seen.Gone);
        Assert.Equal(
            [(WatchEventType.Modified, "cm-a", abandoned.Version, "2"), (WatchEventType.Added, "cm-b", Version(later), "1")],
            seen.Events.Select(e => (e.Type, e.Object.Metadata.Name!, e.Version, ((ConfigMap)e.Object).Data!["seq"])));
        var list = await ConfigMaps.List(ListOptions.All);
        var inList = (ConfigMap)list.Items.Single(o => o.Metadata.Name == "cm-a");
        Assert.Equal(abandoned.Version.ToString(CultureInfo.InvariantCulture), inList.Metadata.ResourceVersion);
        Assert.Equal("2", inList.Data!["seq"]);
    }

    [Fact]
    public async Task WriterDiedBeforeItsRowWasStored_VersionSkipped_WatchGoesOn()
    {
        var first = await Create("cm-a", "1");
        await ConfigMaps.Reserve("cm-a");
        var later = await Create("cm-b", "1");

        var seen = await WatchThrough(Version(first), Version(later));

        Assert.False(seen.Gone);
        Assert.Equal([("cm-b", Version(later))], seen.Events.Select(e => (e.Object.Metadata.Name!, e.Version)));
        var inList = (ConfigMap)(await ConfigMaps.List(ListOptions.All)).Items.Single(o => o.Metadata.Name == "cm-a");
        Assert.Equal("1", inList.Data!["seq"]);
    }

    [Fact]
    public async Task RowMovedPastTheAbandonedVersion_WatchersFromBeforeItAreToldToList_TheListHasTheStoredState()
    {
        var first = await Create("cm-a", "1");
        var abandoned = await ConfigMaps.Reserve("cm-a");
        // The object was written again since (committed, held behind the abandoned version): whether the abandoned
        // write ever landed in between cannot be told any more.
        var moved = await Store.Update(first with { Data = new Dictionary<string, string> { ["seq"] = "3" } })
            ?? throw new InvalidOperationException("cm-a was not updated");

        var seen = await WatchThrough(Version(first), abandoned.Version);

        Assert.True(seen.Gone);
        var list = await ConfigMaps.List(ListOptions.All);
        Assert.True(list.Version >= abandoned.Version);
        var inList = (ConfigMap)list.Items.Single(o => o.Metadata.Name == "cm-a");
        Assert.Equal(moved.Metadata.ResourceVersion, inList.Metadata.ResourceVersion);
        // A watch from the new list's version is served: only the version's earlier readers had to start again.
        var fresh = await ConfigMaps.Watch(list.Version, ObjectFilter.Everything, TimeSpan.FromMilliseconds(10));
        Assert.False(fresh.Gone);
    }

    private async Task<ConfigMap> Create(string name, string seq) =>
        await Store.Create(new ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new ObjectMeta { Name = name, Namespace = Ns },
            Data = new Dictionary<string, string> { ["seq"] = seq },
        }) ?? throw new InvalidOperationException($"{name} was not created");

    private static long Version(KubeObject obj) => long.Parse(obj.Metadata.ResourceVersion!, CultureInfo.InvariantCulture);

    /// <summary>Stores the object's row under <paramref name="version"/> directly, as its writer does before it commits.</summary>
    private async Task<KubeObject> StoreRowAsTheDyingWriterDid(KubeObject obj, long version)
    {
        var services = _cluster.Silos[0].ServiceProvider;
        var storage = services.GetRequiredService<StorageBackend>().ObjectStorage(services);
        var key = StoreKeys.Object(Tenant, ResourceKinds.ConfigMap, Ns, obj.Metadata.Name!);
        var grain = Grains.GetGrain<IObjectGrain>(key).GetGrainId();
        var (_, etag) = await storage.Read(grain, key);
        var versioned = obj with { Metadata = obj.Metadata with { ResourceVersion = version.ToString(CultureInfo.InvariantCulture) } };
        await storage.Write(grain, key, new StoredObject { Object = versioned }, etag);
        return versioned;
    }

    /// <summary>Long-polls the collection as the API's watch does, from <paramref name="after"/> until it has delivered <paramref name="through"/> or answers "gone".</summary>
    private async Task<(List<WatchEvent> Events, bool Gone)> WatchThrough(long after, long through)
    {
        var events = new List<WatchEvent>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (after < through)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the watch delivered nothing past {after} (waiting for {through})");
            var batch = await ConfigMaps.Watch(after, ObjectFilter.Everything, TimeSpan.FromSeconds(5));
            if (batch.Gone) return (events, true);
            events.AddRange(batch.Events);
            after = batch.Version;
        }
        return (events, false);
    }
}
