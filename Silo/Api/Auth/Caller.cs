namespace OrleansOrchestrator.Silo.Api.Auth;

/// <summary>Who is asking: an authenticated user of one tenant, with the groups their token grants.</summary>
public sealed record Caller(string User, string Tenant, IReadOnlyList<string> Groups)
{
    /// <summary>Kubernetes' superuser group: may also manage cluster infrastructure shared by every tenant.</summary>
    public const string AdminGroup = "system:masters";

    /// <summary>
    /// Members may read their tenant's objects but change nothing: Kubernetes' built-in <c>view</c> role,
    /// granted here by group membership.
    /// </summary>
    public const string ViewerGroup = "view";

    /// <summary>Who the caller's writes are made as, in the store's admission chain.</summary>
    public Contracts.Store.Actor Actor { get; } = new(User, Groups);

    public bool IsAdmin => Groups.Contains(AdminGroup);

    public bool IsViewer => !IsAdmin && Groups.Contains(ViewerGroup);
}
