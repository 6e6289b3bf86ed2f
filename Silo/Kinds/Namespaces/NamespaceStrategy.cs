using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.Namespaces;

/// <summary>Core <c>v1</c> Namespace: one tenant's; deleting it deletes everything in it.</summary>
public static class NamespaceStrategy
{
    public static readonly KindStrategy<Namespace> Strategy = new()
    {
        Identity = ResourceKinds.Namespace,
        Names = NameRule.Label,
        Defaults = ns => ns with
        {
            Spec = ns.Spec ?? new NamespaceSpec { Finalizers = ["kubernetes"] },
            Status = new NamespaceStatus { Phase = ns.Metadata.DeletionTimestamp is null ? "Active" : "Terminating" },
        },
        Validation = (_, _) => { },
        Table = [Name, Col<Namespace>("Status", (n, _) => n.Status?.Phase ?? "Active"), Age],
        Fields = new Dictionary<string, Func<Namespace, string>>
        {
            ["status.phase"] = n => n.Status?.Phase ?? "",
        },
        // Kubernetes gives namespaces a spec (their finalizers) but no generation.
        Spec = new(n => n.Spec, TracksGeneration: false),
        // The defaults set the phase from the object's own deletion mark.
        Status = new((target, source) => target with { Status = source.Status }, n => n),
        Scale = null,
        Owned = [],
        ControlLoop = null,
        // A new namespace gets its default ServiceAccount.
        Wakes = (tenant, ns, _) => Controllers.ServiceAccounts.ServiceAccountWakes.ForNamespace(tenant, ns.Metadata.Name),
    };
}
