using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;

namespace OrleansOrchestrator.Silo.Kinds.PersistentVolumes;

/// <summary>
/// What PersistentVolumes, PersistentVolumeClaims and StorageClasses share in Kubernetes (the storage helpers of
/// <c>pkg/apis/core</c> and <c>component-helpers/storage</c>): access and volume modes, the class a volume or claim
/// belongs to, the default class, the well-known annotations and finalizers, and the checks both kinds make.
/// </summary>
public static class StorageRules
{
    public const string ReadWriteOnce = "ReadWriteOnce";
    public const string ReadOnlyMany = "ReadOnlyMany";
    public const string ReadWriteMany = "ReadWriteMany";
    public const string ReadWriteOncePod = "ReadWriteOncePod";

    /// <summary>The access modes, as Go's <c>sets.List</c> sorts them in Kubernetes' messages.</summary>
    public static readonly string[] AccessModes = [ReadOnlyMany, ReadWriteMany, ReadWriteOnce, ReadWriteOncePod];

    public const string Filesystem = "Filesystem";
    public static readonly string[] VolumeModes = ["Block", Filesystem];

    public const string Immediate = "Immediate";
    public const string WaitForFirstConsumer = "WaitForFirstConsumer";
    public static readonly string[] BindingModes = [Immediate, WaitForFirstConsumer];

    public const string Delete = "Delete";
    public const string Retain = "Retain";

    /// <summary>Kubernetes' StorageObjectInUseProtection finalizers: a claim in use by a pod, and a bound volume, wait for their users.</summary>
    public const string ClaimProtectionFinalizer = "kubernetes.io/pvc-protection";
    public const string VolumeProtectionFinalizer = "kubernetes.io/pv-protection";

    public const string DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";
    public const string BetaDefaultClassAnnotation = "storageclass.beta.kubernetes.io/is-default-class";

    /// <summary>The class before <c>storageClassName</c> existed; still read first, as Kubernetes does.</summary>
    public const string BetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    /// <summary>The binder's marks (pkg/controller/volume/persistentvolume/util).</summary>
    public const string BindCompletedAnnotation = "pv.kubernetes.io/bind-completed";
    public const string BoundByControllerAnnotation = "pv.kubernetes.io/bound-by-controller";
    public const string ProvisionedByAnnotation = "pv.kubernetes.io/provisioned-by";

    /// <summary>Kubernetes' GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once.</summary>
    public static string AccessModesText(IEnumerable<string>? modes)
    {
        var set = new HashSet<string>(modes ?? [], StringComparer.Ordinal);
        return string.Join(",", new[] { (ReadWriteOnce, "RWO"), (ReadOnlyMany, "ROX"), (ReadWriteMany, "RWX"), (ReadWriteOncePod, "RWOP") }
            .Where(m => set.Contains(m.Item1)).Select(m => m.Item2));
    }

    /// <summary>GetPersistentVolumeClaimClass: the beta annotation, else <c>spec.storageClassName</c>, else "".</summary>
    public static string ClassOf(PersistentVolumeClaim claim) =>
        claim.Metadata.Annotations?.GetValueOrDefault(BetaStorageClassAnnotation) ?? claim.Spec.StorageClassName ?? "";

    /// <summary>GetPersistentVolumeClass: the beta annotation, else <c>spec.storageClassName</c>, else "".</summary>
    public static string ClassOf(PersistentVolume volume) =>
        volume.Metadata.Annotations?.GetValueOrDefault(BetaStorageClassAnnotation) ?? volume.Spec.StorageClassName ?? "";

    public static bool IsDefault(StorageClass storageClass) =>
        storageClass.Metadata.Annotations is { } a
        && (a.GetValueOrDefault(DefaultClassAnnotation) == "true" || a.GetValueOrDefault(BetaDefaultClassAnnotation) == "true");

