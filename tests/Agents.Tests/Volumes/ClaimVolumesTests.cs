using OrleansOrchestrator.Agents.Volumes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Storage;

namespace OrleansOrchestrator.Agents.Tests.Volumes;

/// <summary>How a pod's claim becomes a folder on the node, and the kubelet's messages while it cannot.</summary>
public sealed class ClaimVolumesTests : IDisposable
{
    private const string Tenant = "acme";
    private const string NodeName = "node-a";

    private readonly string root = Directory.CreateTempSubdirectory("claim-volumes-test-").FullName;
    private readonly VolumeCluster cluster = new();

    public void Dispose() => Directory.Delete(root, recursive: true);

    private ClaimVolumes Claims(bool makeFolders = true, Contracts.Model.Node? registration = null) =>
        new(cluster, registration ?? VolumeCluster.NodeNamed(NodeName), root, makeFolders);

    private async Task<string> Failure(ClaimVolumes claims, string claimName = "data-db-0") =>
        (await Assert.ThrowsAsync<VolumeMountException>(() => claims.Resolve(Tenant, "shop", "data", claimName))).Message;

    [Fact]
    public async Task A_missing_claim_fails_the_mount_with_the_kubelets_message()
    {
        Assert.Equal(
            "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: "
            + "error processing PVC shop/data-db-0: failed to fetch PVC from API server: persistentvolumeclaims \"data-db-0\" not found",
            await Failure(Claims()));
    }

    [Fact]
    public async Task A_claim_not_bound_yet_or_being_deleted_fails_the_mount()
    {
        var claim = cluster.Claim(Tenant, "shop", "data-db-0");
        Assert.EndsWith("error processing PVC shop/data-db-0: PVC is not bound", await Failure(Claims()));

        cluster.Put(Tenant, claim with { Metadata = claim.Metadata with { DeletionTimestamp = DateTimeOffset.UtcNow } });
        Assert.EndsWith("error processing PVC shop/data-db-0: PVC is being deleted", await Failure(Claims()));
    }

    [Fact]
    public async Task A_volume_that_does_not_name_the_claim_back_fails_the_mount()
    {
        var claim = cluster.Claim(Tenant, "shop", "data-db-0");
        var volume = cluster.Bind(Tenant, claim, root, NodeName, spec => spec with { ClaimRef = null });
        Assert.EndsWith($"found PV object {volume.Metadata.Name} but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim", await Failure(Claims()));

        cluster.Put(Tenant, volume with { Spec = volume.Spec with { ClaimRef = new ObjectReference { Name = "data-db-0", Uid = "another-uid" } } });
        Assert.EndsWith($"found PV object {volume.Metadata.Name} but its pv.Spec.ClaimRef.UID another-uid does not point to claim.UID {claim.Metadata.Uid}", await Failure(Claims()));

        cluster.DeleteVolume(Tenant, volume.Metadata.Name!);
        Assert.EndsWith($"failed to fetch PV {volume.Metadata.Name} from API server: persistentvolumes \"{volume.Metadata.Name}\" not found", await Failure(Claims()));
    }

    [Fact]
    public async Task A_bound_local_path_volume_is_its_folder_made_writable_for_every_container_user()
    {
        var volume = cluster.Bind(Tenant, cluster.Claim(Tenant, "shop", "data-db-0"), root, NodeName);

        var folder = await Claims().Resolve(Tenant, "shop", "data", "data-db-0");

        Assert.Equal(LocalPathVolumes.FolderOf(root, Tenant, volume.Metadata.Name!), folder);
        Assert.True(Directory.Exists(folder));
        if (!OperatingSystem.IsWindows()) Assert.Equal((UnixFileMode)0b111_111_111, File.GetUnixFileMode(folder));
    }

    [Fact]
    public async Task A_simulated_node_resolves_the_folder_but_writes_nothing()
    {
        var volume = cluster.Bind(Tenant, cluster.Claim(Tenant, "shop", "data-db-0"), root, NodeName);

        var folder = await Claims(makeFolders: false).Resolve(Tenant, "shop", "data", "data-db-0");

        Assert.Equal(LocalPathVolumes.FolderOf(root, Tenant, volume.Metadata.Name!), folder);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task A_volume_for_another_node_fails_the_mount_with_the_node_affinity_message()
    {
        var volume = cluster.Bind(Tenant, cluster.Claim(Tenant, "shop", "data-db-0"), root, "node-b");

        Assert.Equal($"MountVolume.NodeAffinity check failed for volume \"{volume.Metadata.Name}\" : no matching NodeSelectorTerms", await Failure(Claims()));
        Assert.False(Directory.Exists(volume.Spec.Local!.Path));
    }

    [Fact]
    public async Task Node_affinity_is_matched_against_the_node_as_stored_with_labels_others_added()
    {
        cluster.Bind(Tenant, cluster.Claim(Tenant, "shop", "data-db-0"), root, NodeName, spec => spec with
        {
            NodeAffinity = new VolumeNodeAffinity
            {
                Required = new NodeSelector { NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new LabelSelectorRequirement { Key = "disk", Operator = "In", Values = ["ssd"] }] }] },
            },
        });
        Assert.StartsWith("MountVolume.NodeAffinity check failed", await Failure(Claims()));

        cluster.StoredNode = VolumeCluster.NodeNamed(NodeName, new Dictionary<string, string> { [LocalPathVolumes.HostnameLabel] = NodeName, ["disk"] = "ssd" });
        Assert.True(Directory.Exists(await Claims().Resolve(Tenant, "shop", "data", "data-db-0")));
    }

    [Fact]
    public async Task A_host_path_volume_is_mounted_where_it_says()
    {
        var hostFolder = Path.Combine(root, "elsewhere", "data");
        cluster.Bind(Tenant, cluster.Claim(Tenant, "shop", "data-db-0"), root, NodeName, spec => spec with
        {
            Local = null,
            NodeAffinity = null,
            HostPath = new HostPathVolumeSource { Path = hostFolder, Type = "DirectoryOrCreate" },
        });

        Assert.Equal(hostFolder, await Claims().Resolve(Tenant, "shop", "data", "data-db-0"));
        Assert.True(Directory.Exists(hostFolder));
    }

    [Fact]
    public async Task A_local_volume_naming_a_folder_outside_its_tenants_is_refused()
    {
        var volume = cluster.Bind(Tenant, cluster.Claim(Tenant, "shop", "data-db-0"), root, NodeName, spec => spec with
        {
            Local = new LocalVolumeSource { Path = LocalPathVolumes.FolderOf(root, "other-tenant", "pvc-theirs") },
        });

        Assert.Equal(
            $"MountVolume.SetUp failed for volume \"{volume.Metadata.Name}\" : local path \"{LocalPathVolumes.FolderOf(root, "other-tenant", "pvc-theirs")}\" "
            + $"is outside {root}/{Tenant}, this node's folder for local volumes of tenant {Tenant}",
            await Failure(Claims()));
        Assert.False(Directory.Exists(Path.Combine(root, "other-tenant")));
    }

    [Fact]
    public async Task Another_kind_of_volume_cannot_be_mounted_here()
    {
        var volume = cluster.Bind(Tenant, cluster.Claim(Tenant, "shop", "data-db-0"), root, NodeName, spec => spec with { Local = null });

        Assert.StartsWith($"MountVolume.FindPluginBySpec failed for volume \"{volume.Metadata.Name}\" : no volume plugin matched", await Failure(Claims()));
    }
}
