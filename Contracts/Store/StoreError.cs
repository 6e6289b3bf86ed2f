namespace OrleansOrchestrator.Contracts.Store;

/// <summary>
/// Why a store operation was refused, in Kubernetes' terms: an HTTP code, a <c>metav1.StatusReason</c>
/// and the message kubectl prints. Returned rather than thrown: refusals are ordinary outcomes.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.StoreError")]
public sealed record StoreError(
    [property: Id(0)] int Code,
    [property: Id(1)] string Reason,
    [property: Id(2)] string Message,
    [property: Id(3)] IReadOnlyList<FieldCause>? Causes = null)
{
    public static StoreError NotFound(string resource, string name) =>
        new(404, "NotFound", $"{resource} \"{name}\" not found");

    public static StoreError AlreadyExists(string resource, string name) =>
        new(409, "AlreadyExists", $"{resource} \"{name}\" already exists");

    public static StoreError Conflict(string resource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {resource} \"{name}\": {why}");

    public static StoreError Invalid(Model.ResourceKind kind, string name, IReadOnlyList<FieldCause> causes) =>
        Invalid(kind.Kind, kind.Group, name, causes);

    /// <summary>Kubernetes' message of an invalid object: <c>Deployment.apps "web" is invalid: [a: …, b: …]</c>.</summary>
    public static StoreError Invalid(string kind, string group, string name, IReadOnlyList<FieldCause> causes) =>
        new(422, "Invalid",
            $"{kind}{(group.Length > 0 ? "." + group : "")} \"{name}\" is invalid: " +
            (causes.Count == 1 ? Describe(causes[0]) : "[" + string.Join(", ", causes.Select(Describe)) + "]"),
            causes);

    private static string Describe(FieldCause cause) => $"{cause.Field}: {cause.Message}";
}

/// <summary>One reason an object is invalid, with the field path Kubernetes would name.</summary>
[GenerateSerializer, Immutable, Alias("oo.FieldCause")]
public sealed record FieldCause(
    [property: Id(0)] string Field,
    [property: Id(1)] string Reason,
    [property: Id(2)] string Message);
