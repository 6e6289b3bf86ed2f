namespace OrleansOrchestrator.Silo.Api.Auth.Rbac;

/// <summary>
/// What one request asks, as Kubernetes' authorizer sees it: who (user and groups) does which verb, on a resource
/// (API group, resource, subresource, namespace — "" at cluster scope — and name, "" when none) or on a URL path
/// that is not a resource (<see cref="Path"/> set, the rest empty).
/// </summary>
public sealed record RequestAttributes(
    string User,
    IReadOnlyList<string> Groups,
    string Verb,
    string ApiGroup = "",
    string Resource = "",
    string Subresource = "",
    string Namespace = "",
    string Name = "",
    string? Path = null)
{
    public bool IsResourceRequest => Path is null;

    /// <summary><c>pods/exec</c>, or <c>pods</c> without a subresource: what a rule's resources are compared with.</summary>
    public string CombinedResource => Subresource.Length == 0 ? Resource : $"{Resource}/{Subresource}";
}
