using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Api;

/// <summary>
/// RBAC as kubectl 1.32 sees it: the operator grants a tenant's users Kubernetes' default roles (and a role of its own)
/// in one namespace, and <c>kubectl auth can-i</c> answers what Kubernetes documents for those roles.
/// </summary>
public sealed class RbacTests(RbacTests.Tenant tenant) : IClassFixture<RbacTests.Tenant>
{
    private const string Operator = "operator-token-0123456789abcdef";
    private const string Anna = "anna-token-0123456789abcdef";
    private const string Eddie = "eddie-token-0123456789abcdef";
    private const string Val = "val-token-0123456789abcdef";
    private const string Rita = "rita-token-0123456789abcdef";
    private const string Paul = "paul-token-0123456789abcdef";
    private const string Nina = "nina-token-0123456789abcdef";
    private const string Sam = "sam-token-0123456789abcdef";
    private const string Will = "will-token-0123456789abcdef";

    private Kubectl As(string token) => tenant.As(token);

    /// <summary>One silo for the class; each test changes only what no other test asks about.</summary>
    public sealed class Tenant : IAsyncLifetime
    {
        private readonly SiloProcess _silo = new();

        public Kubectl As(string token) => new("1.32", _silo.KubeconfigPath, token);

        private readonly List<string> _kubeconfigCopies = [];

        /// <summary>kubectl with a kubeconfig of its own (a copy, removed with the fixture), for a test that changes its context.</summary>
        public Kubectl WithOwnKubeconfig(string token)
        {
            var folder = Directory.CreateTempSubdirectory("oo-kubeconfig-").FullName;
            _kubeconfigCopies.Add(folder);
            var copy = Path.Combine(folder, "kubeconfig");
            File.Copy(_silo.KubeconfigPath, copy);
            return new Kubectl("1.32", copy, token);
        }

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(_silo.DataDir);
            await File.WriteAllTextAsync(_silo.TokenFilePath, $"""
                {Operator},root,default,system:masters
                {Anna},anna,default,
                {Eddie},eddie,default,developers
                {Val},val,default,
                {Rita},rita,default,
                {Paul},paul,default,
                {Nina},nina,default,
                {Sam},sam,default,
                {Will},will,default,
                """);
            await _silo.Start();

            // The tenant's first start bound every token user to cluster-admin (tenant-admins), as before RBAC; the operator
            // narrows it to paul and grants the others roles in "dev" only.
            var root = As(Operator);
            Assert.Contains("anna", await root.Ok("get clusterrolebinding tenant-admins -o wide"));
            await root.Ok("delete clusterrolebinding tenant-admins");
            await root.Ok("create clusterrolebinding tenant-admins --clusterrole=cluster-admin --user=paul");
            await root.Ok("create namespace dev");
            await root.Ok("create rolebinding anna-admin --clusterrole=admin --user=anna -n dev");
            await root.Ok("create rolebinding eddie-edit --clusterrole=edit --user=eddie -n dev");
            await root.Ok("create rolebinding val-view --clusterrole=view --user=val -n dev");
            await root.Ok("create role web-config-reader --verb=get --verb=update --resource=configmaps --resource-name=web-config -n dev");
            await root.Ok("create rolebinding rita-web-config --role=web-config-reader --user=rita -n dev");
        }

