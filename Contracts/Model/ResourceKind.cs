namespace OrleansOrchestrator.Contracts.Model;

/// <summary>
/// What the API and the store need to know about one kind of object: where it lives in the URL space,
/// how kubectl names it, and which write paths it has.
/// </summary>
/// <param name="HasStatus">Has a <c>status</c> stanza written only through the status subresource.</param>
/// <param name="HasSpec">Has a <c>spec</c>; changes to it (not to metadata or status) bump <c>metadata.generation</c>.</param>
/// <param name="HasScale">Exposes the <c>scale</c> subresource (<c>spec.replicas</c>).</param>
public sealed record ResourceKind(
    string Group,
    string Version,
    string Kind,
    string Plural,
    string Singular,
    bool Namespaced,
    Type ClrType,
    IReadOnlyList<string> ShortNames,
    bool HasStatus,
    bool HasSpec,
    bool HasScale)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The name Kubernetes uses in messages and RBAC: <c>deployments.apps</c>, <c>pods</c>.</summary>
    public string Resource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The path prefix of this kind's group-version: <c>/api/v1</c> or <c>/apis/apps/v1</c>.</summary>
    public string GroupVersionPath => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    public override string ToString() => Resource;
}
