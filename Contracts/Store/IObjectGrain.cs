using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Store;

/// <summary>
/// One stored object (key: <see cref="StoreKeys.Object"/>). Holds it durably and is the only writer of
/// it: every write passes the admission chain as its <see cref="Actor"/>, then optimistic concurrency on
/// <c>resourceVersion</c>, <c>generation</c> on spec changes, status on its own path, finalizers. Every
/// acknowledged write is durable and reaches the collection's watchers.
/// </summary>
[Alias("oo.IObjectGrain")]
public interface IObjectGrain : IGrainWithStringKey
{
    /// <summary>The last committed state. Interleaves with anything (it reads memory only), so no call cycle can deadlock on it.</summary>
    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave]
    Task<KubeObject?> Get();

    /// <summary>Creates the object; 409 AlreadyExists when it exists.</summary>
    [Alias("Create")]
    Task<WriteResult> Create(KubeObject obj, Actor actor);

    /// <summary>
    /// Replaces the object's main part (metadata + spec/data; status kept) or only its status.
    /// A non-empty <c>metadata.resourceVersion</c> must equal the stored one (else 409 Conflict).
    /// </summary>
    [Alias("Update")]
    Task<WriteResult> Update(KubeObject obj, Subresource subresource, Actor actor);

    /// <summary>Deletes now, or marks for deletion while finalizers remain. Returns the last state.</summary>
    [Alias("Delete")]
    Task<WriteResult> Delete(DeleteOptions options, Actor actor);
}
