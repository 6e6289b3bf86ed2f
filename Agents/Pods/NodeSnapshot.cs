using OrleansOrchestrator.Agents.Runtime;

namespace OrleansOrchestrator.Agents.Pods;

/// <summary>Everything the engine runs for a node, listed at one moment (Kubernetes' "relist"): what pod workers decide from.</summary>
public sealed record NodeSnapshot(DateTimeOffset TakenAt, IReadOnlyList<ContainerInfo> Containers, IReadOnlyList<SandboxStatus> Sandboxes);
