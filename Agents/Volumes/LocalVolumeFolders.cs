using OrleansOrchestrator.Contracts.Storage;

namespace OrleansOrchestrator.Agents.Volumes;

/// <summary>
/// Which host folders a <c>local</c> PersistentVolume may name on this node. Any tenant that may write a
/// PersistentVolume could write any path into it, so the agent hands out only folders below its local-path root,
/// in the folder of the volume's own tenant (<see cref="LocalPathVolumes.FolderOf"/>), reached through no symbolic
/// link (a pod can make one inside its own volume). Folders anywhere else need a <c>hostPath</c> volume, which
/// only administrators may make.
/// </summary>
public static class LocalVolumeFolders
{
    /// <summary>The folder of one tenant's local volumes on this node: the parent of any of its volumes' folders, as the provisioner lays them out.</summary>
    public static string TenantFolder(string root, string tenant) => Path.GetDirectoryName(LocalPathVolumes.FolderOf(Path.GetFullPath(root), tenant, "x"))!;

    /// <summary>Why <paramref name="path"/> may not be mounted as a local volume of <paramref name="tenant"/>; null when it may.</summary>
    public static string? Refusal(string path, string root, string tenant)
    {
        if (!Path.IsPathFullyQualified(path)) return $"local path \"{path}\" is not absolute";
        var tenantFolder = TenantFolder(root, tenant);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!full.StartsWith(tenantFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            return $"local path \"{path}\" is outside {tenantFolder}, this node's folder for local volumes of tenant {tenant}";
        for (var step = full; step.Length > tenantFolder.Length; step = Path.GetDirectoryName(step)!)
            if (new FileInfo(step).LinkTarget is not null)
                return $"local path \"{path}\" goes through the symbolic link {step}";
        return null;
    }
}
