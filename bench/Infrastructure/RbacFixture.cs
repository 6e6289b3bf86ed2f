namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>
/// The RBAC setting of the security benchmarks (issue 15): a user whose only permission in a namespace is the last of
/// <c>bindings</c> RoleBindings there (to the <c>edit</c> ClusterRole), so that the authorizer looks at every binding
/// before it finds the one that allows the request.
/// </summary>
public static class RbacFixture
{
    /// <summary>The bound user's token line for <c>tokens.csv</c> (user <c>dev</c>, group <c>developers</c>, tenant <c>default</c>).</summary>
    public static string UserTokenLine(string token) => $"{token},dev,default,developers\n";

    /// <summary>The operator's token line (<c>system:masters</c>: RBAC's short-circuit, as Kubernetes' superuser).</summary>
    public static string AdminTokenLine(string token) => $"{token},root,default,system:masters\n";

    /// <summary>Takes away the tenant's first-start binding of its users to cluster-admin, then binds <c>dev</c> with the last of <paramref name="bindings"/>.</summary>
    public static async Task BindLastOf(BenchClient admin, string ns, int bindings)
    {
        await admin.Timed(HttpMethod.Delete, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/tenant-admins", expected: 200);
        for (var i = 0; i < bindings; i++)
            await admin.Timed(HttpMethod.Post, $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", $$"""
                {"metadata":{"name":"b{{i}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"},
                 "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"{{(i == bindings - 1 ? "dev" : $"someone-{i}")}}"}]}
                """, 201);
    }

    /// <summary>Fails the run unless <paramref name="user"/> is refused where no binding lets it (the setting measures what it says).</summary>
    public static async Task CheckNotAdmin(BenchClient user, BenchClient admin)
    {
        await admin.CreateNamespace("rbac-elsewhere");
        var code = await user.Send(HttpMethod.Get, "/api/v1/namespaces/rbac-elsewhere/configmaps");
        if (code != 403) throw new InvalidOperationException($"the bound user read another namespace's ConfigMaps ({code}): it is not limited by RBAC");
    }
}
