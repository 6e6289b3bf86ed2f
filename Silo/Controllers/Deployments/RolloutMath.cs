using System.Globalization;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Deployments;

/// <summary>
/// The surge/unavailability arithmetic of a Deployment rollout, as Kubernetes' <c>deployment_util.go</c> does it.
/// Percentages are of the desired replicas; surge rounds up and unavailability rounds down, so that a rollout
/// always has room to move.
/// </summary>
public static class RolloutMath
{
    public const string RollingUpdateStrategy = "RollingUpdate";
    public const string RecreateStrategy = "Recreate";

    /// <summary>What the API server defaults <c>maxSurge</c> and <c>maxUnavailable</c> to.</summary>
    public static readonly IntOrString DefaultMaxSurge = IntOrString.FromString("25%");
    public static readonly IntOrString DefaultMaxUnavailable = IntOrString.FromString("25%");

    /// <summary>
    /// Resolves both fenceposts in one step: surge rounds up, unavailability down, and if both come to zero
    /// unavailability becomes 1 (validation forbids two explicit zeros, rounding may still produce them; surge
    /// alone might never succeed, e.g. under a quota). <c>null</c> means the API default, 25%.
    /// </summary>
    /// <exception cref="ArgumentException">A string value that is not a percentage, or a negative value.</exception>
    public static (int Surge, int Unavailable) ResolveFenceposts(IntOrString? maxSurge, IntOrString? maxUnavailable, int desired)
    {
        var surge = ScaledValue(maxSurge ?? DefaultMaxSurge, desired, roundUp: true);
        var unavailable = ScaledValue(maxUnavailable ?? DefaultMaxUnavailable, desired, roundUp: false);
        if (surge == 0 && unavailable == 0) unavailable = 1;
        return (surge, unavailable);
    }

