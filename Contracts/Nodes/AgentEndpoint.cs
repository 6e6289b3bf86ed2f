namespace OrleansOrchestrator.Contracts.Nodes;

/// <summary>
/// Where the control plane reaches a node's agent over HTTP (container logs, as the API server reaches a
/// kubelet), and the secret the agent expects with each request.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.AgentEndpoint")]
public sealed record AgentEndpoint(
    [property: Id(0)] string BaseUrl,
    [property: Id(1)] string Token);
