using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;
using OrleansOrchestrator.Silo.Store;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.StorageClasses;

/// <summary>
/// <c>storage.k8s.io/v1</c> StorageClass, cluster-scoped within a tenant: a kind of storage and who provisions it.
/// Every tenant starts with the default class <c>local-path</c> (see <c>LocalPathStorageClass</c>).
/// </summary>
public static class StorageClassStrategy
{
    private static readonly string[] ReclaimPolicies = [StorageRules.Delete, StorageRules.Retain];

    public static readonly KindStrategy<StorageClass> Strategy = new()
    {
        Identity = ResourceKinds.StorageClass,
        // SetDefaults_StorageClass.
        Defaults = sc => sc with
        {
            ReclaimPolicy = sc.ReclaimPolicy ?? StorageRules.Delete,
            VolumeBindingMode = sc.VolumeBindingMode ?? StorageRules.Immediate,
        },
        Validation = Validate,
        UpdateRule = ImmutableFields,
        Table =
        [
            // printStorageClass: the default class is marked after its name.
            Name with { Cell = (o, _) => StorageRules.IsDefault((StorageClass)o) ? $"{o.Metadata.Name} (default)" : o.Metadata.Name },
            Col<StorageClass>("Provisioner", (c, _) => c.Provisioner),
            Col<StorageClass>("ReclaimPolicy", (c, _) => c.ReclaimPolicy ?? StorageRules.Delete),
            Col<StorageClass>("VolumeBindingMode", (c, _) => c.VolumeBindingMode ?? StorageRules.Immediate),
            Col<StorageClass>("AllowVolumeExpansion", (c, _) => c.AllowVolumeExpansion ?? false),
            Age,
        ],
        Fields = new Dictionary<string, Func<StorageClass, string>>(),
        // Its fields sit beside metadata: no spec, no status, no generation.
        Spec = null,
        Status = null,
        Scale = null,
        Owned = [],
        ControlLoop = null,
    };

    /// <summary>Kubernetes' ValidateStorageClass.</summary>
    private static void Validate(StorageClass sc, List<FieldCause> errors)
    {
        if (sc.Provisioner.Length == 0) errors.Add(Required("provisioner", ""));
        else if (QualifiedNameProblem(sc.Provisioner.ToLowerInvariant()) is { } problem)
            errors.Add(InvalidValue("provisioner", Quote(sc.Provisioner), problem));
        foreach (var key in sc.Parameters?.Keys ?? [])
            if (key.Length == 0) errors.Add(InvalidValue("parameters", Quote(key), "field can not be empty."));
        if (sc.ReclaimPolicy is { Length: > 0 } policy && !ReclaimPolicies.Contains(policy))
            errors.Add(NotSupported("reclaimPolicy", policy, ReclaimPolicies));
        if (sc.VolumeBindingMode is null) errors.Add(Required("volumeBindingMode", ""));
        else if (!StorageRules.BindingModes.Contains(sc.VolumeBindingMode))
            errors.Add(NotSupported("volumeBindingMode", sc.VolumeBindingMode, StorageRules.BindingModes));
    }

    /// <summary>ValidateStorageClassUpdate: who provisions, with what, how volumes are reclaimed and when they are bound are fixed.</summary>
    private static FieldCause? ImmutableFields(StorageClass before, StorageClass after)
    {
        if (!ObjectSemantics.SameJson(before.Parameters ?? new Dictionary<string, string>(), after.Parameters ?? new Dictionary<string, string>()))
            return Forbidden("parameters", "updates to parameters are forbidden.");
        if (before.Provisioner != after.Provisioner) return Forbidden("provisioner", "updates to provisioner are forbidden.");
        if (before.ReclaimPolicy != after.ReclaimPolicy) return Forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden.");
        if (before.VolumeBindingMode != after.VolumeBindingMode)
            return InvalidValue("volumeBindingMode", Quote(after.VolumeBindingMode ?? ""), "field is immutable");
        return null;
    }
}
