namespace OrleansOrchestrator.Agents.Pods;

/// <summary>A container cannot be configured yet (a ConfigMap or Secret it needs is missing): <c>CreateContainerConfigError</c>.</summary>
public sealed class ContainerConfigException(string message) : Exception(message);
