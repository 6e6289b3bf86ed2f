using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Agents.Volumes;

/// <summary>A <c>hostPath</c> volume's folder, of a pod or of a PersistentVolume: the path as given, made when its type asks.</summary>
public static class HostPaths
{
    public static string Prepare(HostPathVolumeSource source, bool makeFolders)
    {
        if (makeFolders && source.Type is "DirectoryOrCreate") Directory.CreateDirectory(source.Path);
        return source.Path;
    }
}
