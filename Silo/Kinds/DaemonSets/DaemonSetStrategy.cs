using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Controllers.DaemonSets;
using OrleansOrchestrator.Silo.Store;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;
using Rollout = OrleansOrchestrator.Silo.Kinds.Deployments.DeploymentStrategy;

namespace OrleansOrchestrator.Silo.Kinds.DaemonSets;

/// <summary><c>apps/v1</c> DaemonSet: one pod of its template on every eligible node (Kubernetes' <c>pkg/registry/apps/daemonset</c>).</summary>
public static class DaemonSetStrategy
{
    public const string RollingUpdate = "RollingUpdate";
    public const string OnDelete = "OnDelete";

    public static readonly KindStrategy<DaemonSet> Strategy = new()
    {
        Identity = ResourceKinds.DaemonSet,
        Defaults = ds => ds with { Spec = Defaulted(ds.Spec) },
        Validation = Validate,
        UpdateRule = (before, after) => ObjectSemantics.SameJson(before.Spec.Selector, after.Spec.Selector)
            ? null
            : InvalidValue("spec.selector", Selector(after.Spec.Selector), "field is immutable"),
        Table =
        [
            Name,
            Col<DaemonSet>("Desired", (d, _) => d.Status?.DesiredNumberScheduled ?? 0, type: "integer", description: "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
            Col<DaemonSet>("Current", (d, _) => d.Status?.CurrentNumberScheduled ?? 0, type: "integer", description: "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
            Col<DaemonSet>("Ready", (d, _) => d.Status?.NumberReady ?? 0, type: "integer", description: "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
            Col<DaemonSet>("Up-to-date", (d, _) => d.Status?.UpdatedNumberScheduled ?? 0, type: "integer", description: "The total number of nodes that are running updated daemon pod"),
            Col<DaemonSet>("Available", (d, _) => d.Status?.NumberAvailable ?? 0, type: "integer", description: "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
            Col<DaemonSet>("Node Selector", (d, _) => NodeSelectorText(d.Spec.Template.Spec.NodeSelector), description: "NodeSelector is a selector which must be true for the pod to fit on a node."),
            Age,
            Col<DaemonSet>("Containers", (d, _) => Containers(d.Spec.Template.Spec), 1, description: "Names of each container in the template."),
            Col<DaemonSet>("Images", (d, _) => Images(d.Spec.Template.Spec), 1, description: "Images referenced by each container in the template."),
            Col<DaemonSet>("Selector", (d, _) => Selector(d.Spec.Selector), 1, description: "A label query over pods that are managed by the daemon set."),
        ],
        Fields = new Dictionary<string, Func<DaemonSet, string>>(),
        Spec = new(d => d.Spec),
        // Kubernetes creates a DaemonSet with an empty status: its four counts read 0 until the controller writes them.
        Status = new((target, source) => target with { Status = source.Status }, d => d with { Status = new DaemonSetStatus() }),
        Scale = null,
        Owned = [ResourceKinds.Pod, ResourceKinds.ControllerRevision],
        ControlLoop = typeof(IDaemonSetController),
        PodTemplate = d => d.Spec.Template.Spec,
    };

    /// <summary>Kubernetes' <c>SetDefaults_DaemonSet</c>: a rolling update of one node at a time without surge, ten revisions kept.</summary>
    private static DaemonSetSpec Defaulted(DaemonSetSpec spec)
    {
        var strategy = spec.UpdateStrategy ?? new DaemonSetUpdateStrategy();
        var type = strategy.Type ?? RollingUpdate;
        return spec with
        {
            UpdateStrategy = strategy with
            {
                Type = type,
                RollingUpdate = type == RollingUpdate
                    ? new RollingUpdateDaemonSet
                    {
                        MaxUnavailable = strategy.RollingUpdate?.MaxUnavailable ?? 1,
                        MaxSurge = strategy.RollingUpdate?.MaxSurge ?? 0,
                    }
                    : strategy.RollingUpdate,
            },
            RevisionHistoryLimit = spec.RevisionHistoryLimit ?? 10,
            Template = Defaults.Template(spec.Template),
        };
    }

    /// <summary>Kubernetes' <c>ValidateDaemonSetSpec</c>, for the fields we model.</summary>
    private static void Validate(DaemonSet ds, List<FieldCause> errors)
    {
        var spec = ds.Spec;
        Workload(spec.Selector, spec.Template, "spec", errors, AlwaysRestart);
        if (spec.Template.Spec.ActiveDeadlineSeconds is not null)
            errors.Add(new FieldCause("spec.template.spec.activeDeadlineSeconds", "FieldValueForbidden", "Forbidden: activeDeadlineSeconds in DaemonSet is not Supported"));
        NonNegative(spec.MinReadySeconds, "spec.minReadySeconds", errors);
        UpdateStrategy(spec.UpdateStrategy, errors);
        NonNegative(spec.RevisionHistoryLimit, "spec.revisionHistoryLimit", errors);
    }

    private static void UpdateStrategy(DaemonSetUpdateStrategy? strategy, List<FieldCause> errors)
    {
        const string path = "spec.updateStrategy";
        switch (strategy?.Type)
        {
            case OnDelete:
                return;
            case RollingUpdate when strategy.RollingUpdate is null:
                errors.Add(Required($"{path}.rollingUpdate", ""));
                return;
            case RollingUpdate:
                var limits = strategy.RollingUpdate!;
                Rollout.IntOrPercent(limits.MaxUnavailable, $"{path}.rollingUpdate.maxUnavailable", errors, atMost100Percent: true);
                Rollout.IntOrPercent(limits.MaxSurge, $"{path}.rollingUpdate.maxSurge", errors, atMost100Percent: true);
                // Exactly one of them is non-zero: a surge replaces each node's pod after its successor is ready, an
                // unavailability before; Kubernetes offers one or the other.
                var hasUnavailable = !Rollout.IsZero(limits.MaxUnavailable ?? 0);
                var hasSurge = !Rollout.IsZero(limits.MaxSurge ?? 0);
                if (hasUnavailable && hasSurge)
                    errors.Add(InvalidValue($"{path}.rollingUpdate.maxSurge", limits.MaxSurge.ToString()!, "may not be set when maxUnavailable is non-zero"));
                else if (!hasUnavailable && !hasSurge)
                    errors.Add(Required($"{path}.rollingUpdate.maxUnavailable", "cannot be 0 when maxSurge is 0"));
                return;
            default:
                // Kubernetes prints the whole strategy here, as Go's %#v.
                var rollingText = strategy?.RollingUpdate is null ? "(*apps.RollingUpdateDaemonSet)(nil)" : "(*apps.RollingUpdateDaemonSet){...}";
                errors.Add(new FieldCause(path, "FieldValueNotSupported",
                    $"Unsupported value: apps.DaemonSetUpdateStrategy{{Type:{Quote(strategy?.Type ?? "")}, RollingUpdate:{rollingText}}}: supported values: \"RollingUpdate\", \"OnDelete\""));
                return;
        }
    }

    /// <summary>Kubernetes' <c>labels.FormatLabels</c>: <c>k=v</c> pairs by key, or <c>&lt;none&gt;</c>.</summary>
    private static string NodeSelectorText(IReadOnlyDictionary<string, string>? selector) =>
        selector is not { Count: > 0 }
            ? "<none>"
            : string.Join(",", selector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
