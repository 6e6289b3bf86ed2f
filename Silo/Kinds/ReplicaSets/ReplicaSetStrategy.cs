using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Controllers;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.ReplicaSets;

/// <summary><c>apps/v1</c> ReplicaSet: keeps a number of pods from its template running.</summary>
public static class ReplicaSetStrategy
{
    public static readonly KindStrategy<ReplicaSet> Strategy = new()
    {
        Identity = ResourceKinds.ReplicaSet,
        Defaults = rs => rs with
        {
            Spec = rs.Spec with
            {
                Replicas = rs.Spec.Replicas ?? 1,
                Template = rs.Spec.Template is { } t ? Defaults.Template(t) : null,
            },
        },
        Validation = (rs, errors) =>
        {
            NonNegative(rs.Spec.Replicas, "spec.replicas", errors);
            if (rs.Spec.Template is null) errors.Add(Required("spec.template", ""));
            else Workload(rs.Spec.Selector, rs.Spec.Template, "spec", errors, AlwaysRestart);
        },
        Table =
        [
            Name,
            Col<ReplicaSet>("Desired", (r, _) => r.Spec.Replicas ?? 0, type: "integer"),
            Col<ReplicaSet>("Current", (r, _) => r.Status?.Replicas ?? 0, type: "integer"),
            Col<ReplicaSet>("Ready", (r, _) => r.Status?.ReadyReplicas ?? 0, type: "integer"),
            Age,
            Col<ReplicaSet>("Containers", (r, _) => Containers(r.Spec.Template?.Spec), 1),
            Col<ReplicaSet>("Images", (r, _) => Images(r.Spec.Template?.Spec), 1),
            Col<ReplicaSet>("Selector", (r, _) => Selector(r.Spec.Selector), 1),
        ],
        Fields = new Dictionary<string, Func<ReplicaSet, string>>
        {
            ["status.replicas"] = r => (r.Status?.Replicas ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        Spec = new(r => r.Spec),
        Status = new((target, source) => target with { Status = source.Status }, r => r with { Status = null }),
        Scale = new(r => r.Spec.Replicas ?? 0, r => r.Status?.Replicas ?? 0, r => r.Spec.Selector,
            (r, replicas) => r with { Spec = r.Spec with { Replicas = replicas } }),
        Owned = [ResourceKinds.Pod],
        ControlLoop = typeof(IReplicaSetController),
        PodTemplate = r => r.Spec.Template?.Spec,
    };
}
