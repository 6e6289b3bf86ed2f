using OrleansOrchestrator.Contracts.Nodes;

namespace OrleansOrchestrator.Silo.Nodes;

/// <summary>The durable part of a node grain: which pods may be bound to it, and how to reach its agent.</summary>
[GenerateSerializer, Alias("oo.NodeState")]
public sealed class NodeState
{
    [Id(0)] public HashSet<string> PodKeys { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public AgentEndpoint? Endpoint { get; set; }
}
