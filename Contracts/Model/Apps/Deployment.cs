namespace OrleansOrchestrator.Contracts.Model;

[GenerateSerializer, Immutable, Alias("oo.Deployment")]
public sealed record Deployment : KubeObject
{
    [Id(0)] public DeploymentSpec Spec { get; init; } = new();
    [Id(1)] public DeploymentStatus? Status { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.DeploymentSpec")]
public sealed record DeploymentSpec
{
    [Id(0)] public int? Replicas { get; init; }
    [Id(1)] public LabelSelector? Selector { get; init; }
    [Id(2)] public PodTemplateSpec Template { get; init; } = new();
    [Id(3)] public DeploymentStrategy? Strategy { get; init; }
    [Id(4)] public int? MinReadySeconds { get; init; }
    [Id(5)] public int? RevisionHistoryLimit { get; init; }
    [Id(6)] public bool? Paused { get; init; }
    [Id(7)] public int? ProgressDeadlineSeconds { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.DeploymentStrategy")]
public sealed record DeploymentStrategy
{
    [Id(0)] public string? Type { get; init; }
    [Id(1)] public RollingUpdateDeployment? RollingUpdate { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.RollingUpdateDeployment")]
public sealed record RollingUpdateDeployment
{
    [Id(0)] public IntOrString? MaxUnavailable { get; init; }
    [Id(1)] public IntOrString? MaxSurge { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.DeploymentStatus")]
public sealed record DeploymentStatus
{
    [Id(0)] public long? ObservedGeneration { get; init; }
    [Id(1)] public int? Replicas { get; init; }
    [Id(2)] public int? UpdatedReplicas { get; init; }
    [Id(3)] public int? ReadyReplicas { get; init; }
    [Id(4)] public int? AvailableReplicas { get; init; }
    [Id(5)] public int? UnavailableReplicas { get; init; }
    [Id(6)] public IReadOnlyList<Condition>? Conditions { get; init; }
    [Id(7)] public int? CollisionCount { get; init; }
}
