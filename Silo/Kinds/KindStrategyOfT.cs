using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Tables;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Kinds;

/// <summary>
/// The declaration of one kind's strategy. Every part is <c>required</c>, so a kind cannot leave one out by
/// accident: a part the kind does not have is declared as such (<c>Scale = null</c>, <c>Owns = []</c>), and
/// <see cref="Problems"/> refuses a declaration that contradicts the record (a record with a <c>Spec</c> but no
/// <see cref="Spec"/> part would never move its generation).
/// </summary>
public sealed class KindStrategy<T> : KindStrategy where T : KubeObject
{
    public required ResourceKind Identity { get; init; }

    public NameRule Names { get; init; } = NameRule.Subdomain;

    public required Func<T, T> Defaults { get; init; }

    public required Action<T, List<FieldCause>> Validation { get; init; }

    /// <summary>Optional: most kinds allow any change that validates.</summary>
    public Func<T, T, FieldCause?>? UpdateRule { get; init; }

    public required IReadOnlyList<TableColumn> Table { get; init; }

    public required IReadOnlyDictionary<string, Func<T, string>> Fields { get; init; }

    public required SpecPart<T>? Spec { get; init; }

    public required StatusPart<T>? Status { get; init; }

    /// <summary>Optional: what else a new object gets from the API besides its initial status (a Job's selector).</summary>
    public Func<T, T>? OnCreate { get; init; }

    public required ScalePart<T>? Scale { get; init; }

    public bool Logs { get; init; }

    /// <summary>Optional: see <see cref="KindStrategy.WrittenOnce"/>.</summary>
    public bool WriteOnce { get; init; }

    public required IReadOnlyList<ResourceKind> Owned { get; init; }

    public required Type? ControlLoop { get; init; }

    /// <summary>Optional: loops other than <see cref="ControlLoop"/> that a change wakes (the scheduler and the endpoints controller for a pod).</summary>
    public Func<string, T, WatchEventType, IEnumerable<Wakeup>>? Wakes { get; init; }

    /// <summary>Optional: the pod spec the object runs or makes its pods from (see <see cref="KindStrategy.PodSpecOf"/>).</summary>
    public Func<T, PodSpec?>? PodTemplate { get; init; }

    /// <summary>Optional: deletion is immediate unless this says otherwise.</summary>
    public Func<T, long?, bool>? GracefulDeletion { get; init; }

    private IReadOnlyCollection<string>? _fieldNames;

    public override ResourceKind Kind => Identity;

    public override NameRule NameRule => Names;

    public override KubeObject Default(KubeObject obj) => Defaults(Cast(obj));

    public override void Validate(KubeObject obj, List<FieldCause> errors) => Validation(Cast(obj), errors);

    public override FieldCause? ForbiddenChange(KubeObject stored, KubeObject next) =>
        UpdateRule is null ? null : UpdateRule(Cast(stored), Cast(next));

    public override IReadOnlyList<TableColumn> Columns => Table;

    public override IReadOnlyCollection<string> SelectableFields => _fieldNames ??= [.. Fields.Keys];

    public override string FieldValue(KubeObject obj, string field) =>
        Fields.TryGetValue(field, out var read) ? read(Cast(obj)) : "";

    public override bool HasGeneration => Spec is { TracksGeneration: true };

    public override object? SpecOf(KubeObject obj) => Spec is null ? null : Spec.Read(Cast(obj));

    public override bool HasStatus => Status is not null;

    public override KubeObject WithStatusOf(KubeObject target, KubeObject source) =>
        Status is null ? Cast(target) : Status.WithStatusOf(Cast(target), Cast(source));

    public override KubeObject PrepareForCreate(KubeObject obj)
    {
        var typed = Status is null ? Cast(obj) : Status.OnCreate(Cast(obj));
        return OnCreate is null ? typed : OnCreate(typed);
    }

    public override bool HasScale => Scale is not null;

    public override (int Replicas, int StatusReplicas, LabelSelector? Selector) ScaleOf(KubeObject obj)
    {
        var scale = Scale ?? throw new InvalidOperationException($"{Identity} has no scale subresource");
        var typed = Cast(obj);
        return (scale.Replicas(typed), scale.StatusReplicas(typed), scale.Selector(typed));
    }

    public override KubeObject WithReplicas(KubeObject obj, int replicas) =>
        (Scale ?? throw new InvalidOperationException($"{Identity} has no scale subresource")).WithReplicas(Cast(obj), replicas);

    public override bool HasLogs => Logs;

    public override bool WrittenOnce => WriteOnce;

    public override IReadOnlyList<ResourceKind> Owns => Owned;

    public override Type? Controller => ControlLoop;

    public override IEnumerable<Wakeup> AlsoWakes(string tenant, KubeObject obj, WatchEventType type) =>
        Wakes?.Invoke(tenant, Cast(obj), type) ?? [];

    public override bool NeedsGracefulTermination(KubeObject obj, long? gracePeriodSeconds) =>
        GracefulDeletion is not null && GracefulDeletion(Cast(obj), gracePeriodSeconds);

    public override PodSpec? PodSpecOf(KubeObject obj) => PodTemplate?.Invoke(Cast(obj));

    public override IEnumerable<string> Problems()
    {
        if (Identity.ClrType != typeof(T))
            yield return $"{Identity}: declared for {typeof(T).Name} but its record is {Identity.ClrType.Name}";
        if (typeof(T).GetProperty("Spec") is not null && Spec is null)
            yield return $"{Identity}: its record has a spec but the strategy declares no Spec part (generation would never move)";
        if (typeof(T).GetProperty("Spec") is null && Spec is not null)
            yield return $"{Identity}: the strategy declares a Spec part but its record has no spec";
        if (typeof(T).GetProperty("Status") is not null && Status is null)
            yield return $"{Identity}: its record has a status but the strategy declares no Status part (status writes would be dropped)";
        if (typeof(T).GetProperty("Status") is null && Status is not null)
            yield return $"{Identity}: the strategy declares a Status part but its record has no status";
        if (Scale is not null && !HasGeneration)
            yield return $"{Identity}: a scale subresource needs a spec with a generation";
        if (Table.Count == 0)
            yield return $"{Identity}: no table columns";
        foreach (var duplicate in Table.GroupBy(c => c.Name).Where(g => g.Count() > 1))
            yield return $"{Identity}: table column {duplicate.Key} twice";
        foreach (var field in Fields.Keys.Where(f => f.StartsWith("metadata.", StringComparison.Ordinal)))
            yield return $"{Identity}: selectable field {field} is common to every kind; declare only the kind's own";
        if (ControlLoop is not null && (!ControlLoop.IsInterface || !typeof(IReconciler).IsAssignableFrom(ControlLoop)))
            yield return $"{Identity}: its control loop {ControlLoop.Name} is not a reconciler interface";
        if (Owned.Contains(Identity))
            yield return $"{Identity}: owns itself";
    }

    private T Cast(KubeObject obj) =>
        obj as T ?? throw new ArgumentException($"a {obj.GetType().Name} given to the strategy of {Identity}", nameof(obj));
}
