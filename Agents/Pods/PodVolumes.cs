using System.Collections.Concurrent;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Volumes;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Agents.Pods;

/// <summary>
/// A pod's volumes as host folders the engine bind-mounts: <c>emptyDir</c> (one folder shared by the pod's
/// containers, gone with the pod), <c>configMap</c>/<c>secret</c> (a file per key, read-only),
/// <c>persistentVolumeClaim</c> (its PersistentVolume's folder, which outlives pods: <see cref="ClaimVolumes"/>),
/// <c>hostPath</c>. Throws <see cref="ContainerConfigException"/> or <see cref="VolumeMountException"/>.
/// </summary>
public sealed class PodVolumes(IClusterAccess cluster, string agentDataDir, ClaimVolumes claims)
{
    /// <summary>The claims' folders each pod (by uid) has mounted, by volume name.</summary>
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> _claimFolders = new(StringComparer.Ordinal);

    private string PodDir(string uid) => Path.Combine(agentDataDir, "pods", uid);

    /// <summary>The claims' folders that pods of this node hold now (the local volume sweep leaves them alone).</summary>
    public IReadOnlyCollection<string> ClaimFoldersInUse() => _claimFolders.Values.SelectMany(folders => folders.Values).ToList();

    /// <summary>Materialises every volume and returns the host path of each, by volume name.</summary>
    public async Task<IReadOnlyDictionary<string, (string HostPath, bool ReadOnly)>> Prepare(string tenant, Pod pod)
    {
        var ns = pod.Metadata.Namespace ?? "";
        var result = new Dictionary<string, (string, bool)>(StringComparer.Ordinal);
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            var dir = Path.Combine(PodDir(pod.Metadata.Uid!), "volumes", volume.Name);
            if (volume.EmptyDir is not null)
            {
                Directory.CreateDirectory(dir);
                result[volume.Name] = (dir, false);
            }
            else if (volume.ConfigMap is { } cmSource)
            {
                var cm = await cluster.ConfigMap(tenant, ns, cmSource.Name ?? "");
                if (cm is null && cmSource.Optional != true) throw new ContainerConfigException($"configmap \"{cmSource.Name}\" not found");
                var files = (cm?.Data ?? new Dictionary<string, string>()).ToDictionary(p => p.Key, p => System.Text.Encoding.UTF8.GetBytes(p.Value));
                foreach (var (k, v) in cm?.BinaryData ?? new Dictionary<string, byte[]>()) files[k] = v;
                WriteFiles(dir, files, cmSource.Items, cmSource.DefaultMode);
                result[volume.Name] = (dir, true);
            }
            else if (volume.Secret is { } secretSource)
            {
                var secret = await cluster.Secret(tenant, ns, secretSource.SecretName ?? "");
                if (secret is null && secretSource.Optional != true) throw new ContainerConfigException($"secret \"{secretSource.SecretName}\" not found");
                WriteFiles(dir, new Dictionary<string, byte[]>(secret?.Data ?? new Dictionary<string, byte[]>()), secretSource.Items, secretSource.DefaultMode);
                result[volume.Name] = (dir, true);
            }
            else if (volume.PersistentVolumeClaim is { } claim)
            {
                result[volume.Name] = (await ClaimFolder(tenant, ns, pod.Metadata.Uid!, volume.Name, claim.ClaimName), claim.ReadOnly == true);
            }
            else if (volume.HostPath is { } hostPath)
            {
                result[volume.Name] = (HostPaths.Prepare(hostPath, makeFolders: true), false);
            }
        }
        return result;
    }

    /// <summary>Finds (and makes) the folder of each of the pod's claims; throws <see cref="VolumeMountException"/> while one cannot be mounted.</summary>
    public async Task MountClaims(string tenant, Pod pod)
    {
        foreach (var volume in pod.Spec.Volumes ?? [])
            if (volume.PersistentVolumeClaim is { } claim)
                await ClaimFolder(tenant, pod.Metadata.Namespace ?? "", pod.Metadata.Uid!, volume.Name, claim.ClaimName);
    }

    /// <summary>
    /// Once mounted for a pod, a claim's folder stays the pod's until the pod goes, as the kubelet keeps a mounted
    /// volume: a container's restart does not ask again (its claim may be being deleted, waiting for this very pod).
    /// </summary>
    private async Task<string> ClaimFolder(string tenant, string ns, string uid, string volumeName, string claimName)
    {
        var mounted = _claimFolders.GetOrAdd(uid, _ => new ConcurrentDictionary<string, string>(StringComparer.Ordinal));
        if (mounted.TryGetValue(volumeName, out var folder)) return folder;
        folder = await claims.Resolve(tenant, ns, volumeName, claimName);
        mounted[volumeName] = folder;
        return folder;
    }

    /// <summary>The bind mounts of one container, from its volumeMounts.</summary>
    public static IReadOnlyList<Mount> MountsFor(Container container, IReadOnlyDictionary<string, (string HostPath, bool ReadOnly)> volumes)
    {
        var mounts = new List<Mount>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (!volumes.TryGetValue(mount.Name, out var volume)) continue;
            var hostPath = string.IsNullOrEmpty(mount.SubPath) ? volume.HostPath : SubPathIn(volume.HostPath, mount.SubPath);
            if (!string.IsNullOrEmpty(mount.SubPath) && !File.Exists(hostPath)) Directory.CreateDirectory(hostPath);
            mounts.Add(new Mount(hostPath, mount.MountPath, volume.ReadOnly || mount.ReadOnly == true));
        }
        return mounts;
    }

    /// <summary>
    /// A <c>subPath</c> inside its volume's folder, refused (as the kubelet refuses it) when it would lead out of it: an
    /// absolute path, a <c>..</c> step, or a link a container made in the volume that points outside — the engine
    /// follows links on the host, so a claim's pod could otherwise mount any folder of the node.
    /// </summary>
    internal static string SubPathIn(string volumeFolder, string subPath)
    {
        if (Path.IsPathRooted(subPath)) throw new ContainerConfigException($"error SubPath `{subPath}` must not be an absolute path");
        if (subPath.Split('/').Contains("..")) throw new ContainerConfigException($"unable to provision SubPath `{subPath}`: must not contain '..'");
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(volumeFolder));
        var path = folder;
        foreach (var part in subPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path = Path.Combine(path, part);
            var step = new FileInfo(path);
            if (step.LinkTarget is null) continue;
            // A link leading nowhere counts as leading out: the folder made for the sub path would be made where it points.
            var resolved = FinalTarget(step) is { } target && Path.Exists(target) ? Path.TrimEndingDirectorySeparator(target) : null;
            if (resolved is null || (resolved != folder && !resolved.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                throw new ContainerConfigException($"subpath \"{path}\" not within volume path \"{folder}\"");
        }
        return Path.Combine(folder, subPath);
    }

    private static string? FinalTarget(FileInfo link)
    {
        try
        {
            return link.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        }
        catch (IOException)
        {
            return null; // a loop of links, or one leading nowhere
        }
    }

    /// <summary>Where the pod's name-resolution files live, next to its volumes (and gone with them).</summary>
    public const string ResolvConfPath = "/etc/resolv.conf";

    public const string HostsPath = "/etc/hosts";

    /// <summary>
    /// Writes the pod's <c>/etc/resolv.conf</c> and <c>/etc/hosts</c> into its folder and returns the bind mounts that
    /// put them in a container — except where the container mounts something at that path itself. Files are
    /// rewritten in place, so containers already running see a change (the kubelet's files behave the same).
    /// </summary>
    public IReadOnlyList<Mount> NetworkFiles(string uid, Container container, string resolvConf, string hosts)
    {
        var dir = Path.Combine(PodDir(uid), "etc");
        Directory.CreateDirectory(dir);
        var mounts = new List<Mount>();
        foreach (var (name, target, text) in new[] { ("resolv.conf", ResolvConfPath, resolvConf), ("hosts", HostsPath, hosts) })
        {
            var file = Path.Combine(dir, name);
            if (!File.Exists(file) || File.ReadAllText(file) != text) File.WriteAllText(file, text);
            if (container.VolumeMounts?.Any(m => m.MountPath.TrimEnd('/') == target) != true)
                mounts.Add(new Mount(file, target, ReadOnly: false));
        }
        return mounts;
    }

    /// <summary>Where containers find their pod's service account token, the API's certificate and their namespace.</summary>
    public const string ServiceAccountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>
    /// Writes the pod's service account files (<c>token</c>, <c>ca.crt</c>, <c>namespace</c>) into its folder. Each file is
    /// replaced by a rename, so a container reading the token while it is renewed sees the old one or the new one whole.
    /// </summary>
    public void WriteServiceAccountFiles(string uid, string ns, string token, string caCertificate)
    {
        var dir = Path.Combine(PodDir(uid), "serviceaccount");
        Directory.CreateDirectory(dir);
        foreach (var (name, text) in new[] { ("ca.crt", caCertificate), ("namespace", ns), ("token", token) })
        {
            var file = Path.Combine(dir, name);
            if (File.Exists(file) && File.ReadAllText(file) == text) continue;
            var temporary = Path.Combine(dir, $".{name}.tmp");
            File.WriteAllText(temporary, text);
            // Readable by a container's user whoever it is, as Kubernetes' projected volume (mode 0644).
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, (UnixFileMode)420);
            File.Move(temporary, file, overwrite: true);
        }
    }

    /// <summary>The read-only bind mount of the pod's service account folder, unless the container mounts something there itself.</summary>
    public IReadOnlyList<Mount> ServiceAccountMount(string uid, Container container) =>
        container.VolumeMounts?.Any(m => m.MountPath.TrimEnd('/') == ServiceAccountPath) == true
            ? []
            : [new Mount(Path.Combine(PodDir(uid), "serviceaccount"), ServiceAccountPath, ReadOnly: true)];

    /// <summary>Removes the pod's own folder (emptyDir, ConfigMap/Secret files, resolv.conf); its claims' folders stay, they are their volumes'.</summary>
    public void Remove(string uid)
    {
        _claimFolders.TryRemove(uid, out _);
        var dir = PodDir(uid);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    private static void WriteFiles(string dir, IReadOnlyDictionary<string, byte[]> data, IReadOnlyList<KeyToPath>? items, int? defaultMode)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        var selected = items is { Count: > 0 }
            ? items.Where(i => data.ContainsKey(i.Key)).Select(i => (Path: i.Path, Bytes: data[i.Key], Mode: i.Mode ?? defaultMode))
            : data.Select(p => (Path: p.Key, Bytes: p.Value, Mode: defaultMode));
        foreach (var (relative, bytes, mode) in selected)
        {
            var file = Path.Combine(dir, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, bytes);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, (UnixFileMode)(mode ?? 420));
        }
    }
}
