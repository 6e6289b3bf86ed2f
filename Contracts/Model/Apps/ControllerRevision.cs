using System.Text.Json.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>A saved version of a StatefulSet's or DaemonSet's pod template, numbered; what <c>kubectl rollout history</c> lists and <c>rollout undo</c> returns to. Written by the controllers and never changed.</summary>
/// <remarks><c>apps/v1</c> ControllerRevision.</remarks>
[GenerateSerializer, Immutable, Alias("oo.ControllerRevision")]
public sealed record ControllerRevision : KubeObject
{
    /// <summary>The saved state, as a patch that restores it: <c>{"spec":{"template":{"$patch":"replace", …}}}</c>. Fixed once created.</summary>
    [Id(0)] public ControllerRevisionData? Data { get; init; }
    /// <summary>The revision's number; higher is newer. Required.</summary>
    [Id(1)] public long Revision { get; init; }
}

/// <summary>The part of a workload a revision saves.</summary>
[GenerateSerializer, Immutable, Alias("oo.ControllerRevisionData")]
public sealed record ControllerRevisionData
{
    /// <summary>The saved part of the workload's spec.</summary>
    [Id(0)] public ControllerRevisionSpec? Spec { get; init; }
}

/// <summary>The saved part of a workload's spec: its pod template.</summary>
[GenerateSerializer, Immutable, Alias("oo.ControllerRevisionSpec")]
public sealed record ControllerRevisionSpec
{
    /// <summary>The pod template, replacing the workload's whole template when the revision is applied.</summary>
    [Id(0)] public RevisionPodTemplate? Template { get; init; }
}

/// <summary>A pod template saved in a revision, marked to replace (not merge into) the workload's template when applied as a strategic merge patch.</summary>
[GenerateSerializer, Immutable, Alias("oo.RevisionPodTemplate")]
public sealed record RevisionPodTemplate
{
    /// <summary>Always <c>replace</c>.</summary>
    [Id(0), JsonPropertyName("$patch")] public string? Patch { get; init; }
    /// <summary>Labels and annotations of the template.</summary>
    [Id(1)] public ObjectMeta? Metadata { get; init; }
    /// <summary>The pod spec of the template.</summary>
    [Id(2)] public PodSpec Spec { get; init; } = new();
}
