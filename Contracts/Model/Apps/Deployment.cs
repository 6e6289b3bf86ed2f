namespace OrleansOrchestrator.Contracts.Model;

/// <summary>Keeps a number of identical pods running and rolls out changes to their template gradually, through one ReplicaSet per version of the template.</summary>
[GenerateSerializer, Immutable, Alias("oo.Deployment")]
public sealed record Deployment : KubeObject
{
    /// <summary>The desired pods and how changes to them are rolled out.</summary>
    [Id(0)] public DeploymentSpec Spec { get; init; } = new();
    /// <summary>What was last observed of the rollout. Written by the system.</summary>
    [Id(1)] public DeploymentStatus? Status { get; init; }
}

/// <summary>The desired pods of a deployment and how to roll out changes.</summary>
[GenerateSerializer, Immutable, Alias("oo.DeploymentSpec")]
public sealed record DeploymentSpec
{
    /// <summary>How many pods to run. Default 1.</summary>
    [Id(0)] public int? Replicas { get; init; }
    /// <summary>Which pods belong to the deployment; must match the labels of the template. Fixed once created.</summary>
    [Id(1)] public LabelSelector? Selector { get; init; }
    /// <summary>The pod to run copies of. Changing it starts a rollout.</summary>
    [Id(2)] public PodTemplateSpec Template { get; init; } = new();
    /// <summary>How old pods are replaced by new ones.</summary>
    [Id(3)] public DeploymentStrategy? Strategy { get; init; }
    /// <summary>Seconds a new pod must be ready, without a container crashing, before it counts as available. Default 0.</summary>
    [Id(4)] public int? MinReadySeconds { get; init; }
    /// <summary>How many old ReplicaSets are kept to allow a rollback. Default 10.</summary>
    [Id(5)] public int? RevisionHistoryLimit { get; init; }
    /// <summary>While true, changes to the template start no rollout.</summary>
    [Id(6)] public bool? Paused { get; init; }
    /// <summary>Seconds a rollout may go without progress before it is reported as failed (reason <c>ProgressDeadlineExceeded</c>). Default 600.</summary>
    [Id(7)] public int? ProgressDeadlineSeconds { get; init; }
}

/// <summary>How a deployment replaces old pods.</summary>
[GenerateSerializer, Immutable, Alias("oo.DeploymentStrategy")]
public sealed record DeploymentStrategy
{
    /// <summary><c>RollingUpdate</c> (default: a few at a time) or <c>Recreate</c> (all old pods go before new ones start).</summary>
    [Id(0)] public string? Type { get; init; }
    /// <summary>Limits of a rolling update.</summary>
    [Id(1)] public RollingUpdateDeployment? RollingUpdate { get; init; }
}

/// <summary>How far a rolling update may step below and above the desired number of pods.</summary>
[GenerateSerializer, Immutable, Alias("oo.RollingUpdateDeployment")]
public sealed record RollingUpdateDeployment
{
    /// <summary>How many pods may be unavailable during the update: a number or a percentage of the desired pods (rounded down). Default 25%.</summary>
    [Id(0)] public IntOrString? MaxUnavailable { get; init; }
    /// <summary>How many pods may be created above the desired number: a number or a percentage (rounded up). Default 25%.</summary>
    [Id(1)] public IntOrString? MaxSurge { get; init; }
}

/// <summary>The observed state of a deployment's rollout.</summary>
[GenerateSerializer, Immutable, Alias("oo.DeploymentStatus")]
public sealed record DeploymentStatus
{
    /// <summary>The <c>metadata.generation</c> this status was computed from.</summary>
    [Id(0)] public long? ObservedGeneration { get; init; }
    /// <summary>Pods of the deployment, old and new.</summary>
    [Id(1)] public int? Replicas { get; init; }
    /// <summary>Pods made from the current template.</summary>
    [Id(2)] public int? UpdatedReplicas { get; init; }
    /// <summary>Pods that are ready.</summary>
    [Id(3)] public int? ReadyReplicas { get; init; }
    /// <summary>Pods ready for at least <c>minReadySeconds</c>.</summary>
    [Id(4)] public int? AvailableReplicas { get; init; }
    /// <summary>Pods still needed for the deployment to be fully available.</summary>
    [Id(5)] public int? UnavailableReplicas { get; init; }
    /// <summary>Observations such as <c>Available</c> and <c>Progressing</c>.</summary>
    [Id(6)] public IReadOnlyList<Condition>? Conditions { get; init; }
    /// <summary>Counts clashes of template hashes; mixed into the name of the next ReplicaSet to keep names unique.</summary>
    [Id(7)] public int? CollisionCount { get; init; }
}
