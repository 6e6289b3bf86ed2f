using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Kinds;

/// <summary>
/// A kind's desired state: how to read it, so that the store bumps <c>metadata.generation</c> when (and only
/// when) it changes.
/// </summary>
/// <param name="TracksGeneration">False for the few kinds Kubernetes gives a spec but no generation (Namespace).</param>
public sealed record SpecPart<T>(Func<T, object?> Read, bool TracksGeneration = true) where T : KubeObject;
