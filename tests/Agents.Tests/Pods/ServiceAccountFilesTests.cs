using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Agents.Volumes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Security;

namespace OrleansOrchestrator.Agents.Tests.Pods;

/// <summary>The files of a pod's service account folder, how containers mount it, and when the token is renewed.</summary>
public sealed class ServiceAccountFilesTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("oo-sa-files-").FullName;

    private PodVolumes Volumes()
    {
        var access = new NoCluster();
        return new PodVolumes(access, _dataDir, new ClaimVolumes(access, new Contracts.Model.Node(), Path.Combine(_dataDir, "local-path"), makeFolders: false));
    }

    [Fact]
    public void Files_AreWrittenWhole_ReadableByAnyUser_AndReplacedOnRenewal()
    {
        var volumes = Volumes();
        volumes.WriteServiceAccountFiles("uid-1", "shop", "token-1", "-----BEGIN CERTIFICATE-----\n");
        var mount = Assert.Single(volumes.ServiceAccountMount("uid-1", new Container { Name = "main" }));
        Assert.Equal(PodVolumes.ServiceAccountPath, mount.ContainerPath);
        Assert.True(mount.ReadOnly);
        Assert.Equal("token-1", File.ReadAllText(Path.Combine(mount.HostPath, "token")));
        Assert.Equal("shop", File.ReadAllText(Path.Combine(mount.HostPath, "namespace")));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(Path.Combine(mount.HostPath, "ca.crt")));
        if (!OperatingSystem.IsWindows()) Assert.Equal((UnixFileMode)420, File.GetUnixFileMode(Path.Combine(mount.HostPath, "token")));

        volumes.WriteServiceAccountFiles("uid-1", "shop", "token-2", "-----BEGIN CERTIFICATE-----\n");
        Assert.Equal("token-2", File.ReadAllText(Path.Combine(mount.HostPath, "token")));
        Assert.Equal(["ca.crt", "namespace", "token"], Directory.GetFiles(mount.HostPath).Select(Path.GetFileName).Order()); // no temporary left

        volumes.Remove("uid-1");
        Assert.False(Directory.Exists(mount.HostPath));
    }

    [Fact]
    public void AContainerMountingSomethingAtThePath_KeepsItsOwn()
    {
        var container = new Container { Name = "main", VolumeMounts = [new VolumeMount { Name = "mine", MountPath = PodVolumes.ServiceAccountPath + "/" }] };
        Assert.Empty(Volumes().ServiceAccountMount("uid-1", container));
    }

    [Fact]
    public void Renewal_At80PercentOfTheTokensLife()
    {
        var issued = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        var token = new PodToken("t", issued, issued.AddHours(1), "", null);
        Assert.Equal(issued.AddMinutes(48), PodWorker.RenewalTime(token));
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private sealed class NoCluster : IClusterAccess
    {
        public Task<ConfigMap?> ConfigMap(string tenant, string ns, string name) => Task.FromResult<ConfigMap?>(null);
        public Task<Secret?> Secret(string tenant, string ns, string name) => Task.FromResult<Secret?>(null);
        public Task<PersistentVolumeClaim?> PersistentVolumeClaim(string tenant, string ns, string name) => Task.FromResult<PersistentVolumeClaim?>(null);
        public Task<PersistentVolume?> PersistentVolume(string tenant, string name) => Task.FromResult<PersistentVolume?>(null);
        public Task<Contracts.Model.Node?> ThisNode() => Task.FromResult<Contracts.Model.Node?>(null);
        public Task WriteStatus(string podKey, Pod pod, PodStatus status) => Task.CompletedTask;
        public void RecordEvent(string podKey, Pod pod, string type, string reason, string message) { }
        public Task FinishDeletion(string podKey, string uid) => Task.CompletedTask;
    }
}
