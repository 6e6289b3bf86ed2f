namespace OrleansOrchestrator.Silo.Api.Patching;

/// <summary>
/// A patch document that is malformed or cannot be applied to the target
/// (a missing path, a failed JSON-patch <c>test</c>, an unknown strategic-merge directive, …).
/// The API turns it into a <c>metav1.Status</c> failure (422 or 400).
/// </summary>
public sealed class PatchException(string message) : Exception(message);
