using Microsoft.Extensions.Logging.Abstractions;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Runtime.Docker;
using OrleansOrchestrator.Agents.Tests.Runtime.Docker;
using OrleansOrchestrator.Agents.Volumes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Agents.Tests.Volumes;

/// <summary>
/// A claim's folder on the real engine: a StatefulSet-style pod writes to it, is deleted and comes back under the
/// same name, and finds what it wrote; the folder outlives the pod while its PersistentVolume exists, stays while a
/// container mounts it, and goes once neither holds it. The store is an in-memory one.
/// </summary>
public sealed class PersistentVolumeDockerTests(DockerEngineFixture engine) : IClassFixture<DockerEngineFixture>, IAsyncLifetime
{
    private const string Tenant = "tenant-a";
    private static readonly TimeSpan ConditionTimeout = TimeSpan.FromSeconds(60);

    private readonly string cluster = $"agents-tests-{Guid.NewGuid():N}"[..21];
    private readonly string node = $"test-node-{Guid.NewGuid():N}"[..22];
    private readonly string dataDir = Directory.CreateTempSubdirectory("persistent-volume-test-").FullName;
    private readonly VolumeCluster store = new();
    private readonly CancellationTokenSource stop = new(TimeSpan.FromSeconds(180));
    private DockerRuntime runtime = null!;
    private Task supervising = Task.CompletedTask;

    private string Root => Path.Combine(dataDir, "local-path");

    public Task InitializeAsync()
    {
        runtime = new DockerRuntime(cluster, node);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        await supervising;
        await engine.RemoveEverythingOf(node);
        await engine.RemoveNetworksOf(cluster);
        runtime.Dispose();
        Directory.Delete(dataDir, recursive: true);
        stop.Dispose();
    }

    [Fact]
    public async Task A_pod_deleted_and_made_again_under_its_name_finds_what_it_wrote_to_its_claim()
    {
        var claim = store.Claim(Tenant, "shop", "data-db-0");
        var volume = store.Bind(Tenant, claim, Root, node);
        var folder = volume.Spec.Local!.Path;
        var volumes = new PodVolumes(store, dataDir, new ClaimVolumes(store, VolumeCluster.NodeNamed(node), Root, makeFolders: true));
        var supervisor = new PodSupervisor(runtime, store, volumes, new StaticServiceRoutes(new ClusterNetwork { DnsIp = "10.96.0.10", ClusterDomain = "cluster.local" }, []),
            PodDns.ParseResolvConf("nameserver 127.0.0.53\n"), "127.0.0.1", TimeProvider.System, NullLogger.Instance);
        var sweeper = LocalVolumeSweeper.ForNode(Root, store, volumes, runtime, NullLogger.Instance);
        var key = StoreKeys.Object(Tenant, ResourceKinds.Pod, "shop", "db-0");
        supervisor.Resync([new BoundPod(key, Db0())]);
        supervising = supervisor.Run(stop.Token);

        await Eventually.True(() => File.Exists(Path.Combine(folder, "hostnames")) && File.ReadAllText(Path.Combine(folder, "hostnames")) == "db-0\n",
            "the first db-0 wrote its host name into its claim's folder", ConditionTimeout);

        supervisor.Apply(key, null);
        await Eventually.True(() => supervisor.PodCount == 0, "the first db-0 is gone", ConditionTimeout);
        Assert.True(Directory.Exists(folder));

        supervisor.Apply(key, Db0());
        var container = await Eventually.Value(async () =>
            (await runtime.ListContainers(stop.Token)).FirstOrDefault(c => c.State == ContainerRunState.Running)?.Id, "the second db-0 runs", ConditionTimeout);
        await Eventually.True(async () => (await runtime.Exec(container, ["cat", "/data/hostnames"], TimeSpan.FromSeconds(10), stop.Token)).Output == "db-0\ndb-0\n",
            "the second db-0 sees the first one's line and its own", ConditionTimeout);

        // Its volume deleted under it: the folder stays while a container mounts it, and goes after.
        store.DeleteVolume(Tenant, volume.Metadata.Name!);
        Assert.Empty(await sweeper.Sweep(stop.Token));
        supervisor.Apply(key, null);
        await Eventually.True(() => supervisor.PodCount == 0, "the second db-0 is gone", ConditionTimeout);
        Assert.Empty(await runtime.ListContainers(stop.Token));
        Assert.Equal([folder], await sweeper.Sweep(stop.Token));
        Assert.False(Directory.Exists(folder));
    }

    /// <summary>db-0 of a StatefulSet: a new uid each time, the same name and claim.</summary>
    private static Pod Db0() => new()
    {
        Metadata = new ObjectMeta { Name = "db-0", Namespace = "shop", Uid = Guid.NewGuid().ToString(), ResourceVersion = "1" },
        Spec = new PodSpec
        {
            TerminationGracePeriodSeconds = 0,
            Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = "data-db-0" } }],
            Containers =
            [
                new Container
                {
                    Name = "app", Image = DockerEngineFixture.TestImage, ImagePullPolicy = "Never",
                    Command = ["sh", "-c", "cat /proc/sys/kernel/hostname >> /data/hostnames && exec sleep 3600"],
                    VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }],
                },
            ],
        },
    };
}
