namespace OrleansOrchestrator.Contracts.Store;

/// <summary>Which part of an object an update replaces.</summary>
public enum Subresource { Main, Status }

/// <summary>How a delete treats dependents (<c>metav1.DeletionPropagation</c>).</summary>
public enum PropagationPolicy { Background, Foreground, Orphan }

[GenerateSerializer, Immutable, Alias("oo.DeleteOptions")]
public sealed record DeleteOptions
{
    [Id(0)] public PropagationPolicy Propagation { get; init; } = PropagationPolicy.Background;
    /// <summary>Refuse unless the stored object has this uid (409).</summary>
    [Id(1)] public string? PreconditionUid { get; init; }
    /// <summary>Refuse unless the stored object has this resourceVersion (409).</summary>
    [Id(2)] public string? PreconditionResourceVersion { get; init; }
    [Id(3)] public long? GracePeriodSeconds { get; init; }

    public static readonly DeleteOptions Default = new();
}
