using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.PersistentVolumeClaims;

/// <summary>Core <c>v1</c> PersistentVolumeClaim: a request for storage (a StatefulSet's claim templates make them).</summary>
public static class PersistentVolumeClaimStrategy
{
    public static readonly KindStrategy<PersistentVolumeClaim> Strategy = new()
    {
        Identity = ResourceKinds.PersistentVolumeClaim,
        Defaults = pvc => pvc,
        Validation = (_, _) => { },
        Table =
        [
            Name,
            Col<PersistentVolumeClaim>("Status", (p, _) => p.Status?.Phase ?? "Pending"),
            Col<PersistentVolumeClaim>("Volume", (p, _) => p.Spec.VolumeName ?? ""),
            Col<PersistentVolumeClaim>("Capacity", (p, _) => p.Status?.Capacity?.GetValueOrDefault("storage") ?? ""),
            Col<PersistentVolumeClaim>("Access Modes", (p, _) => string.Join(",", (p.Status?.AccessModes ?? []).Select(AccessMode))),
            Col<PersistentVolumeClaim>("StorageClass", (p, _) => p.Spec.StorageClassName ?? "<unset>"),
            Age,
        ],
        Fields = new Dictionary<string, Func<PersistentVolumeClaim, string>>(),
        Spec = new(p => p.Spec),
        // Kept as sent on create, as it always was here (Kubernetes would clear it; nothing binds claims yet).
        Status = new((target, source) => target with { Status = source.Status }, p => p),
        Scale = null,
        Owned = [],
        ControlLoop = null,
    };

    private static string AccessMode(string mode) => mode switch
    {
        "ReadWriteOnce" => "RWO",
        "ReadOnlyMany" => "ROX",
        "ReadWriteMany" => "RWX",
        "ReadWriteOncePod" => "RWOP",
        _ => mode,
    };
}