    /// <summary>Kubernetes' <c>intstr.GetScaledValueFromIntOrPercent</c>: an absolute count, or a percentage of <paramref name="total"/>.</summary>
    public static int ScaledValue(IntOrString value, int total, bool roundUp)
    {
        if (value.IsInt)
        {
            var count = value.IntValue ?? 0;
            return count >= 0 ? count : throw new ArgumentException($"invalid value {count}: must not be negative", nameof(value));
        }

        var text = value.StringValue!;
        if (!text.EndsWith('%')
            || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
            throw new ArgumentException($"invalid value for IntOrString: \"{text}\" is not a percentage", nameof(value));

        var scaled = (double)percent * total / 100;
        return (int)(roundUp ? Math.Ceiling(scaled) : Math.Floor(scaled));
    }

    /// <summary>Only the RollingUpdate strategy has fenceposts; an unset strategy is the API default, RollingUpdate.</summary>
    public static bool IsRollingUpdate(string? strategyType) => (strategyType ?? RollingUpdateStrategy) == RollingUpdateStrategy;

    /// <summary>How many pods above the desired count a rollout may run (0 for Recreate).</summary>
    public static int MaxSurge(string? strategyType, IntOrString? maxSurge, IntOrString? maxUnavailable, int desired) =>
        IsRollingUpdate(strategyType) ? ResolveFenceposts(maxSurge, maxUnavailable, desired).Surge : 0;

    /// <summary>How many of the desired pods may be unavailable during a rollout: never more than desired, 0 for Recreate or an empty deployment.</summary>
    public static int MaxUnavailable(string? strategyType, IntOrString? maxSurge, IntOrString? maxUnavailable, int desired)
    {
        if (!IsRollingUpdate(strategyType) || desired == 0) return 0;
        return Math.Min(ResolveFenceposts(maxSurge, maxUnavailable, desired).Unavailable, desired);
    }

    /// <summary>The fewest available pods a rolling update keeps (desired − MaxUnavailable); 0 for Recreate, which promises none.</summary>
    public static int MinAvailable(string? strategyType, IntOrString? maxSurge, IntOrString? maxUnavailable, int desired) =>
        IsRollingUpdate(strategyType) ? desired - MaxUnavailable(strategyType, maxSurge, maxUnavailable, desired) : 0;

    /// <summary>
    /// The most pods the deployment may have at once, desired + MaxSurge: Kubernetes' <c>maxTotalPods</c>, and the value of the
    /// <c>deployment.kubernetes.io/max-replicas</c> annotation.
    /// </summary>
    public static int MaxAvailable(string? strategyType, IntOrString? maxSurge, IntOrString? maxUnavailable, int desired) =>
        desired + MaxSurge(strategyType, maxSurge, maxUnavailable, desired);

    public static int MaxSurge(DeploymentSpec spec) => MaxSurge(Strategy(spec), Surge(spec), Unavailable(spec), Desired(spec));

    public static int MaxUnavailable(DeploymentSpec spec) => MaxUnavailable(Strategy(spec), Surge(spec), Unavailable(spec), Desired(spec));

    public static int MinAvailable(DeploymentSpec spec) => MinAvailable(Strategy(spec), Surge(spec), Unavailable(spec), Desired(spec));

    public static int MaxAvailable(DeploymentSpec spec) => MaxAvailable(Strategy(spec), Surge(spec), Unavailable(spec), Desired(spec));

    /// <summary>
    /// Kubernetes' <c>NewRSNewReplicas</c>: the size the new ReplicaSet may grow to now. A rolling update fills the room up to
    /// desired + surge across all ReplicaSets but never takes the new one past desired; Recreate goes straight to desired.
    /// </summary>
    public static int NewReplicaSetReplicas(string? strategyType, int desired, int maxSurge, int allReplicaSetsSpecReplicas, int newReplicaSetSpecReplicas)
    {
        if (!IsRollingUpdate(strategyType)) return desired;
        var maxTotal = desired + maxSurge;
        if (allReplicaSetsSpecReplicas >= maxTotal) return newReplicaSetSpecReplicas;
        var scaleUp = Math.Min(maxTotal - allReplicaSetsSpecReplicas, desired - newReplicaSetSpecReplicas);
        return newReplicaSetSpecReplicas + scaleUp;
    }

    /// <summary>Sum of <c>spec.replicas</c>.</summary>
    internal static int SpecReplicas(IEnumerable<ReplicaSetState> replicaSets) => replicaSets.Sum(rs => rs.SpecReplicas);

    /// <summary>Sum of <c>status.replicas</c>: the pods that actually exist.</summary>
    internal static int ActualReplicas(IEnumerable<ReplicaSetState> replicaSets) => replicaSets.Sum(rs => rs.StatusReplicas);

    internal static int AvailableReplicas(IEnumerable<ReplicaSetState> replicaSets) => replicaSets.Sum(rs => rs.AvailableReplicas);

    internal static int ReadyReplicas(IEnumerable<ReplicaSetState> replicaSets) => replicaSets.Sum(rs => rs.ReadyReplicas);

    /// <summary>
    /// Kubernetes' <c>getReplicaSetFraction</c>: how many replicas a ReplicaSet gains (or loses, negative) when the deployment
    /// is resized from what the ReplicaSet's <c>max-replicas</c> annotation recorded to <paramref name="desired"/> + surge.
    /// Without a usable annotation the deployment's <c>status.replicas</c> stands in; without either it does not move.
    /// </summary>
    internal static int ReplicaSetFraction(int replicaSetSpec, int? maxReplicasAnnotation, int desired, int maxSurge, int deploymentStatusReplicas)
    {
        if (desired == 0) return -replicaSetSpec;
        var annotated = maxReplicasAnnotation is > 0 ? maxReplicasAnnotation.Value : deploymentStatusReplicas;
        if (annotated <= 0) return 0;
        var newSize = (double)replicaSetSpec * (desired + maxSurge) / annotated;
        return (int)Math.Round(newSize, MidpointRounding.AwayFromZero) - replicaSetSpec;
    }

    /// <summary>
    /// Kubernetes' <c>GetProportion</c>: a ReplicaSet's share of <paramref name="toAdd"/>, bounded by what is still left to
    /// hand out after <paramref name="added"/>. Empty ReplicaSets never grow proportionally.
    /// </summary>
    internal static int Proportion(int replicaSetSpec, int? maxReplicasAnnotation, int desired, int maxSurge, int deploymentStatusReplicas, int toAdd, int added)
    {
        if (replicaSetSpec == 0 || toAdd == 0 || toAdd == added) return 0;
        var fraction = ReplicaSetFraction(replicaSetSpec, maxReplicasAnnotation, desired, maxSurge, deploymentStatusReplicas);
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    private static string? Strategy(DeploymentSpec spec) => spec.Strategy?.Type;

    private static IntOrString? Surge(DeploymentSpec spec) => spec.Strategy?.RollingUpdate?.MaxSurge;

    private static IntOrString? Unavailable(DeploymentSpec spec) => spec.Strategy?.RollingUpdate?.MaxUnavailable;

    private static int Desired(DeploymentSpec spec) => spec.Replicas ?? 1;
}
