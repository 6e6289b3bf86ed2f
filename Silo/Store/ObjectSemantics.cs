using System.Text.Json;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Store;

/// <summary>
/// The store's rules for what a write does to an object, as Kubernetes' generic registry applies them:
/// which metadata the server owns, when <c>generation</c> moves, and which part of an object each write
/// path may change. Pure functions; the object grain applies them and persists the result.
/// </summary>
public static class ObjectSemantics
{
    /// <summary>Sets the server-owned metadata of a new object.</summary>
    public static KubeObject PrepareCreate(KubeObject obj, ResourceKind kind, string name, string ns, DateTimeOffset now, string uid) =>
        obj with
        {
            ApiVersion = kind.ApiVersion,
            Kind = kind.Kind,
            Metadata = obj.Metadata with
            {
                Name = name,
                Namespace = kind.Namespaced ? ns : null,
                Uid = uid,
                ResourceVersion = null,
                Generation = kind.HasSpec ? 1 : null,
                CreationTimestamp = TruncateToSeconds(now),
                DeletionTimestamp = null,
                DeletionGracePeriodSeconds = null,
            },
        };

    /// <summary>
    /// The object after a replace of its main part (status kept) or of its status (everything else kept).
    /// Identity and server-owned metadata always come from the stored object.
    /// </summary>
    public static KubeObject PrepareUpdate(KubeObject stored, KubeObject incoming, ResourceKind kind, Subresource subresource)
    {
        if (subresource == Subresource.Status)
            return WithStatusOf(stored, incoming);

        var next = kind.HasStatus ? WithStatusOf(incoming, stored) : incoming;
        var specChanged = kind.HasSpec && !SameSpec(stored, next);
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
                Generation = kind.HasSpec ? (stored.Metadata.Generation ?? 1) + (specChanged ? 1 : 0) : null,
            },
        };
    }

    /// <summary>Marks an object for deletion (kept while finalizers remain).</summary>
    public static KubeObject MarkDeleted(KubeObject stored, DateTimeOffset now, long? gracePeriodSeconds) =>
        stored.Metadata.DeletionTimestamp is not null
            ? stored
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
        if (finalizer is null || obj is not (Deployment or ReplicaSet or StatefulSet) || obj.Metadata.DeletionTimestamp is not null) return obj;
        if (obj.Metadata.Finalizers?.Contains(finalizer) == true) return obj;
        return obj with { Metadata = obj.Metadata with { Finalizers = [.. obj.Metadata.Finalizers ?? [], finalizer] } };
    }

    /// <summary>
    /// A pod running on a node is deleted in two steps, as in Kubernetes: marked (its agent then stops the
    /// containers within the grace period) and removed by the agent with a zero grace period.
    /// </summary>
    public static bool NeedsGracefulTermination(KubeObject obj, long? gracePeriodSeconds) =>
        obj is Pod { Spec.NodeName.Length: > 0 } pod
        && (gracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30) > 0
        && pod.Status?.Phase is not ("Succeeded" or "Failed");

    /// <summary>
    /// Kubernetes lets a pod's spec change only in a few fields once created: images, the active deadline,
    /// added tolerations — and its node, once (the binding). Anything else is refused.
    /// </summary>
    public static FieldCause? ForbiddenChange(KubeObject stored, KubeObject next)
    {
        if (stored is not Pod before || next is not Pod after) return null;
        if (before.Spec.NodeName is { Length: > 0 } node && after.Spec.NodeName != node)
            return new FieldCause("spec.nodeName", "FieldValueForbidden", "Forbidden: a pod's node cannot change once it is bound");
        if (RemovedOrModifiedToleration(before.Spec.Tolerations, after.Spec.Tolerations))
            return new FieldCause("spec.tolerations", "FieldValueForbidden", "Forbidden: existing toleration can not be modified except its tolerationSeconds");

        static PodSpec Comparable(PodSpec spec, PodSpec reference) => spec with
        {
            Containers = spec.Containers.Select(c => c with { Image = null }).ToList(),
            InitContainers = spec.InitContainers?.Select(c => c with { Image = null }).ToList(),
            ActiveDeadlineSeconds = null,
            Tolerations = null,
            NodeName = reference.NodeName,
        };
        return SameJson(Comparable(before.Spec, after.Spec), Comparable(after.Spec, after.Spec))
            ? null
            : new FieldCause("spec", "FieldValueForbidden",
                "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations)");
    }

    /// <summary>
    /// Whether an update drops or alters a toleration the pod already had. As in Kubernetes'
    /// validateOnlyAddedTolerations, every existing toleration must still be present; only its
    /// <c>tolerationSeconds</c> may change.
    /// </summary>
    private static bool RemovedOrModifiedToleration(IReadOnlyList<Toleration>? before, IReadOnlyList<Toleration>? after) =>
        (before ?? []).Any(old => !(after ?? []).Any(next => old with { TolerationSeconds = next.TolerationSeconds } == next));

    /// <summary>True when a write would change nothing a client can see; such writes are not stored (the version stays).</summary>
    public static bool SameContent(KubeObject a, KubeObject b) =>
        JsonSerializer.SerializeToUtf8Bytes(a, a.GetType(), KubeJson.Options)
            .AsSpan()
            .SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, b.GetType(), KubeJson.Options));

    private static bool SameSpec(KubeObject a, KubeObject b) => SameJson(SpecOf(a), SpecOf(b));

    private static bool SameJson(object? a, object? b) =>
        JsonSerializer.SerializeToUtf8Bytes(a, KubeJson.Options).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, KubeJson.Options));

    private static object? SpecOf(KubeObject obj) => obj switch
    {
        Pod o => o.Spec,
        Node o => o.Spec,
        Service o => o.Spec,
        PersistentVolumeClaim o => o.Spec,
        ReplicaSet o => o.Spec,
        Deployment o => o.Spec,
        StatefulSet o => o.Spec,
        Namespace o => o.Spec,
        _ => null,
    };

    /// <summary><paramref name="target"/> with the status of <paramref name="source"/>.</summary>
    public static KubeObject WithStatusOf(KubeObject target, KubeObject source) => (target, source) switch
    {
        (Pod t, Pod s) => t with { Status = s.Status },
        (Node t, Node s) => t with { Status = s.Status },
        (Namespace t, Namespace s) => t with { Status = s.Status },
        (Service t, Service s) => t with { Status = s.Status },
        (PersistentVolumeClaim t, PersistentVolumeClaim s) => t with { Status = s.Status },
        (ReplicaSet t, ReplicaSet s) => t with { Status = s.Status },
        (Deployment t, Deployment s) => t with { Status = s.Status },
        (StatefulSet t, StatefulSet s) => t with { Status = s.Status },
        _ when target.GetType() == source.GetType() => target,
        _ => throw new ArgumentException($"cannot combine a {target.GetType().Name} with a {source.GetType().Name}"),
    };

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, time.Offset);
}
