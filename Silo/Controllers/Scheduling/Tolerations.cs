using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>Taints against tolerations, as Kubernetes' <c>Toleration.ToleratesTaint</c> decides.</summary>
public static class Tolerations
{
    public const string NoSchedule = "NoSchedule";
    public const string PreferNoSchedule = "PreferNoSchedule";
    public const string NoExecute = "NoExecute";

    /// <summary>
    /// An empty effect matches every effect, an empty key (with <c>Exists</c>) every key; <c>Exists</c> ignores
    /// the value, <c>Equal</c> (or no operator) needs the same value; any other operator tolerates nothing.
    /// </summary>
    public static bool Tolerates(Toleration toleration, Taint taint)
    {
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != taint.Effect) return false;
        if (!string.IsNullOrEmpty(toleration.Key) && toleration.Key != taint.Key) return false;
        return toleration.Operator switch
        {
            null or "" or "Equal" => (toleration.Value ?? "") == (taint.Value ?? ""),
            "Exists" => true,
            _ => false,
        };
    }

    public static bool AnyTolerates(IReadOnlyList<Toleration>? tolerations, Taint taint) =>
        tolerations is not null && tolerations.Any(t => Tolerates(t, taint));

    /// <summary>The first taint, in the node's order, that keeps the pod off (NoSchedule or NoExecute) and that it does not tolerate.</summary>
    public static Taint? FirstUntolerated(IEnumerable<Taint> taints, IReadOnlyList<Toleration>? tolerations) =>
        taints.FirstOrDefault(taint => taint.Effect is NoSchedule or NoExecute && !AnyTolerates(tolerations, taint));

    /// <summary>
    /// How many PreferNoSchedule taints the pod does not tolerate, counting only its tolerations that could
    /// apply to such a taint (no effect, or PreferNoSchedule), as the TaintToleration score does.
    /// </summary>
    public static int CountIntolerablePreferNoSchedule(IEnumerable<Taint> taints, IReadOnlyList<Toleration>? tolerations)
    {
        var relevant = tolerations?.Where(t => string.IsNullOrEmpty(t.Effect) || t.Effect == PreferNoSchedule).ToList();
        return taints.Count(taint => taint.Effect == PreferNoSchedule && !AnyTolerates(relevant, taint));
    }
}
