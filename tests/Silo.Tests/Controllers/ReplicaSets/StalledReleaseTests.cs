using Orleans.TestingHost;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Tests.Controllers.ReplicaSets;

/// <summary>
/// The ReplicaSet loop in an in-process silo over SQLite while the pod collection cannot release: a reservation is
/// held open, as one whose writer's silo was killed mid-write stays until it expires (30 s). Writes still commit and
/// are acknowledged, but lists show none of them. In the chaos run the loop counted its pods from that list, saw none
/// of those it had just created and created them again every pass: 1,267 pods of a ReplicaSet of 200.
/// </summary>
public sealed class StalledReleaseTests : IAsyncLifetime
{
    private const string Tenant = "team-a";
    private const string Ns = "default";

    /// <summary>Well within the held reservation's expiry, after which the list would catch up by itself.</summary>
    private static readonly TimeSpan WithinStall = TimeSpan.FromSeconds(15);

    private readonly string _folder = Directory.CreateTempSubdirectory("oo-rs-stall-").FullName;
    private InProcessTestCluster _cluster = null!;

    private StoreClient Store => new(_cluster.Client, Tenant, SystemActors.Bootstrap);

    public async Task InitializeAsync()
    {
        _cluster = await StoreTestSilo.Start(_folder, $"0123456789abcdef0123,admin,{Tenant},system:masters\n");
        Assert.NotNull(await Store.Create(new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = Ns } }));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static ReplicaSet Web(int replicas) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "ReplicaSet",
        Metadata = new ObjectMeta { Name = "web", Namespace = Ns },
        Spec = new ReplicaSetSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = Samples.Labels(("app", "web")) },
            Template = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = Samples.Labels(("app", "web")) }, Spec = Samples.PodSpec() },
        },
    };

    private async Task<ReplicaSet> AtReplicas(int replicas) => await Eventually.Value(async () =>
        await Store.Get<ReplicaSet>(Ns, "web") is { Status.Replicas: var seen } rs && seen == replicas ? rs : null,
        $"the ReplicaSet's status to count {replicas} pods", WithinStall);

    [Fact]
    public async Task PodsCreatedWhileTheListLags_AreCountedAndNotCreatedAgain()
    {
        var pods = _cluster.Client.GetGrain<ICollectionGrain>(StoreKeys.Collection(Tenant, ResourceKinds.Pod, Ns));
        var stalled = await pods.Reserve("a-pod-whose-writer-was-killed");

        Assert.NotNull(await Store.Create(Web(5)));
        var created = await AtReplicas(5);
        // Scaled during the stall: the status reaching 7 shows passes after the first one ran on the lagging list.
        Assert.NotNull(await Store.Update(created with { Spec = created.Spec with { Replicas = 7 } }));
        await AtReplicas(7);
        Assert.Empty(await Store.List<Pod>(Ns)); // the list still lags: the loop counted the pods it was told it created

        await pods.Abort(stalled);
        var listed = await Store.List<Pod>(Ns);
        Assert.Equal(7, listed.Count);
        var creates = (await Store.List<Event>(Ns)).Where(e => e.Reason == "SuccessfulCreate").Sum(e => e.Count ?? 1);
        Assert.Equal(7, creates);
    }
}
