using System.Collections.Concurrent;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Storage;

namespace OrleansOrchestrator.Agents.Tests.Volumes;

/// <summary>
/// The store as a node's agent sees it, for volume tests: claims and PersistentVolumes set by the test, statuses and
/// events recorded. <see cref="Bind"/> does what the silo's provisioner and binder do for a local-path claim.
/// </summary>
internal sealed class VolumeCluster : IClusterAccess
{
    private readonly ConcurrentDictionary<(string Tenant, string Ns, string Name), PersistentVolumeClaim> claims = new();
    private readonly ConcurrentDictionary<(string Tenant, string Name), PersistentVolume> volumes = new();
    private readonly ConcurrentDictionary<string, PodStatus> statuses = new();

    public ConcurrentQueue<(string Reason, string Message)> Events { get; } = new();

    /// <summary>The node as stored; null: not registered (the agent falls back on its registration).</summary>
    public Contracts.Model.Node? StoredNode { get; set; }

    /// <summary>When set, PersistentVolume lookups fail as an unreachable cluster does.</summary>
    public bool Unreachable { get; set; }

    public static Contracts.Model.Node NodeNamed(string name, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string> { [LocalPathVolumes.HostnameLabel] = name } },
    };

    public PersistentVolumeClaim Claim(string tenant, string ns, string name, string? phase = null, string? volumeName = null)
    {
        var claim = new PersistentVolumeClaim
        {
            Metadata = new ObjectMeta { Name = name, Namespace = ns, Uid = Guid.NewGuid().ToString() },
            Spec = new PersistentVolumeClaimSpec { AccessModes = ["ReadWriteOnce"], StorageClassName = LocalPathVolumes.StorageClassName, VolumeName = volumeName },
            Status = new PersistentVolumeClaimStatus { Phase = phase ?? "Pending" },
        };
        claims[(tenant, ns, name)] = claim;
        return claim;
    }

    public void Put(string tenant, PersistentVolumeClaim claim) => claims[(tenant, claim.Metadata.Namespace!, claim.Metadata.Name!)] = claim;

    public void Put(string tenant, PersistentVolume volume) => volumes[(tenant, volume.Metadata.Name!)] = volume;

    public void DeleteVolume(string tenant, string name) => volumes.TryRemove((tenant, name), out _);

    /// <summary>The local-path provisioner's volume for the claim, on <paramref name="node"/> under <paramref name="root"/>, and the claim bound to it.</summary>
    public PersistentVolume Bind(string tenant, PersistentVolumeClaim claim, string root, string node, Func<PersistentVolumeSpec, PersistentVolumeSpec>? change = null)
    {
        var name = LocalPathVolumes.VolumeName(claim.Metadata.Uid!);
        var spec = new PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, string> { ["storage"] = "1Gi" },
            AccessModes = ["ReadWriteOnce"],
            PersistentVolumeReclaimPolicy = "Delete",
            StorageClassName = LocalPathVolumes.StorageClassName,
            ClaimRef = new ObjectReference { Kind = "PersistentVolumeClaim", Namespace = claim.Metadata.Namespace, Name = claim.Metadata.Name, Uid = claim.Metadata.Uid },
            Local = new LocalVolumeSource { Path = LocalPathVolumes.FolderOf(root, tenant, name) },
            NodeAffinity = new VolumeNodeAffinity
            {
                Required = new NodeSelector
                {
                    NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new LabelSelectorRequirement { Key = LocalPathVolumes.HostnameLabel, Operator = "In", Values = [node] }] }],
                },
            },
        };
        var volume = new PersistentVolume { Metadata = new ObjectMeta { Name = name, Uid = Guid.NewGuid().ToString() }, Spec = change?.Invoke(spec) ?? spec };
        Put(tenant, volume);
        Put(tenant, claim with { Spec = claim.Spec with { VolumeName = name }, Status = new PersistentVolumeClaimStatus { Phase = "Bound" } });
        return volume;
    }

    public PodStatus? Status(string podKey) => statuses.GetValueOrDefault(podKey);

    public Task<ConfigMap?> ConfigMap(string tenant, string ns, string name) => Task.FromResult<ConfigMap?>(null);
    public Task<Secret?> Secret(string tenant, string ns, string name) => Task.FromResult<Secret?>(null);

    public Task<PersistentVolumeClaim?> PersistentVolumeClaim(string tenant, string ns, string name) =>
        Task.FromResult(claims.GetValueOrDefault((tenant, ns, name)));

    public Task<PersistentVolume?> PersistentVolume(string tenant, string name) =>
        Unreachable ? Task.FromException<PersistentVolume?>(new TimeoutException("the cluster does not answer")) : Task.FromResult(volumes.GetValueOrDefault((tenant, name)));

    public Task<Contracts.Model.Node?> ThisNode() => Task.FromResult(StoredNode);

    public Task WriteStatus(string podKey, Pod pod, PodStatus status)
    {
        statuses[podKey] = status;
        return Task.CompletedTask;
    }

    public void RecordEvent(string podKey, Pod pod, string type, string reason, string message) => Events.Enqueue((reason, message));

    public Task FinishDeletion(string podKey, string uid) => Task.CompletedTask;
}
