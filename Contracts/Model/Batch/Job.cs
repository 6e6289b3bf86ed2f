namespace OrleansOrchestrator.Contracts.Model;

/// <summary><c>batch/v1</c> Job: runs pods until a number of them succeed.</summary>
[GenerateSerializer, Immutable, Alias("oo.Job")]
public sealed record Job : KubeObject
{
    [Id(0)] public JobSpec Spec { get; init; } = new();
    [Id(1)] public JobStatus? Status { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.JobSpec")]
public sealed record JobSpec
{
    [Id(0)] public int? Parallelism { get; init; }
    [Id(1)] public int? Completions { get; init; }
    [Id(2)] public long? ActiveDeadlineSeconds { get; init; }
    [Id(3)] public JobPodFailurePolicy? PodFailurePolicy { get; init; }
    [Id(4)] public int? BackoffLimit { get; init; }
    [Id(5)] public LabelSelector? Selector { get; init; }
    [Id(6)] public bool? ManualSelector { get; init; }
    [Id(7)] public PodTemplateSpec Template { get; init; } = new();
    [Id(8)] public int? TtlSecondsAfterFinished { get; init; }
    [Id(9)] public string? CompletionMode { get; init; }
    [Id(10)] public bool? Suspend { get; init; }
    [Id(11)] public string? PodReplacementPolicy { get; init; }
}

/// <summary>How pod failures count: rules matched in order on exit codes or pod conditions.</summary>
[GenerateSerializer, Immutable, Alias("oo.JobPodFailurePolicy")]
public sealed record JobPodFailurePolicy
{
    [Id(0)] public IReadOnlyList<JobPodFailurePolicyRule> Rules { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("oo.JobPodFailurePolicyRule")]
public sealed record JobPodFailurePolicyRule
{
    [Id(0)] public string Action { get; init; } = "";
    [Id(1)] public JobPodFailurePolicyOnExitCodes? OnExitCodes { get; init; }
    [Id(2)] public IReadOnlyList<JobPodFailurePolicyOnPodCondition>? OnPodConditions { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.JobPodFailurePolicyOnExitCodes")]
public sealed record JobPodFailurePolicyOnExitCodes
{
    [Id(0)] public string? ContainerName { get; init; }
    [Id(1)] public string Operator { get; init; } = "";
    [Id(2)] public IReadOnlyList<int> Values { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("oo.JobPodFailurePolicyOnPodCondition")]
public sealed record JobPodFailurePolicyOnPodCondition
{
    [Id(0)] public string Type { get; init; } = "";
    [Id(1)] public string? Status { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.JobStatus")]
public sealed record JobStatus
{
    [Id(0)] public IReadOnlyList<Condition>? Conditions { get; init; }
    [Id(1)] public DateTimeOffset? StartTime { get; init; }
    [Id(2)] public DateTimeOffset? CompletionTime { get; init; }
    [Id(3)] public int? Active { get; init; }
    [Id(4)] public int? Succeeded { get; init; }
    [Id(5)] public int? Failed { get; init; }
    [Id(6)] public int? Ready { get; init; }
    [Id(7)] public string? CompletedIndexes { get; init; }
}
