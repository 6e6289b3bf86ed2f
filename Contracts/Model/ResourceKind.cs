namespace OrleansOrchestrator.Contracts.Model;

/// <summary>
/// The identity of one kind of object: where it lives in the URL space, how kubectl names it, and its record.
/// Everything the control plane does with the kind (defaults, validation, spec/status, tables, owners) is
/// its strategy in the silo's kind registry (<c>Silo/Kinds</c>).
/// </summary>
/// <param name="Categories">The groups kubectl expands (<c>all</c>: the workloads <c>kubectl get all</c> shows).</param>
public sealed record ResourceKind(
    string Group,
    string Version,
    string Kind,
    string Plural,
    string Singular,
    bool Namespaced,
    Type ClrType,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The name Kubernetes uses in messages and RBAC: <c>deployments.apps</c>, <c>pods</c>.</summary>
    public string Resource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The path prefix of this kind's group-version: <c>/api/v1</c> or <c>/apis/apps/v1</c>.</summary>
    public string GroupVersionPath => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    public override string ToString() => Resource;
}
