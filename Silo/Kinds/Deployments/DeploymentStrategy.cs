using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Controllers;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using Rollout = OrleansOrchestrator.Contracts.Model.DeploymentStrategy;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.Deployments;

/// <summary><c>apps/v1</c> Deployment: rolls its pod template out through ReplicaSets.</summary>
public static class DeploymentStrategy
{
    public static readonly KindStrategy<Deployment> Strategy = new()
    {
        Identity = ResourceKinds.Deployment,
        Defaults = d => d with { Spec = Defaulted(d.Spec) },
        Validation = (d, errors) =>
        {
            NonNegative(d.Spec.Replicas, "spec.replicas", errors);
            Workload(d.Spec.Selector, d.Spec.Template, "spec", errors, AlwaysRestart);
            RolloutStrategy(d.Spec.Strategy, errors);
        },
        Table =
        [
            Name,
            Col<Deployment>("Ready", (d, _) => $"{d.Status?.ReadyReplicas ?? 0}/{d.Spec.Replicas ?? 0}"),
            Col<Deployment>("Up-to-date", (d, _) => d.Status?.UpdatedReplicas ?? 0, type: "integer"),
            Col<Deployment>("Available", (d, _) => d.Status?.AvailableReplicas ?? 0, type: "integer"),
            Age,
            Col<Deployment>("Containers", (d, _) => Containers(d.Spec.Template.Spec), 1),
            Col<Deployment>("Images", (d, _) => Images(d.Spec.Template.Spec), 1),
            Col<Deployment>("Selector", (d, _) => Selector(d.Spec.Selector), 1),
        ],
        Fields = new Dictionary<string, Func<Deployment, string>>(),
        Spec = new(d => d.Spec),
        Status = new((target, source) => target with { Status = source.Status }, d => d with { Status = null }),
        Scale = new(d => d.Spec.Replicas ?? 0, d => d.Status?.Replicas ?? 0, d => d.Spec.Selector,
            (d, replicas) => d with { Spec = d.Spec with { Replicas = replicas } }),
        Owned = [ResourceKinds.ReplicaSet],
        ControlLoop = typeof(IDeploymentController),
        PodTemplate = d => d.Spec.Template.Spec,
    };

    private static DeploymentSpec Defaulted(DeploymentSpec spec)
    {
        var strategy = spec.Strategy ?? new Rollout();
        var type = strategy.Type ?? "RollingUpdate";
        return spec with
        {
            Replicas = spec.Replicas ?? 1,
            Strategy = strategy with
            {
                Type = type,
                RollingUpdate = type == "RollingUpdate"
                    ? new RollingUpdateDeployment
                    {
                        MaxSurge = strategy.RollingUpdate?.MaxSurge ?? "25%",
                        MaxUnavailable = strategy.RollingUpdate?.MaxUnavailable ?? "25%",
                    }
                    : strategy.RollingUpdate,
            },
            RevisionHistoryLimit = spec.RevisionHistoryLimit ?? 10,
            ProgressDeadlineSeconds = spec.ProgressDeadlineSeconds ?? 600,
            Template = Defaults.Template(spec.Template),
        };
    }

    private static void RolloutStrategy(Rollout? strategy, List<FieldCause> errors)
    {
        if (strategy?.Type is { } type && type is not ("RollingUpdate" or "Recreate"))
            errors.Add(new FieldCause("spec.strategy.type", "FieldValueNotSupported", $"Unsupported value: {Quote(type)}: supported values: \"Recreate\", \"RollingUpdate\""));
        if (strategy?.Type == "Recreate" && strategy.RollingUpdate is not null)
            errors.Add(new FieldCause("spec.strategy.rollingUpdate", "FieldValueForbidden", "Forbidden: may not be specified when strategy `type` is 'Recreate'"));
        if (strategy?.RollingUpdate is { } rolling)
        {
            // Only maxUnavailable is capped at 100%: a surge above it (more than double capacity during a rollout) is legal.
            IntOrPercent(rolling.MaxSurge, "spec.strategy.rollingUpdate.maxSurge", errors, atMost100Percent: false);
            IntOrPercent(rolling.MaxUnavailable, "spec.strategy.rollingUpdate.maxUnavailable", errors, atMost100Percent: true);
            if (IsZero(rolling.MaxSurge) && IsZero(rolling.MaxUnavailable))
                errors.Add(InvalidValue("spec.strategy.rollingUpdate.maxUnavailable", "0", "may not be 0 when `maxSurge` is 0"));
        }
    }

    internal static bool IsZero(IntOrString? value) => value is { } v && (v.IsInt ? v.IntValue == 0 : v.StringValue == "0%");

    internal static void IntOrPercent(IntOrString? value, string path, List<FieldCause> errors, bool atMost100Percent)
    {
        if (value is not { } v) return;
        if (v.IsInt)
        {
            if (v.IntValue < 0) errors.Add(InvalidValue(path, v.ToString(), "must be greater than or equal to 0"));
        }
        else if (!v.IsPercent || !int.TryParse(v.StringValue![..^1], out var percent) || percent < 0)
            errors.Add(InvalidValue(path, Quote(v.StringValue!), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
        else if (atMost100Percent && percent > 100)
            errors.Add(InvalidValue(path, Quote(v.StringValue!), "must not be greater than 100%"));
    }
}
