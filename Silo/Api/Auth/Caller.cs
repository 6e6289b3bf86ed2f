namespace OrleansOrchestrator.Silo.Api.Auth;

/// <summary>Who is asking: an authenticated user of one tenant, with the groups their token grants.</summary>
public sealed record Caller(string User, string Tenant, IReadOnlyList<string> Groups)
{
    /// <summary>Kubernetes' superuser group: may also manage cluster infrastructure shared by every tenant.</summary>
    public const string AdminGroup = "system:masters";

    public bool IsAdmin => Groups.Contains(AdminGroup);
}
