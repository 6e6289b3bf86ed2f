using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Controllers.StatefulSets;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.StatefulSets;

/// <summary><c>apps/v1</c> StatefulSet: pods with stable names and their own claims, kept by <see cref="IStatefulSetController"/>.</summary>
public static class StatefulSetStrategy
{
    public static readonly KindStrategy<StatefulSet> Strategy = new()
    {
        Identity = ResourceKinds.StatefulSet,
        Defaults = s => s with { Spec = Defaulted(s.Spec) },
        Validation = (s, errors) =>
        {
            NonNegative(s.Spec.Replicas, "spec.replicas", errors);
            NonNegative(s.Spec.MinReadySeconds, "spec.minReadySeconds", errors);
            NonNegative(s.Spec.Ordinals?.Start, "spec.ordinals.start", errors);
            Policies(s.Spec, errors);
            // Each pod gets a volume per claim template, named after it: the template's containers mount them.
            Workload(s.Spec.Selector, s.Spec.Template, "spec", errors, AlwaysRestart,
                claimVolumes: (s.Spec.VolumeClaimTemplates ?? []).Select(c => c.Metadata.Name).OfType<string>());
        },
        UpdateRule = (before, after) => OnlyMutableFieldsChanged(before.Spec, after.Spec),
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
        // Claims are owned only as the retention policy says (whenDeleted: Delete), and then the garbage collector takes them.
        Owned = [ResourceKinds.Pod, ResourceKinds.ControllerRevision, ResourceKinds.PersistentVolumeClaim],
        ControlLoop = typeof(IStatefulSetController),
        PodTemplate = s => s.Spec.Template.Spec,
    };

    private static readonly string[] ManagementPolicies = [StatefulSetPlanner.OrderedReady, StatefulSetPlanner.Parallel];
    private static readonly string[] RetentionPolicies = ["Retain", ClaimRetention.Delete];

    /// <summary>Kubernetes' <c>ValidateStatefulSetSpec</c> for the policies: management, update strategy and claim retention.</summary>
    private static void Policies(StatefulSetSpec spec, List<FieldCause> errors)
    {
        if (spec.PodManagementPolicy is { } management && !ManagementPolicies.Contains(management))
            errors.Add(InvalidValue("spec.podManagementPolicy", Quote(management), "must be 'OrderedReady' or 'Parallel'"));
        switch (spec.UpdateStrategy)
        {
            case { Type: StatefulSetPlanner.OnDelete, RollingUpdate: not null }:
                errors.Add(InvalidValue("spec.updateStrategy.rollingUpdate", "{}", "only allowed for updateStrategy 'RollingUpdate'"));
                break;
            case { Type: StatefulSetPlanner.RollingUpdate, RollingUpdate: { } rolling }:
                NonNegative(rolling.Partition, "spec.updateStrategy.rollingUpdate.partition", errors);
                MaxUnavailable(rolling.MaxUnavailable, errors);
                break;
            case { Type: not (StatefulSetPlanner.OnDelete or StatefulSetPlanner.RollingUpdate) } strategy:
                errors.Add(InvalidValue("spec.updateStrategy", Quote(strategy.Type ?? ""), "must be 'RollingUpdate' or 'OnDelete'"));
                break;
        }
        if (spec.PersistentVolumeClaimRetentionPolicy is { } retention)
        {
            if (!RetentionPolicies.Contains(retention.WhenDeleted))
                errors.Add(NotSupported("spec.persistentVolumeClaimRetentionPolicy.whenDeleted", retention.WhenDeleted ?? "", RetentionPolicies));
            if (!RetentionPolicies.Contains(retention.WhenScaled))
                errors.Add(NotSupported("spec.persistentVolumeClaimRetentionPolicy.whenScaled", retention.WhenScaled ?? "", RetentionPolicies));
        }
    }

    /// <summary>A positive number, or a percentage from 1% to 100%.</summary>
    private static void MaxUnavailable(IntOrString? value, List<FieldCause> errors)
    {
        const string path = "spec.updateStrategy.rollingUpdate.maxUnavailable";
        if (value is not { } v) return;
        if (v.IsInt)
        {
            if (v.IntValue < 1) errors.Add(InvalidValue(path, v.ToString(), "must be greater than 0"));
        }
        else if (!v.IsPercent || !int.TryParse(v.StringValue![..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var percent))
            errors.Add(InvalidValue(path, Quote(v.StringValue!), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
        else if (percent < 1)
            errors.Add(InvalidValue(path, Quote(v.StringValue!), "must be greater than 0"));
        else if (percent > 100)
            errors.Add(InvalidValue(path, Quote(v.StringValue!), "must not be greater than 100%"));
    }

    /// <summary>Kubernetes' <c>ValidateStatefulSetUpdate</c>: only these fields of the spec may change.</summary>
    private static FieldCause? OnlyMutableFieldsChanged(StatefulSetSpec before, StatefulSetSpec after)
    {
        var mutableReverted = after with
        {
            Replicas = before.Replicas,
            Template = before.Template,
            UpdateStrategy = before.UpdateStrategy,
            MinReadySeconds = before.MinReadySeconds,
            Ordinals = before.Ordinals,
            RevisionHistoryLimit = before.RevisionHistoryLimit,
            PersistentVolumeClaimRetentionPolicy = before.PersistentVolumeClaimRetentionPolicy,
        };
        return Store.ObjectSemantics.SameJson(mutableReverted, before)
            ? null
            : new FieldCause("spec", "FieldValueForbidden",
                "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    }

    /// <summary>Kubernetes' <c>SetDefaults_StatefulSet</c>: a rolling update with partition 0, ordered pods, claims retained.</summary>
    private static StatefulSetSpec Defaulted(StatefulSetSpec spec)
    {
        var strategy = spec.UpdateStrategy ?? new StatefulSetUpdateStrategy();
        var type = strategy.Type is { Length: > 0 } t ? t : StatefulSetPlanner.RollingUpdate;
        var retention = spec.PersistentVolumeClaimRetentionPolicy ?? new StatefulSetPersistentVolumeClaimRetentionPolicy();
        return spec with
        {
            Replicas = spec.Replicas ?? 1,
            PodManagementPolicy = spec.PodManagementPolicy is { Length: > 0 } policy ? policy : StatefulSetPlanner.OrderedReady,
            UpdateStrategy = strategy with
            {
                Type = type,
                RollingUpdate = type == StatefulSetPlanner.RollingUpdate
                    ? (strategy.RollingUpdate ?? new RollingUpdateStatefulSetStrategy()) with { Partition = strategy.RollingUpdate?.Partition ?? 0 }
                    : strategy.RollingUpdate,
            },
            RevisionHistoryLimit = spec.RevisionHistoryLimit ?? 10,
            PersistentVolumeClaimRetentionPolicy = retention with
            {
                WhenDeleted = retention.WhenDeleted is { Length: > 0 } deleted ? deleted : "Retain",
                WhenScaled = retention.WhenScaled is { Length: > 0 } scaled ? scaled : "Retain",
            },
            Template = Defaults.Template(spec.Template),
        };
    }
}
