namespace OrleansOrchestrator.Silo.Api.Streaming;

/// <summary>
/// A stream to a pod that could not be opened once the client's connection was upgraded (a forwarded port that
/// refuses, an agent gone): its message is what the client is shown on the stream's error channel.
/// </summary>
public sealed class PodStreamException(string message, Exception? inner = null) : Exception(message, inner);
