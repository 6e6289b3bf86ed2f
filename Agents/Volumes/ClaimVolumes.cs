using System.Globalization;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;

namespace OrleansOrchestrator.Agents.Volumes;

/// <summary>
/// A pod's <c>persistentVolumeClaim</c> volume as the host folder to bind-mount, found as the kubelet's volume
/// manager finds it: the claim exists, is not being deleted and is Bound; its PersistentVolume names the claim
/// back, may be reached from this node (its node affinity, against the node's labels as stored) and is a folder
/// the agent may hand out — a <c>local</c> volume below this node's local-path root in the volume's own tenant's
/// folder (<see cref="LocalVolumeFolders"/>), made on first use with mode 0777 as the local-path provisioner makes
/// it, or a <c>hostPath</c> volume. Anything else is a <see cref="VolumeMountException"/> with the kubelet's message.
/// </summary>
/// <param name="registration">This node as it registered, for its labels when the stored Node cannot be read.</param>
/// <param name="makeFolders">Whether folders are made on the host (not for simulated nodes, whose pods read no files).</param>
public sealed class ClaimVolumes(IClusterAccess cluster, Contracts.Model.Node registration, string localPathRoot, bool makeFolders)
{
    /// <summary>What local-path-provisioner gives a volume's folder: every container user may write it.</summary>
    private const UnixFileMode FolderMode = (UnixFileMode)0b111_111_111;

    public async Task<string> Resolve(string tenant, string ns, string volumeName, string claimName)
    {
        var volume = await BoundVolume(tenant, ns, volumeName, claimName);
        var pvName = volume.Metadata.Name ?? "";
        if (volume.Spec.NodeAffinity?.Required is { } required)
        {
            var node = await cluster.ThisNode() ?? registration;
            if (!required.NodeSelectorTerms.Any(term => NodeAffinityMatcher.Matches(term, node)))
                throw new VolumeMountException($"MountVolume.NodeAffinity check failed for volume \"{pvName}\" : no matching NodeSelectorTerms");
        }
        if (volume.Spec.VolumeMode == "Block")
            throw new VolumeMountException($"volume {volumeName} has volumeMode Block, but is specified in volumeMounts");
        if (volume.Spec.HostPath is { } hostPath)
            return HostPaths.Prepare(hostPath, makeFolders);
        if (volume.Spec.Local is not { } local)
            throw new VolumeMountException($"MountVolume.FindPluginBySpec failed for volume \"{pvName}\" : no volume plugin matched (this node mounts local and hostPath volumes)");
        if (LocalVolumeFolders.Refusal(local.Path, localPathRoot, tenant) is { } refusal)
            throw new VolumeMountException($"MountVolume.SetUp failed for volume \"{pvName}\" : {refusal}");
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(local.Path));
        if (makeFolders) MakeFolder(folder, pvName);
        return folder;
    }

    /// <summary>The claim's PersistentVolume once the two are bound to each other (the kubelet's desired-state populator).</summary>
    private async Task<PersistentVolume> BoundVolume(string tenant, string ns, string volumeName, string claimName)
    {
        string Failure(string why) => string.Create(CultureInfo.InvariantCulture,
            $"Unable to attach or mount volumes: unmounted volumes=[{volumeName}], unattached volumes=[], failed to process volumes=[{volumeName}]: error processing PVC {ns}/{claimName}: {why}");
        var claim = await cluster.PersistentVolumeClaim(tenant, ns, claimName)
            ?? throw new VolumeMountException(Failure($"failed to fetch PVC from API server: persistentvolumeclaims \"{claimName}\" not found"));
        if (claim.Metadata.DeletionTimestamp is not null) throw new VolumeMountException(Failure("PVC is being deleted"));
        if (claim.Status?.Phase != "Bound") throw new VolumeMountException(Failure("PVC is not bound"));
        if (string.IsNullOrEmpty(claim.Spec.VolumeName)) throw new VolumeMountException(Failure("PVC has empty pvc.Spec.VolumeName"));
        var pvName = claim.Spec.VolumeName;
        var volume = await cluster.PersistentVolume(tenant, pvName)
            ?? throw new VolumeMountException(Failure($"failed to fetch PV {pvName} from API server: persistentvolumes \"{pvName}\" not found"));
        if (volume.Spec.ClaimRef is not { } claimRef)
            throw new VolumeMountException(Failure($"found PV object {pvName} but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim"));
        if (claimRef.Uid != claim.Metadata.Uid)
            throw new VolumeMountException(Failure($"found PV object {pvName} but its pv.Spec.ClaimRef.UID {claimRef.Uid} does not point to claim.UID {claim.Metadata.Uid}"));
        return volume;
    }

    private static void MakeFolder(string folder, string pvName)
    {
        try
        {
            if (Directory.Exists(folder)) return;
            Directory.CreateDirectory(folder);
            // Set after creating: the process' umask would take bits off a mode given to mkdir.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, FolderMode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeMountException($"MountVolume.SetUp failed for volume \"{pvName}\" : {e.Message}");
        }
    }
}