    /// <summary>Kubernetes' GetDefaultClass: of the classes marked default, the newest, then the first by name; null when none.</summary>
    public static StorageClass? DefaultClass(IEnumerable<StorageClass> classes) =>
        classes.Where(c => IsDefault(c) && c.Metadata.DeletionTimestamp is null)
            .OrderByDescending(c => c.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(c => c.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault();

    /// <summary>The <c>storage</c> quantity of a request or capacity, or null when absent or not a quantity.</summary>
    public static decimal? Storage(IReadOnlyDictionary<string, string>? resources) =>
        resources?.GetValueOrDefault("storage") is { } text && Quantity.TryParse(text, out var value) ? value : null;

    /// <summary>Each mode supported, and <c>ReadWriteOncePod</c> alone (the required check is the caller's: its words differ by kind).</summary>
    public static void AccessModeValues(IReadOnlyList<string>? modes, string path, List<FieldCause> errors)
    {
        foreach (var mode in modes ?? [])
            if (!AccessModes.Contains(mode)) errors.Add(NotSupported(path, mode, AccessModes));
        if (modes?.Contains(ReadWriteOncePod) == true && modes.Count > 1)
            errors.Add(Forbidden(path, "may not use ReadWriteOncePod with other access modes"));
    }

    public static void VolumeMode(string? mode, string path, List<FieldCause> errors)
    {
        if (mode is not null && !VolumeModes.Contains(mode)) errors.Add(NotSupported(path, mode, VolumeModes));
    }

    /// <summary>ValidateClassName: a class name is a DNS subdomain.</summary>
    public static void ClassName(string? name, string path, List<FieldCause> errors)
    {
        if (name is { Length: > 0 } && Subdomain(name) is { } problem) errors.Add(InvalidValue(path, Quote(name), problem));
    }

    /// <summary>Whether <paramref name="offered"/> includes every mode of <paramref name="wanted"/> (Kubernetes' checkAccessModes).</summary>
    public static bool OffersAccessModes(IReadOnlyList<string>? offered, IReadOnlyList<string>? wanted) =>
        (wanted ?? []).All(m => offered?.Contains(m) == true);

    /// <summary>Whether the node is one the volume can be reached from (no node affinity: every node).</summary>
    public static bool ReachableFrom(PersistentVolume volume, Node node) =>
        volume.Spec.NodeAffinity?.Required is not { } required
        || required.NodeSelectorTerms.Any(term => NodeAffinityMatcher.Matches(term, node));

    /// <summary>Whether the claim's selector selects the volume's labels (no selector: any volume).</summary>
    public static bool Selects(PersistentVolumeClaim claim, PersistentVolume volume)
    {
        if (claim.Spec.Selector is null) return true;
        try
        {
            return SelectorParser.FromLabelSelector(claim.Spec.Selector).All(r => r.Matches(volume.Metadata.Labels));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The names of the claims a pod spec mounts, in order, each once.</summary>
    public static IReadOnlyList<string> ClaimsOf(PodSpec spec) =>
        (spec.Volumes ?? []).Where(v => v.PersistentVolumeClaim is not null).Select(v => v.PersistentVolumeClaim!.ClaimName).Distinct().ToList();

    /// <summary>The object with <paramref name="finalizer"/> added (itself when it has it already).</summary>
    public static T WithFinalizer<T>(T obj, string finalizer) where T : KubeObject =>
        obj.Metadata.Finalizers?.Contains(finalizer) == true
            ? obj
            : (T)((KubeObject)obj with { Metadata = obj.Metadata with { Finalizers = [.. obj.Metadata.Finalizers ?? [], finalizer] } });

    /// <summary>The object without <paramref name="finalizer"/>.</summary>
    public static T WithoutFinalizer<T>(T obj, string finalizer) where T : KubeObject =>
        (T)((KubeObject)obj with { Metadata = obj.Metadata with { Finalizers = (obj.Metadata.Finalizers ?? []).Where(f => f != finalizer).ToList() } });
}
