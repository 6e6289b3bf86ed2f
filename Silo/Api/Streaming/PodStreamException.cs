namespace OrleansOrchestrator.Silo.Api.Streaming;

/// <summary>A pod stream could not be opened or went wrong; <see cref="Exception.Message"/> is for the user (kubectl prints it).</summary>
public sealed class PodStreamException(string message, Exception? inner = null) : Exception(message, inner);
