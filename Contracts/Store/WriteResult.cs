using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Store;

/// <summary>The object as stored after a write, or why the write was refused (the store is then unchanged).</summary>
[GenerateSerializer, Immutable, Alias("oo.WriteResult")]
public sealed record WriteResult(
    [property: Id(0)] KubeObject? Object,
    [property: Id(1)] StoreError? Error)
{
    public static WriteResult Ok(KubeObject obj) => new(obj, null);
    public static WriteResult Fail(StoreError error) => new(null, error);

    public bool Succeeded => Error is null;
}
