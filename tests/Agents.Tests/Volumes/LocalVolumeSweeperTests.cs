using Microsoft.Extensions.Logging.Abstractions;
using OrleansOrchestrator.Agents.Volumes;

namespace OrleansOrchestrator.Agents.Tests.Volumes;

/// <summary>When the agent removes a local volume's folder: once its PersistentVolume is gone and nothing mounts it.</summary>
public sealed class LocalVolumeSweeperTests : IDisposable
{
    private const string Tenant = "acme";

    private readonly string root = Directory.CreateTempSubdirectory("local-volume-sweep-test-").FullName;
    private readonly VolumeCluster cluster = new();
    private readonly List<string> mounted = [];

    public void Dispose() => Directory.Delete(root, recursive: true);

    private Task<IReadOnlyList<string>> Sweep() =>
        new LocalVolumeSweeper(root, cluster, _ => Task.FromResult<IReadOnlyCollection<string>>(mounted), NullLogger.Instance).Sweep(CancellationToken.None);

    /// <summary>A provisioned volume's folder with a file in it, and (unless <paramref name="withVolume"/> is false) its PersistentVolume.</summary>
    private string Volume(string tenant = Tenant, bool withVolume = true)
    {
        var claim = cluster.Claim(tenant, "shop", $"data-{Guid.NewGuid():N}");
        var volume = cluster.Bind(tenant, claim, root, "node-a");
        if (!withVolume) cluster.DeleteVolume(tenant, volume.Metadata.Name!);
        var folder = volume.Spec.Local!.Path;
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "data.txt"), "kept?");
        return folder;
    }

    [Fact]
    public async Task The_folder_of_a_deleted_volume_goes_and_the_folder_of_an_existing_one_stays()
    {
        var existing = Volume();
        var deleted = Volume(withVolume: false);
        var otherTenantsDeleted = Volume(tenant: "globex", withVolume: false);

        var removed = await Sweep();

        Assert.Equal([deleted, otherTenantsDeleted], removed.Order());
        Assert.True(File.Exists(Path.Combine(existing, "data.txt")));
        Assert.False(Directory.Exists(deleted));
        Assert.False(Directory.Exists(otherTenantsDeleted));
        Assert.Empty(await Sweep());
    }

    [Fact]
    public async Task A_folder_still_mounted_stays_until_nothing_mounts_it()
    {
        var whole = Volume(withVolume: false);
        var withSubPath = Volume(withVolume: false);
        mounted.AddRange([whole + "/", Path.Combine(withSubPath, "sub")]);

        Assert.Empty(await Sweep());
        Assert.True(Directory.Exists(whole));
        Assert.True(Directory.Exists(withSubPath));

        mounted.Clear();
        Assert.Equal(2, (await Sweep()).Count);
    }

    [Fact]
    public async Task Nothing_goes_while_the_cluster_cannot_be_asked()
    {
        var folder = Volume(withVolume: false);
        cluster.Unreachable = true;

        Assert.Empty(await Sweep());
        Assert.True(Directory.Exists(folder));
    }

    [Fact]
    public async Task Only_folders_the_provisioner_names_are_swept()
    {
        var adminFolder = Path.Combine(root, Tenant, "admin-data");
        Directory.CreateDirectory(adminFolder);
        File.WriteAllText(Path.Combine(root, Tenant, "pvc-not-a-folder"), "");

        Assert.Empty(await Sweep());
        Assert.True(Directory.Exists(adminFolder));
    }

    [Fact]
    public async Task A_link_inside_a_removed_folder_is_removed_not_what_it_points_at()
    {
        var outside = Directory.CreateTempSubdirectory("local-volume-sweep-outside-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(outside, "precious.txt"), "not the volume's");
            var folder = Volume(withVolume: false);
            Directory.CreateSymbolicLink(Path.Combine(folder, "link"), outside);

            Assert.Equal([folder], await Sweep());
            Assert.True(File.Exists(Path.Combine(outside, "precious.txt")));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task No_root_folder_yet_is_nothing_to_sweep()
    {
        var sweeper = new LocalVolumeSweeper(Path.Combine(root, "absent"), cluster, _ => Task.FromResult<IReadOnlyCollection<string>>([]), NullLogger.Instance);
        Assert.Empty(await sweeper.Sweep(CancellationToken.None));
    }
}
