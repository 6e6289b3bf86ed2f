using Microsoft.Extensions.Logging.Abstractions;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Runtime.Simulated;
using OrleansOrchestrator.Agents.Volumes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Agents.Tests.Volumes;

/// <summary>A pod's claims through its volumes and its worker: waiting for the claim, the same folder for the next pod of the name.</summary>
public sealed class PodClaimVolumesTests : IDisposable
{
    private const string Tenant = "acme";
    private const string NodeName = "node-a";

    private readonly string dataDir = Directory.CreateTempSubdirectory("pod-claim-volumes-test-").FullName;
    private readonly VolumeCluster cluster = new();

    public void Dispose() => Directory.Delete(dataDir, recursive: true);

    private string Root => Path.Combine(dataDir, "local-path");

    private PodVolumes Volumes(bool makeFolders = true) =>
        new(cluster, dataDir, new ClaimVolumes(cluster, VolumeCluster.NodeNamed(NodeName), Root, makeFolders));

    private static Pod PodWithClaim(string name, string claim, bool readOnly = false) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "shop", Uid = Guid.NewGuid().ToString(), ResourceVersion = "1" },
        Spec = new PodSpec
        {
            RestartPolicy = "Always",
            Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = claim, ReadOnly = readOnly } }],
            Containers = [new Container { Name = "app", Image = "app:1", VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }] }],
        },
    };

    [Fact]
    public async Task A_pod_of_the_same_name_gets_the_same_folder_and_removing_a_pod_keeps_it()
    {
        var volume = cluster.Bind(Tenant, cluster.Claim(Tenant, "shop", "data-db-0"), Root, NodeName);
        var volumes = Volumes();
        var first = PodWithClaim("db-0", "data-db-0");

        var mounted = await volumes.Prepare(Tenant, first);
        Assert.Equal((volume.Spec.Local!.Path, false), mounted["data"]);
        Assert.Equal([volume.Spec.Local.Path], volumes.ClaimFoldersInUse());
        File.WriteAllText(Path.Combine(mounted["data"].HostPath, "hostnames"), "db-0\n");

        volumes.Remove(first.Metadata.Uid!);
        Assert.Empty(volumes.ClaimFoldersInUse());
        Assert.True(File.Exists(Path.Combine(volume.Spec.Local.Path, "hostnames")));

        var second = PodWithClaim("db-0", "data-db-0", readOnly: true);
        Assert.Equal((volume.Spec.Local.Path, true), (await volumes.Prepare(Tenant, second))["data"]);
        Assert.Equal("db-0\n", File.ReadAllText(Path.Combine(volume.Spec.Local.Path, "hostnames")));
    }

    [Fact]
    public async Task A_pod_keeps_its_mounted_claim_while_the_claim_is_being_deleted()
    {
        var claim = cluster.Claim(Tenant, "shop", "data-db-0");
        var volume = cluster.Bind(Tenant, claim, Root, NodeName);
        var volumes = Volumes();
        var pod = PodWithClaim("db-0", "data-db-0");
        await volumes.MountClaims(Tenant, pod);

        // Protected from deletion while this pod uses it: a container restart must still find its folder.
        cluster.Put(Tenant, (await cluster.PersistentVolumeClaim(Tenant, "shop", "data-db-0"))! with
        {
            Metadata = claim.Metadata with { DeletionTimestamp = DateTimeOffset.UtcNow },
        });
        Assert.Equal(volume.Spec.Local!.Path, (await volumes.Prepare(Tenant, pod))["data"].HostPath);

        await Assert.ThrowsAsync<VolumeMountException>(() => volumes.MountClaims(Tenant, PodWithClaim("db-0", "data-db-0")));
    }

    [Fact]
    public async Task A_pod_waits_in_container_creating_with_one_failed_mount_event_until_its_claim_is_bound()
    {
        var claim = cluster.Claim(Tenant, "shop", "data-db-0");
        var pod = PodWithClaim("db-0", "data-db-0");
        var key = StoreKeys.Object(Tenant, ResourceKinds.Pod, "shop", "db-0");
        var runtime = new SimulatedRuntime("10.244.1");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var supervisor = new PodSupervisor(runtime, cluster, Volumes(makeFolders: false), new StaticServiceRoutes(new ClusterNetwork(), []),
            ResolverConfig.Empty, "10.64.0.2", TimeProvider.System, NullLogger.Instance);
        supervisor.Resync([new BoundPod(key, pod)]);
        var running = supervisor.Run(stop.Token);

        var waiting = await Eventually.Value(() => Task.FromResult(cluster.Status(key)?.ContainerStatuses?.Single().State?.Waiting), "the pod says it waits");
        Assert.Equal("ContainerCreating", waiting.Reason);
        Assert.Equal("Pending", cluster.Status(key)!.Phase);
        await Eventually.True(() => cluster.Events.Any(e => e.Reason == "FailedMount"), "a FailedMount event");
        Assert.Equal(
            "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: error processing PVC shop/data-db-0: PVC is not bound",
            cluster.Events.Single(e => e.Reason == "FailedMount").Message);
        Assert.DoesNotContain(cluster.Events, e => e.Reason == "Pulled");

        cluster.Bind(Tenant, claim, Root, NodeName);
        await Eventually.True(async () => (await runtime.ListContainers(stop.Token)).Any(c => c.State == ContainerRunState.Running), "the container runs once its claim is bound");
        Assert.Single(cluster.Events, e => e.Reason == "FailedMount");
        Assert.False(Directory.Exists(Root));

        await stop.CancelAsync();
        await running;
    }
}
