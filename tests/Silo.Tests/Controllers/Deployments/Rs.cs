using OrleansOrchestrator.Silo.Controllers.Deployments;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Deployments;

/// <summary>ReplicaSet states for planner tests, shaped like Kubernetes' <c>rs(name, replicas, selector, timestamp)</c> test helper: no pods unless given.</summary>
internal static class Rs
{
    public static readonly DateTimeOffset Older = new(2016, 5, 20, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Old = new(2016, 5, 20, 1, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset New = new(2016, 5, 20, 2, 0, 0, TimeSpan.Zero);

    public static ReplicaSetState Make(
        string name, int spec, int status = 0, int available = 0, DateTimeOffset? created = null, long revision = 0,
        int? desiredAnnotation = null, int? maxAnnotation = null) =>
        new(name, spec, status, available, revision, created ?? Old)
        {
            DesiredReplicasAnnotation = desiredAnnotation,
            MaxReplicasAnnotation = maxAnnotation,
        };
}
