using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Tables;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Kinds;

/// <summary>
/// Everything the control plane does with one kind, answered in one place as Kubernetes'
/// <c>pkg/registry/*/strategy.go</c> does: the generic code (admission, store, tables, discovery, garbage
/// collection, the change router) asks the strategy and never switches on the kind. Declared per kind as a
/// <see cref="KindStrategy{T}"/>; listed in <see cref="KindRegistry"/>, which checks each one when built.
/// </summary>
public abstract class KindStrategy
{
    public abstract ResourceKind Kind { get; }

    public abstract NameRule NameRule { get; }

    /// <summary>The object with the fields Kubernetes' API server defaults filled in. Idempotent.</summary>
    public abstract KubeObject Default(KubeObject obj);

    /// <summary>Adds the kind's own problems (metadata is checked for every kind by the caller).</summary>
    public abstract void Validate(KubeObject obj, List<FieldCause> errors);

    /// <summary>A change of the main part Kubernetes forbids once the object exists (a pod's spec), or null.</summary>
    public abstract FieldCause? ForbiddenChange(KubeObject stored, KubeObject next);

    /// <summary>The columns of <c>kubectl get</c> (server-side printing).</summary>
    public abstract IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>The kind's own selectable fields (every kind also has <c>metadata.name</c> and <c>metadata.namespace</c>).</summary>
    public abstract IReadOnlyCollection<string> SelectableFields { get; }

    /// <summary>The value of one of <see cref="SelectableFields"/>, as Kubernetes compares it ("" when unset).</summary>
    public abstract string FieldValue(KubeObject obj, string field);

    /// <summary>Changes to the spec bump <c>metadata.generation</c>.</summary>
    public abstract bool HasGeneration { get; }

    /// <summary>The part of the object whose change bumps the generation (null for kinds without one).</summary>
    public abstract object? SpecOf(KubeObject obj);

    /// <summary>Has a <c>status</c> written only through the status subresource.</summary>
    public abstract bool HasStatus { get; }

    /// <summary><paramref name="target"/> with the status of <paramref name="source"/> (target itself for kinds without status).</summary>
    public abstract KubeObject WithStatusOf(KubeObject target, KubeObject source);

    /// <summary>
    /// A new object as the API creates it (Kubernetes' PrepareForCreate): the status a client sent replaced by the
    /// kind's initial one, and whatever else the kind derives from the object's name and uid (a Job's selector).
    /// </summary>
    public abstract KubeObject PrepareForCreate(KubeObject obj);

    /// <summary>Exposes the <c>scale</c> subresource.</summary>
    public abstract bool HasScale { get; }

    /// <summary>The Scale view: desired and current replicas, and the selector (only when <see cref="HasScale"/>).</summary>
    public abstract (int Replicas, int StatusReplicas, LabelSelector? Selector) ScaleOf(KubeObject obj);

    public abstract KubeObject WithReplicas(KubeObject obj, int replicas);

    /// <summary>Has a <c>log</c> subresource (pods).</summary>
    public abstract bool HasLogs { get; }

    /// <summary>The kinds whose objects this kind creates and owns (their garbage is collected when it goes).</summary>
    public abstract IReadOnlyList<ResourceKind> Owns { get; }

    /// <summary>
    /// The control loop (a reconciler grain interface keyed by the object's store key) that a change to an
    /// object of this kind, or to one it controls, wakes; null while the kind has none.
    /// </summary>
    public abstract Type? Controller { get; }

    /// <summary>Other loops a change wakes (the scheduler for a pod waiting for a node).</summary>
    public abstract IEnumerable<Wakeup> AlsoWakes(string tenant, KubeObject obj, WatchEventType type);

    /// <summary>Whether deleting the object first marks it and waits for a grace period (a pod on a node).</summary>
    public abstract bool NeedsGracefulTermination(KubeObject obj, long? gracePeriodSeconds);

    /// <summary>
    /// Objects written once by their recorder and read through their collection (Events): the object grain
    /// deactivates right after each write instead of staying active for the idle period.
    /// </summary>
    public abstract bool WrittenOnce { get; }

    /// <summary>
    /// The pod spec the object runs or makes pods from (a pod's own, a workload's template), null for kinds without
    /// one: what admission checks that applies to every pod a user causes reads it here (hostPath volumes).
    /// </summary>
    public abstract PodSpec? PodSpecOf(KubeObject obj);

    /// <summary>What is missing or contradictory in this declaration; the registry refuses to start with any.</summary>
    public abstract IEnumerable<string> Problems();
}
