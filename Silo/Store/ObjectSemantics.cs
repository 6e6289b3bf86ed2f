using System.Text.Json;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Store;

/// <summary>
/// The store's rules for what a write does to an object, as Kubernetes' generic registry applies them:
/// which metadata the server owns, when <c>generation</c> moves, and which part of an object each write
/// path may change. Pure functions; the object grain applies them and persists the result. What differs by
/// kind (its spec, its status, its update rules) each kind's strategy in the <see cref="KindRegistry"/> says.
/// </summary>
public static class ObjectSemantics
{
    /// <summary>Sets the server-owned metadata of a new object.</summary>
    public static KubeObject PrepareCreate(KubeObject obj, ResourceKind kind, string name, string ns, DateTimeOffset now, string uid)
    {
        var strategy = KindRegistry.For(kind);
        return obj with
        {
            ApiVersion = kind.ApiVersion,
            Kind = kind.Kind,
            Metadata = obj.Metadata with
            {
                Name = name,
                Namespace = kind.Namespaced ? ns : null,
                Uid = uid,
                ResourceVersion = null,
                Generation = strategy.HasGeneration ? 1 : null,
                CreationTimestamp = TruncateToSeconds(now),
                DeletionTimestamp = null,
                DeletionGracePeriodSeconds = null,
            },
        };
    }

    /// <summary>
    /// The object after a replace of its main part (status kept) or of its status (everything else kept).
    /// Identity and server-owned metadata always come from the stored object.
    /// </summary>
    public static KubeObject PrepareUpdate(KubeObject stored, KubeObject incoming, ResourceKind kind, Subresource subresource)
    {
        if (subresource == Subresource.Status)
            return WithStatusOf(stored, incoming);

        var strategy = KindRegistry.For(kind);
        var next = strategy.HasStatus ? WithStatusOf(incoming, stored) : incoming;
        var specChanged = strategy.HasGeneration && !SameSpec(stored, next);
        return next with
        {
            ApiVersion = stored.ApiVersion,
            Kind = stored.Kind,
            Metadata = next.Metadata with
            {
                Name = stored.Metadata.Name,
                Namespace = stored.Metadata.Namespace,
                Uid = stored.Metadata.Uid,
                ResourceVersion = stored.Metadata.ResourceVersion,
                CreationTimestamp = stored.Metadata.CreationTimestamp,
                DeletionTimestamp = stored.Metadata.DeletionTimestamp,
                DeletionGracePeriodSeconds = stored.Metadata.DeletionGracePeriodSeconds,
                Generation = strategy.HasGeneration ? (stored.Metadata.Generation ?? 1) + (specChanged ? 1 : 0) : null,
            },
        };
    }

    /// <summary>Marks an object for deletion (kept while finalizers remain).</summary>
    public static KubeObject MarkDeleted(KubeObject stored, DateTimeOffset now, long? gracePeriodSeconds) =>
        stored.Metadata.DeletionTimestamp is not null
            // Marked already: a shorter grace period (an agent's final zero) still shortens it, as in Kubernetes, so that a
            // pod held by a finalizer goes as soon as the finalizer does.
            ? gracePeriodSeconds is { } shorter && shorter < (stored.Metadata.DeletionGracePeriodSeconds ?? 0)
                ? stored with { Metadata = stored.Metadata with { DeletionGracePeriodSeconds = shorter } }
                : stored
            : stored with
            {
                Metadata = stored.Metadata with
                {
                    DeletionTimestamp = TruncateToSeconds(now),
                    DeletionGracePeriodSeconds = gracePeriodSeconds ?? 0,
                },
            };

    public static bool HasFinalizers(KubeObject obj) => obj.Metadata.Finalizers is { Count: > 0 };

    /// <summary>
    /// Foreground and orphan deletion of an owner are carried out by the garbage collector while the owner
    /// waits, marked, behind a finalizer (as in Kubernetes); background deletion needs none.
    /// </summary>
    public static KubeObject WithPropagationFinalizer(KubeObject obj, PropagationPolicy propagation)
    {
        var finalizer = propagation switch
        {
            PropagationPolicy.Foreground => Controllers.ChangeRouter.ForegroundDeletion,
            PropagationPolicy.Orphan => Controllers.ChangeRouter.OrphanFinalizer,
            _ => null,
        };
        if (finalizer is null || KindRegistry.For(obj).Owns.Count == 0 || obj.Metadata.DeletionTimestamp is not null) return obj;
        if (obj.Metadata.Finalizers?.Contains(finalizer) == true) return obj;
        return obj with { Metadata = obj.Metadata with { Finalizers = [.. obj.Metadata.Finalizers ?? [], finalizer] } };
    }

    /// <summary>Whether deletion first marks the object and waits for a grace period (a pod on a node).</summary>
    public static bool NeedsGracefulTermination(KubeObject obj, long? gracePeriodSeconds) =>
        KindRegistry.For(obj).NeedsGracefulTermination(obj, gracePeriodSeconds);

    /// <summary>A change to the main part the kind forbids once the object exists (a pod's spec), or null.</summary>
    public static FieldCause? ForbiddenChange(KubeObject stored, KubeObject next) => KindRegistry.For(stored).ForbiddenChange(stored, next);

    /// <summary>True when a write would change nothing a client can see; such writes are not stored (the version stays).</summary>
    public static bool SameContent(KubeObject a, KubeObject b) =>
        JsonSerializer.SerializeToUtf8Bytes(a, a.GetType(), KubeJson.Options)
            .AsSpan()
            .SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, b.GetType(), KubeJson.Options));

    private static bool SameSpec(KubeObject a, KubeObject b) => SameJson(SpecOf(a), SpecOf(b));

    internal static bool SameJson(object? a, object? b) =>
        JsonSerializer.SerializeToUtf8Bytes(a, KubeJson.Options).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, KubeJson.Options));

    private static object? SpecOf(KubeObject obj) => KindRegistry.For(obj).SpecOf(obj);

    /// <summary><paramref name="target"/> with the status of <paramref name="source"/>.</summary>
    public static KubeObject WithStatusOf(KubeObject target, KubeObject source) =>
        target.GetType() == source.GetType()
            ? KindRegistry.For(target).WithStatusOf(target, source)
            : throw new ArgumentException($"cannot combine a {target.GetType().Name} with a {source.GetType().Name}");

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, time.Offset);
}