        public async Task DisposeAsync()
        {
            await _silo.DisposeAsync();
            foreach (var folder in _kubeconfigCopies) Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<string> CanI(string token, string question)
    {
        var result = await As(token).Run($"auth can-i {question}");
        var answer = result.Stdout.Trim();
        Assert.True(answer == "yes" && result.ExitCode == 0 || answer == "no" && result.ExitCode == 1, $"can-i {question}: {result.All}");
        return answer;
    }

    /// <summary>The roles' documented powers in their namespace (admin ⊇ edit ⊇ view; view reads no secrets), none outside it.</summary>
    [Theory]
    //          question                                          admin  edit   view   rita
    [InlineData("get pods -n dev", "yes", "yes", "yes", "no")]
    [InlineData("create deployments.apps -n dev", "yes", "yes", "no", "no")]
    [InlineData("delete pods -n dev", "yes", "yes", "no", "no")]
    [InlineData("create pods --subresource=exec -n dev", "yes", "yes", "no", "no")]
    [InlineData("get pods --subresource=log -n dev", "yes", "yes", "yes", "no")]
    [InlineData("get secrets -n dev", "yes", "yes", "no", "no")]
    [InlineData("update deployments.apps --subresource=scale -n dev", "yes", "yes", "no", "no")]
    [InlineData("create rolebindings -n dev", "yes", "no", "no", "no")]
    [InlineData("create roles -n dev", "yes", "no", "no", "no")]
    [InlineData("get configmaps/web-config -n dev", "yes", "yes", "yes", "yes")]
    [InlineData("update configmaps/web-config -n dev", "yes", "yes", "no", "yes")]
    [InlineData("get configmaps/other -n dev", "yes", "yes", "yes", "no")]
    [InlineData("list configmaps -n dev", "yes", "yes", "yes", "no")]
    [InlineData("get pods -n default", "no", "no", "no", "no")]
    [InlineData("list pods --all-namespaces", "no", "no", "no", "no")]
    [InlineData("delete namespaces", "no", "no", "no", "no")]
    [InlineData("list nodes", "no", "no", "no", "no")]
    public async Task CanI_MatchesWhatKubernetesDocumentsForTheRoles(string question, string admin, string edit, string view, string rita)
    {
        Assert.Equal((admin, edit, view, rita), (await CanI(Anna, question), await CanI(Eddie, question), await CanI(Val, question), await CanI(Rita, question)));
    }

    /// <summary>
    /// <c>kubectl scale</c> reads the deployment and PATCHes its scale: a role granting get and patch (not update) is
    /// enough, as in Kubernetes.
    /// </summary>
    [Fact]
    public async Task Scale_UnderARoleGrantingPatchOnTheScaleSubresource_Works()
    {
        var root = As(Operator);
        await root.Ok("create deployment scaled --image=nginx:1.27 --replicas=1 -n dev");
        await root.Ok("create role scaler --verb=get --verb=patch --resource=deployments.apps --resource=deployments.apps/scale -n dev");
        await root.Ok("create rolebinding sam-scaler --role=scaler --user=sam -n dev");

        Assert.Contains("deployment.apps/scaled scaled", await As(Sam).Ok("scale deployment scaled --replicas=3 -n dev"));

        Assert.Equal("3", await root.Ok("get deployment scaled -n dev -o jsonpath={.spec.replicas}"));
        var update = await As(Sam).Run("auth can-i update deployments.apps --subresource=scale -n dev");
        Assert.Equal("no", update.Stdout.Trim());
    }

    /// <summary>
    /// <c>kubectl wait</c> lists and watches with <c>fieldSelector=metadata.name=…</c>: a role limited to that one name by
    /// <c>resourceNames</c> allows it, as Kubernetes' request info makes such a list a request about the name; a plain
    /// list stays refused.
    /// </summary>
    [Fact]
    public async Task Wait_UnderARoleLimitedToTheObjectsName_Works_ButAPlainListIsRefused()
    {
        var root = As(Operator);
        await root.Ok("create configmap wait-config --from-literal=a=b -n dev");
        await root.Ok("create role wait-config-watcher --verb=get --verb=list --verb=watch --resource=configmaps --resource-name=wait-config -n dev");
        await root.Ok("create rolebinding will-wait-config --role=wait-config-watcher --user=will -n dev");

        Assert.Contains("configmap/wait-config condition met", await As(Will).Ok("wait --for=jsonpath={.data.a}=b configmap/wait-config -n dev --timeout=30s"));

        var list = await As(Will).Run("get configmaps -n dev");
        Assert.NotEqual(0, list.ExitCode);
        Assert.Contains("User \"will\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"dev\"", list.Stderr);
    }

    /// <summary>What a user bound to edit in one namespace runs every day there works: pick it as the context's namespace, apply, get, describe.</summary>
    [Fact]
    public async Task NamespaceEditor_DailyCommandsInTheirNamespace_Work()
    {
        var eddie = tenant.WithOwnKubeconfig(Eddie);
        await eddie.Ok("config set-context --current --namespace=dev");
        const string manifest = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: eddie-settings
            data:
              colour: blue
            """;

        Assert.Contains("configmap/eddie-settings created", await eddie.Ok("apply -f -", manifest));
        Assert.Contains("configmap/eddie-settings configured", await eddie.Ok("apply -f -", manifest.Replace("blue", "green")));
        Assert.Equal("green", await eddie.Ok("get configmap eddie-settings -o jsonpath={.data.colour}"));
        Assert.Contains("eddie-settings", await eddie.Ok("get configmaps"));
        await eddie.Ok("get pods");
        Assert.Contains("colour", await eddie.Ok("describe configmap eddie-settings"));
        var elsewhere = await eddie.Run("get configmaps -n default");
        Assert.Contains("User \"eddie\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"default\"", elsewhere.Stderr);
    }

    /// <summary>A user bound only in a namespace reads that Namespace object (view, inside edit, reads namespaces), as in Kubernetes; not the list of them.</summary>
    [Fact]
    public async Task NamespaceEditor_GetsTheirNamespace_ButCannotListNamespaces()
    {
        Assert.Equal("dev", await As(Eddie).Ok("get namespace dev -o jsonpath={.metadata.name}"));

        var list = await As(Eddie).Run("get namespaces");
        Assert.NotEqual(0, list.ExitCode);
        Assert.Contains("User \"eddie\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope", list.Stderr);
    }

    [Fact]
    public async Task TenantAdminsAndTheOperator_KeepEverything_NodesStayTheOperators()
    {
        Assert.Equal("yes", await CanI(Paul, "delete namespaces"));
        Assert.Equal("yes", await CanI(Paul, "create clusterroles"));
        Assert.Equal("no", await CanI(Paul, "list nodes"));
        Assert.Equal("yes", await CanI(Operator, "list nodes"));
    }

    [Fact]
    public async Task Editor_CannotBindAdmin_NotEvenWhenAllowedToWriteBindings()
    {
        // edit has no power over bindings at all: Kubernetes' plain 403.
        var refused = await As(Eddie).Run("create rolebinding nina-admin --clusterrole=admin --user=nina -n dev");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("rolebindings.rbac.authorization.k8s.io is forbidden: User \"eddie\" cannot create resource \"rolebindings\" in API group \"rbac.authorization.k8s.io\" in the namespace \"dev\"", refused.Stderr);

        // An admin grants nina edit, the operator lets her write bindings: she may grant what she holds, never admin.
        await As(Anna).Ok("create rolebinding nina-edit --clusterrole=edit --user=nina -n dev");
        await As(Operator).Ok("create role binding-writer --verb=create --verb=get --verb=patch --resource=rolebindings -n dev");
        await As(Operator).Ok("create rolebinding nina-binding-writer --role=binding-writer --user=nina -n dev");
        Assert.Equal("yes", await CanI(Nina, "create deployments.apps -n dev"));

        var escalation = await As(Nina).Run("create rolebinding paul-admin --clusterrole=admin --user=paul -n dev");
        Assert.NotEqual(0, escalation.ExitCode);
        Assert.Contains("rolebindings.rbac.authorization.k8s.io \"paul-admin\" is forbidden: user \"nina\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[\"authorization.k8s.io\"], Resources:[\"localsubjectaccessreviews\"], Verbs:[\"create\"]}", escalation.Stderr);
        Assert.DoesNotContain("paul-admin", await As(Operator).Ok("get rolebindings -n dev"));

        await As(Nina).Ok("create rolebinding paul-edit --clusterrole=edit --user=paul -n dev");
        Assert.Contains("ClusterRole/edit", await As(Nina).Ok("get rolebinding paul-edit -n dev"));
        // The role of a binding never changes, as in Kubernetes.
        var changed = await As(Nina).Run("patch rolebinding paul-edit -n dev --type=merge -p {\"roleRef\":{\"name\":\"view\"}}");
        Assert.Contains("cannot change roleRef", changed.Stderr);
    }

    [Fact]
    public async Task Whoami_PrintsTheUserAndTheirGroups_ListShowsTheRules()
    {
        var whoami = await As(Eddie).Ok("auth whoami");
        Assert.Matches(@"Username\s+eddie", whoami);
        Assert.Matches(@"Groups\s+\[developers system:authenticated\]", whoami);

        var resources = await As(Rita).Ok("api-resources --api-group=authorization.k8s.io");
        Assert.Matches(@"selfsubjectaccessreviews\s+authorization.k8s.io/v1\s+false\s+SelfSubjectAccessReview", resources);
        Assert.Matches(@"localsubjectaccessreviews\s+authorization.k8s.io/v1\s+true\s+LocalSubjectAccessReview", resources);

        var list = await As(Rita).Ok("auth can-i --list -n dev");
        Assert.Matches(@"configmaps\s+\[\]\s+\[web-config\]\s+\[get update\]", list);
    }

    [Fact]
    public async Task SubjectAccessReview_AnswersForAnotherUser_ForWhoeverMayAsk()
    {
        // The reviews have no OpenAPI schema here, so kubectl's client-side validation is turned off (a known limit).
        const string review = """
            apiVersion: authorization.k8s.io/v1
            kind: SubjectAccessReview
            spec:
              user: val
              resourceAttributes: {namespace: dev, verb: list, resource: pods}
            """;

        Assert.Equal("true", await As(Operator).Ok("create --validate=false -o jsonpath={.status.allowed} -f -", review));
        Assert.Equal("true", await As(Paul).Ok("create --validate=false -o jsonpath={.status.allowed} -f -", review));
        var refused = await As(Val).Run("create --validate=false -o jsonpath={.status.allowed} -f -", review);
        Assert.Contains("User \"val\" cannot create resource \"subjectaccessreviews\" in API group \"authorization.k8s.io\" at the cluster scope", refused.Stderr);
    }

    [Fact]
    public async Task DefaultRoles_AreListed_AndAggregated()
    {
        var roles = await As(Operator).Ok("get clusterroles");
        foreach (var name in new[] { "cluster-admin", "admin", "edit", "view", "system:aggregate-to-edit" })
            Assert.Matches($@"(?m)^{name}\s", roles);

        // A role labelled to aggregate into view adds its rules to every view binding, at once.
        await As(Operator).Ok("create clusterrole read-widgets-secret --verb=get --resource=secrets --resource-name=widgets");
        Assert.Equal("no", await CanI(Val, "get secrets/widgets -n dev"));
        await As(Operator).Ok("label clusterrole read-widgets-secret rbac.authorization.k8s.io/aggregate-to-view=true");
        Assert.Equal("yes", await CanI(Val, "get secrets/widgets -n dev"));
        Assert.Equal("no", await CanI(Val, "get secrets/passwords -n dev"));
    }
}
