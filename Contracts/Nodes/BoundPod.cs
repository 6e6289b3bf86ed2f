using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Nodes;

/// <summary>A pod bound to a node, with its store key (which carries the tenant the pod's ConfigMaps and Secrets are in).</summary>
[GenerateSerializer, Immutable, Alias("oo.BoundPod")]
public sealed record BoundPod(
    [property: Id(0)] string Key,
    [property: Id(1)] Pod Pod);
