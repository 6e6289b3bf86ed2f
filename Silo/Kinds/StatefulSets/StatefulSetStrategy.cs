using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Controllers;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.StatefulSets;

/// <summary><c>apps/v1</c> StatefulSet: pods with stable names and their own claims (its controller comes later).</summary>
public static class StatefulSetStrategy
{
    public static readonly KindStrategy<StatefulSet> Strategy = new()
    {
        Identity = ResourceKinds.StatefulSet,
        Defaults = s => s with { Spec = Defaulted(s.Spec) },
        Validation = (s, errors) =>
        {
            NonNegative(s.Spec.Replicas, "spec.replicas", errors);
            // Each pod gets a volume per claim template, named after it: the template's containers mount them.
            Workload(s.Spec.Selector, s.Spec.Template, "spec", errors, AlwaysRestart,
                claimVolumes: (s.Spec.VolumeClaimTemplates ?? []).Select(c => c.Metadata.Name).OfType<string>());
        },
        Table =
        [
            Name,
            Col<StatefulSet>("Ready", (s, _) => $"{s.Status?.ReadyReplicas ?? 0}/{s.Spec.Replicas ?? 0}"),
            Age,
            Col<StatefulSet>("Containers", (s, _) => Containers(s.Spec.Template.Spec), 1),
            Col<StatefulSet>("Images", (s, _) => Images(s.Spec.Template.Spec), 1),
        ],
        Fields = new Dictionary<string, Func<StatefulSet, string>>
        {
            ["status.replicas"] = s => (s.Status?.Replicas ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        Spec = new(s => s.Spec),
        Status = new((target, source) => target with { Status = source.Status }, s => s with { Status = null }),
        Scale = new(s => s.Spec.Replicas ?? 0, s => s.Status?.Replicas ?? 0, s => s.Spec.Selector,
            (s, replicas) => s with { Spec = s.Spec with { Replicas = replicas } }),
        Owned = [ResourceKinds.Pod],
        ControlLoop = null,
        PodTemplate = s => s.Spec.Template.Spec,
    };

    private static StatefulSetSpec Defaulted(StatefulSetSpec spec) => spec with
    {
        Replicas = spec.Replicas ?? 1,
        PodManagementPolicy = spec.PodManagementPolicy ?? "OrderedReady",
        UpdateStrategy = spec.UpdateStrategy ?? new StatefulSetUpdateStrategy
        {
            Type = "RollingUpdate",
            RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = 0 },
        },
        RevisionHistoryLimit = spec.RevisionHistoryLimit ?? 10,
        PersistentVolumeClaimRetentionPolicy = spec.PersistentVolumeClaimRetentionPolicy ?? new StatefulSetPersistentVolumeClaimRetentionPolicy
        {
            WhenDeleted = "Retain",
            WhenScaled = "Retain",
        },
        Template = Defaults.Template(spec.Template),
    };
}
