using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Kinds;

/// <summary>The <c>autoscaling/v1</c> Scale view of a workload (the <c>scale</c> subresource).</summary>
public sealed record ScalePart<T>(
    Func<T, int> Replicas,
    Func<T, int> StatusReplicas,
    Func<T, LabelSelector?> Selector,
    Func<T, int, T> WithReplicas) where T : KubeObject;
