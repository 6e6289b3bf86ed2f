using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Volumes;
using OrleansOrchestrator.Silo.Store;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.PersistentVolumes;

/// <summary>
/// Core <c>v1</c> PersistentVolume, cluster-scoped within a tenant: a piece of storage that one claim at a time binds
/// to. Made by an administrator or by the local-path provisioner; bound, released and reclaimed by the volume
/// controller of its tenant.
/// </summary>
public static class PersistentVolumeStrategy
{
    private static readonly string[] ReclaimPolicies = [StorageRules.Delete, "Recycle", StorageRules.Retain];

    public static readonly KindStrategy<PersistentVolume> Strategy = new()
    {
        Identity = ResourceKinds.PersistentVolume,
        // SetDefaults_PersistentVolume: a volume made by hand is kept when its claim goes.
        Defaults = pv => pv with
        {
            Spec = pv.Spec with
            {
                PersistentVolumeReclaimPolicy = pv.Spec.PersistentVolumeReclaimPolicy ?? StorageRules.Retain,
                VolumeMode = pv.Spec.VolumeMode ?? StorageRules.Filesystem,
            },
        },
        Validation = Validate,
        UpdateRule = ImmutableFields,
        Table =
        [
            Name,
            Col<PersistentVolume>("Capacity", (v, _) => v.Spec.Capacity?.GetValueOrDefault("storage") ?? ""),
            Col<PersistentVolume>("Access Modes", (v, _) => StorageRules.AccessModesText(v.Spec.AccessModes)),
            Col<PersistentVolume>("Reclaim Policy", (v, _) => v.Spec.PersistentVolumeReclaimPolicy ?? ""),
            Col<PersistentVolume>("Status", (v, _) => v.Metadata.DeletionTimestamp is not null ? "Terminating" : v.Status?.Phase ?? ""),
            Col<PersistentVolume>("Claim", (v, _) => v.Spec.ClaimRef is { } claim ? $"{claim.Namespace}/{claim.Name}" : ""),
            Col<PersistentVolume>("StorageClass", (v, _) => StorageRules.ClassOf(v)),
            Col<PersistentVolume>("VolumeAttributesClass", (_, _) => "<unset>"),
            Col<PersistentVolume>("Reason", (v, _) => v.Status?.Reason ?? ""),
            Age,
            Col<PersistentVolume>("VolumeMode", (v, _) => v.Spec.VolumeMode ?? "<unset>", 1),
        ],
        // Kubernetes keeps "name" selectable for volumes, for compatibility.
        Fields = new Dictionary<string, Func<PersistentVolume, string>> { ["name"] = v => v.Metadata.Name ?? "" },
        Spec = new(v => v.Spec),
        // PrepareForCreate: a new volume is Pending until the volume controller finds it Available.
        Status = new((target, source) => target with { Status = source.Status }, v => v with { Status = new PersistentVolumeStatus { Phase = "Pending" } }),
        OnCreate = v => StorageRules.WithFinalizer(v, StorageRules.VolumeProtectionFinalizer),
        Scale = null,
        Owned = [],
        ControlLoop = null,
        Wakes = (tenant, _, _) => VolumeWakes.ForTenant(tenant),
    };

    /// <summary>Kubernetes' ValidatePersistentVolumeSpec, for the sources we model (hostPath, local).</summary>
    private static void Validate(PersistentVolume pv, List<FieldCause> errors)
    {
        var spec = pv.Spec;
        if (spec.AccessModes is not { Count: > 0 }) errors.Add(Required("spec.accessModes", ""));
        StorageRules.AccessModeValues(spec.AccessModes, "spec.accessModes", errors);
        if (spec.Capacity is not { Count: > 0 }) errors.Add(Required("spec.capacity", ""));
        else
        {
            if (!spec.Capacity.ContainsKey("storage") || spec.Capacity.Count > 1)
                errors.Add(new FieldCause("spec.capacity", "FieldValueNotSupported",
                    $"Unsupported value: map[{string.Join(" ", spec.Capacity.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}:{c.Value}"))}]: supported values: \"storage\""));
            foreach (var (name, text) in spec.Capacity)
                if (!Quantity.TryParse(text, out var value) || value <= 0)
                    errors.Add(InvalidValue($"spec.capacity[{name}]", Quote(text), "must be a valid resource quantity"));
        }
        if (spec.PersistentVolumeReclaimPolicy is { Length: > 0 } policy && !ReclaimPolicies.Contains(policy))
            errors.Add(NotSupported("spec.persistentVolumeReclaimPolicy", policy, ReclaimPolicies));
        StorageRules.ClassName(spec.StorageClassName, "spec.storageClassName", errors);
        StorageRules.VolumeMode(spec.VolumeMode, "spec.volumeMode", errors);

        var nodeAffinitySpecified = false;
        if (spec.NodeAffinity is { } affinity)
        {
            nodeAffinitySpecified = true;
            if (affinity.Required is null) errors.Add(Required("spec.nodeAffinity.required", "must specify required node constraints"));
            else if (affinity.Required.NodeSelectorTerms.Count == 0)
                errors.Add(Required("spec.nodeAffinity.required.nodeSelectorTerms", "must have at least one node selector term"));
        }

        var sources = 0;
        if (spec.HostPath is { } hostPath)
        {
            sources++;
            LocalPath(hostPath.Path, "spec.hostPath.path", errors, absolute: false);
        }
        if (spec.Local is { } local)
        {
            if (sources > 0) errors.Add(Forbidden("spec.local", "may not specify more than 1 volume type"));
            else
            {
                sources++;
                if (!nodeAffinitySpecified) errors.Add(Required("spec.nodeAffinity", "Local volume requires node affinity"));
                LocalPath(local.Path, "spec.local.path", errors, absolute: true);
            }
        }
        if (sources == 0) errors.Add(Required("spec", "must specify a volume type"));
    }

    private static void LocalPath(string path, string field, List<FieldCause> errors, bool absolute)
    {
        if (path.Length == 0)
        {
            errors.Add(Required(field, ""));
            return;
        }
        if (absolute && !path.StartsWith('/')) errors.Add(InvalidValue(field, Quote(path), "must be an absolute path"));
        if (path.Split('/').Contains("..")) errors.Add(InvalidValue(field, Quote(path), "must not contain '..'"));
    }

    /// <summary>
    /// ValidatePersistentVolumeUpdate: the source never changes, the volume mode neither, and node affinity only from unset.
    /// (Capacity, access modes, class and claim may change: an administrator resizes or re-points a volume.)
    /// </summary>
    private static FieldCause? ImmutableFields(PersistentVolume before, PersistentVolume after)
    {
        if (!ObjectSemantics.SameJson(before.Spec.HostPath, after.Spec.HostPath) || !ObjectSemantics.SameJson(before.Spec.Local, after.Spec.Local))
            return Forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation");
        if (before.Spec.VolumeMode != after.Spec.VolumeMode)
            return InvalidValue("volumeMode", Quote(after.Spec.VolumeMode ?? ""), "field is immutable");
        if (before.Spec.NodeAffinity is not null && !ObjectSemantics.SameJson(before.Spec.NodeAffinity, after.Spec.NodeAffinity))
            return InvalidValue("nodeAffinity", "core.VolumeNodeAffinity{...}", "field is immutable");
        return null;
    }
}
