using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Volumes;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;
using OrleansOrchestrator.Silo.Store;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.PersistentVolumeClaims;

/// <summary>
/// Core <c>v1</c> PersistentVolumeClaim: a request for storage, bound to a PersistentVolume by the volume controller
/// of its tenant (which provisions one for the local-path class). A claim that names no class gets the tenant's
/// default class on create (<c>DefaultStorageClass</c> admission); a claim in use by a pod waits for its pods when deleted.
/// </summary>
public static class PersistentVolumeClaimStrategy
{
    public const string ImmutableSpecMessage = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";

    public static readonly KindStrategy<PersistentVolumeClaim> Strategy = new()
    {
        Identity = ResourceKinds.PersistentVolumeClaim,
        // SetDefaults_PersistentVolumeClaimSpec.
        Defaults = pvc => pvc with { Spec = pvc.Spec with { VolumeMode = pvc.Spec.VolumeMode ?? StorageRules.Filesystem } },
        Validation = (pvc, errors) => ValidateSpec(pvc.Spec, "spec", errors),
        UpdateRule = ImmutableSpec,
        Table =
        [
            Name,
            Col<PersistentVolumeClaim>("Status", (p, _) => p.Metadata.DeletionTimestamp is not null ? "Terminating" : p.Status?.Phase ?? ""),
            Col<PersistentVolumeClaim>("Volume", (p, _) => p.Spec.VolumeName ?? ""),
            // printPersistentVolumeClaim: capacity and access modes are the bound volume's, shown once bound.
            Col<PersistentVolumeClaim>("Capacity", (p, _) => p.Spec.VolumeName is { Length: > 0 } ? p.Status?.Capacity?.GetValueOrDefault("storage") ?? "" : ""),
            Col<PersistentVolumeClaim>("Access Modes", (p, _) => p.Spec.VolumeName is { Length: > 0 } ? StorageRules.AccessModesText(p.Status?.AccessModes) : ""),
            Col<PersistentVolumeClaim>("StorageClass", (p, _) => StorageRules.ClassOf(p)),
            Col<PersistentVolumeClaim>("VolumeAttributesClass", (_, _) => "<unset>"),
            Age,
            Col<PersistentVolumeClaim>("VolumeMode", (p, _) => p.Spec.VolumeMode ?? "<unset>", 1),
        ],
        // Kubernetes keeps "name" selectable for claims, for compatibility.
        Fields = new Dictionary<string, Func<PersistentVolumeClaim, string>> { ["name"] = p => p.Metadata.Name ?? "" },
        Spec = new(p => p.Spec),
        // PrepareForCreate and SetDefaults_PersistentVolumeClaim: a new claim is Pending, whatever status it was sent with.
        Status = new((target, source) => target with { Status = source.Status }, p => p with { Status = new PersistentVolumeClaimStatus { Phase = "Pending" } }),
        // StorageObjectInUseProtection admission: a claim is not removed while a pod uses it.
        OnCreate = p => StorageRules.WithFinalizer(p, StorageRules.ClaimProtectionFinalizer),
        Scale = null,
        Owned = [],
        ControlLoop = null,
        Wakes = (tenant, _, _) => VolumeWakes.ForTenant(tenant),
    };

    /// <summary>Kubernetes' ValidatePersistentVolumeClaimSpec (also what a StatefulSet's claim templates must meet).</summary>
    public static void ValidateSpec(PersistentVolumeClaimSpec spec, string path, List<FieldCause> errors)
    {
        if (spec.AccessModes is not { Count: > 0 }) errors.Add(Required($"{path}.accessModes", "at least 1 access mode is required"));
        if (spec.Selector is { } selector)
        {
            try { SelectorParser.FromLabelSelector(selector); }
            catch (FormatException e) { errors.Add(InvalidValue($"{path}.selector", "", e.Message)); }
        }
        StorageRules.AccessModeValues(spec.AccessModes, $"{path}.accessModes", errors);
        var storagePath = $"{path}.resources[storage]";
        if (spec.Resources?.Requests?.GetValueOrDefault("storage") is not { } storage) errors.Add(Required(storagePath, ""));
        else if (!Quantity.TryParse(storage, out var value))
            errors.Add(InvalidValue(storagePath, Quote(storage), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
        else if (value < 0) errors.Add(InvalidValue(storagePath, Quote(storage), "must be greater than or equal to 0"));
        else if (value == 0) errors.Add(InvalidValue(storagePath, Quote(storage), "must be greater than zero"));
        StorageRules.ClassName(spec.StorageClassName, $"{path}.storageClassName", errors);
        StorageRules.VolumeMode(spec.VolumeMode, $"{path}.volumeMode", errors);
    }

    /// <summary>
    /// ValidatePersistentVolumeClaimUpdate: the spec is fixed once created, except what the binder fills in once
    /// (<c>volumeName</c> while empty, <c>storageClassName</c> while unset: a default class that came later) and the
    /// storage request of a bound claim, which may grow (whether its class allows it is the resize admission's
    /// question) but never shrink.
    /// </summary>
    public static FieldCause? ImmutableSpec(PersistentVolumeClaim before, PersistentVolumeClaim after)
    {
        var old = before.Spec;
        var next = after.Spec;
        var comparable = old with
        {
            VolumeName = string.IsNullOrEmpty(old.VolumeName) ? next.VolumeName : old.VolumeName,
            StorageClassName = old.StorageClassName is null && before.Metadata.Annotations?.ContainsKey(StorageRules.BetaStorageClassAnnotation) != true
                                && next.StorageClassName is { Length: > 0 }
                ? next.StorageClassName
                : old.StorageClassName,
        };
        var nextComparable = next;
        if (before.Status?.Phase == "Bound" && next.Resources?.Requests is { } requests)
        {
            var withOldStorage = new Dictionary<string, string>(requests);
            if (old.Resources?.Requests?.GetValueOrDefault("storage") is { } oldStorage) withOldStorage["storage"] = oldStorage;
            else withOldStorage.Remove("storage");
            nextComparable = next with { Resources = next.Resources with { Requests = withOldStorage } };
        }
        if (!ObjectSemantics.SameJson(comparable, nextComparable)) return Forbidden("spec", ImmutableSpecMessage);
        if (StorageRules.Storage(next.Resources?.Requests) < StorageRules.Storage(old.Resources?.Requests))
            return Forbidden("spec.resources.requests.storage", "field can not be less than previous value");
        return null;
    }
}
