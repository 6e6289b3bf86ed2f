namespace OrleansOrchestrator.Agents.Volumes;

/// <summary>
/// A pod's volume cannot be mounted yet (its claim is missing or not bound, its volume is not for this node …):
/// the kubelet's <c>FailedMount</c>, with its message. The pod's containers wait in <c>ContainerCreating</c> and the
/// agent tries again at its next pass, as the kubelet's volume manager does.
/// </summary>
public sealed class VolumeMountException(string message) : Exception(message);
