using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Agents.Runtime;

namespace OrleansOrchestrator.Agents.Volumes;

/// <summary>
/// Removes the folders of local volumes whose PersistentVolume is gone — the <c>Delete</c> reclaim policy's last
/// step, which the local-path provisioner runs on the node. Level-triggered: at start and every
/// <see cref="Interval"/> it looks at every <c>root/&lt;tenant&gt;/pvc-*</c> folder (what the provisioner names) and
/// asks the cluster whether that tenant's PersistentVolume of that name exists. A folder is removed only when the
/// answer is "no such volume" (never when the cluster could not be asked) and no container mounts it or a folder
/// below it; a <c>Retain</c> volume keeps its PersistentVolume, and so its folder.
/// </summary>
/// <param name="inUse">The host paths mounted into containers or held for pods now.</param>
public sealed partial class LocalVolumeSweeper(
    string root,
    IClusterAccess cluster,
    Func<CancellationToken, Task<IReadOnlyCollection<string>>> inUse,
    ILogger logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private const string ProvisionedPrefix = "pvc-";

    /// <summary>A node's sweep: in use is what its pods hold and what any container on the engine mounts.</summary>
    public static LocalVolumeSweeper ForNode(string root, IClusterAccess cluster, PodVolumes volumes, IContainerRuntime runtime, ILogger logger) =>
        new(root, cluster, async ct => [.. volumes.ClaimFoldersInUse(), .. await runtime.BindMountSources(ct)], logger);

    public async Task Run(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Sweep(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e, root);
            }
            await Task.Delay(Interval, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>One pass; returns the folders it removed.</summary>
    public async Task<IReadOnlyList<string>> Sweep(CancellationToken cancellationToken)
    {
        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (!Directory.Exists(fullRoot)) return [];
        var candidates = new List<(string Tenant, string Volume, string Folder)>();
        foreach (var tenantFolder in Directory.EnumerateDirectories(fullRoot))
        {
            // Only what the agent made: real folders, never a link that leads elsewhere.
            if (new FileInfo(tenantFolder).LinkTarget is not null) continue;
            var tenant = Path.GetFileName(tenantFolder);
            foreach (var folder in Directory.EnumerateDirectories(tenantFolder, ProvisionedPrefix + "*"))
                if (new FileInfo(folder).LinkTarget is null) candidates.Add((tenant, Path.GetFileName(folder), folder));
        }
        if (candidates.Count == 0) return [];

        var busy = (await inUse(cancellationToken)).Select(p => Path.TrimEndingDirectorySeparator(p)).ToList();
        var removed = new List<string>();
        var unknown = 0;
        foreach (var (tenant, volume, folder) in candidates)
        {
            if (busy.Any(path => path == folder || path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))) continue;
            try
            {
                if (await cluster.PersistentVolume(tenant, volume) is not null) continue;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                unknown++;
                continue;
            }
            try
            {
                // Removes links inside the folder, never what they point at.
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogRemoveFailed(logger, e, folder);
                continue;
            }
            LogRemoved(logger, folder, volume, tenant);
            removed.Add(folder);
        }
        if (unknown > 0) LogUnknown(logger, unknown, fullRoot);
        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed local volume folder {Folder}: PersistentVolume {Volume} of tenant {Tenant} no longer exists")]
    private static partial void LogRemoved(ILogger logger, string folder, string volume, string tenant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove local volume folder {Folder} (its PersistentVolume is gone); trying again later")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kept {Count} local volume folders under {Root}: could not ask the cluster whether their PersistentVolumes exist; trying again later")]
    private static partial void LogUnknown(ILogger logger, int count, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping the local volume folders under {Root} failed; trying again later")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string root);
}
