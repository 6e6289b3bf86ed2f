namespace OrleansOrchestrator.Contracts.Storage;

/// <summary>
/// The facts the silo's local-path provisioner and each node's agent share about node-local volumes (k3s' and
/// KinD's <c>local-path</c>): the agent announces where on its host such volumes live, the provisioner writes each
/// volume's folder below it into the PersistentVolume (<c>spec.local.path</c>, with node affinity to that node), and
/// the agent makes the folder when a pod first mounts it and removes it once its PersistentVolume is gone.
/// </summary>
public static class LocalPathVolumes
{
    /// <summary>The default StorageClass every tenant gets.</summary>
    public const string StorageClassName = "local-path";

    /// <summary>The provisioner named by that class.</summary>
    public const string Provisioner = "orleans-orchestrator.io/local-path";

    /// <summary>Node annotation with the folder under which the node keeps local-path volumes.</summary>
    public const string RootAnnotation = "orleans-orchestrator.io/local-path-root";

    /// <summary>Set on a claim by the scheduler when it places the first pod using it (<c>WaitForFirstConsumer</c>).</summary>
    public const string SelectedNodeAnnotation = "volume.kubernetes.io/selected-node";

    /// <summary>The node label local volumes' node affinity matches on.</summary>
    public const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>A provisioned volume's name: <c>pvc-</c> and the claim's uid, as Kubernetes' provisioners name them.</summary>
    public static string VolumeName(string claimUid) => $"pvc-{claimUid}";

    /// <summary>The volume's folder on the node: one folder per tenant under the root, so an agent can tell whose it is.</summary>
    public static string FolderOf(string root, string tenant, string volumeName) => $"{root.TrimEnd('/')}/{tenant}/{volumeName}";
}
