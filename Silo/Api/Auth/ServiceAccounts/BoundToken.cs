namespace OrleansOrchestrator.Silo.Api.Auth.ServiceAccounts;

/// <summary>
/// What a service account token says, as Kubernetes' bound tokens do: whose it is (tenant, namespace, service account
/// and its uid), the pod it is bound to (deleting the pod revokes it), for whom it is meant (audiences) and when it is valid.
/// </summary>
public sealed record BoundToken(
    string Tenant,
    string Namespace,
    string ServiceAccount,
    string ServiceAccountUid,
    BoundPod? Pod,
    IReadOnlyList<string> Audiences,
    DateTimeOffset IssuedAt,
    DateTimeOffset Expires,
    string Id)
{
    public const string UserPrefix = "system:serviceaccount:";
    public const string AllServiceAccountsGroup = "system:serviceaccounts";

    /// <summary>The user name the API knows the account by (<c>system:serviceaccount:NS:NAME</c>).</summary>
    public string Subject => UserName(Namespace, ServiceAccount);

    public static string UserName(string ns, string name) => $"{UserPrefix}{ns}:{name}";

    /// <summary>The caller the token authenticates as: Kubernetes' groups of a service account, in its tenant.</summary>
    public Caller Caller => new(Subject, Tenant, [AllServiceAccountsGroup, $"{AllServiceAccountsGroup}:{Namespace}", Rbac.RbacEvaluator.AuthenticatedGroup]);
}

/// <summary>The pod a token is bound to.</summary>
public sealed record BoundPod(string Name, string Uid);
