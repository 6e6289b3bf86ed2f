using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Auth.Rbac;
using OrleansOrchestrator.Silo.Api.Wire;
using OrleansOrchestrator.Silo.Hosting;

namespace OrleansOrchestrator.Silo.Tests.Api.Auth;

/// <summary>The authoriser over a tenant as its bootstrap leaves it, plus bindings a tenant admin made.</summary>
public class AuthorizerTests
{
    private const string Group = "rbac.authorization.k8s.io";

    private static readonly Caller Admin = new("admin", "ops", [Caller.AdminGroup]);
    private static readonly Caller Member = new("alice", "team-a", []);
    private static readonly Caller Viewer = new("vera", "team-a", [Caller.ViewerGroup]);
    private static readonly Caller AdminAlsoViewer = new("root", "ops", [Caller.AdminGroup, Caller.ViewerGroup]);
    private static readonly Caller Editor = new("eddie", "team-a", ["developers"]);
    private static readonly Caller NewUser = new("nina", "team-a", []);

    private static RoleBinding Binding(string name, string kind, string role, string user) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "dev" },
        Subjects = [new Subject { Kind = "User", ApiGroup = Group, Name = user }],
        RoleRef = new RoleRef { ApiGroup = Group, Kind = kind, Name = role },
    };

    private static readonly Role Deployer = new()
    {
        Metadata = new ObjectMeta { Name = "deployer", Namespace = "dev" },
        Rules = [new PolicyRule { ApiGroups = ["apps"], Resources = ["deployments"], Verbs = ["get", "update"] }],
    };

    /// <summary>What <c>kubectl create role web-config-reader --verb=get,list,watch --resource=configmaps --resource-name=web-config</c> makes.</summary>
    private static readonly Role WebConfigReader = new()
    {
        Metadata = new ObjectMeta { Name = "web-config-reader", Namespace = "dev" },
        Rules = [new PolicyRule { ApiGroups = [""], Resources = ["configmaps"], ResourceNames = ["web-config"], Verbs = ["get", "list", "watch"] }],
    };

    private static readonly Caller Rita = new("rita", "team-a", []);

    private static readonly Authorizer Authorizer = new(new FixedRbacPolicies(
    [
        .. DefaultClusterRoles.All,
        RbacBootstrap.TenantAdmins(["alice"]),
        Binding("eddie-edit", "ClusterRole", "edit", "eddie"),
        Deployer,
        WebConfigReader,
        Binding("rita-web-config", "Role", "web-config-reader", "rita"),
    ]));

    [Fact]
    public async Task NamespaceObject_IsInItsOwnNamespace_SoARoleBindingThereLetsItsUserGetIt_AsInKubernetes()
    {
        // GET /api/v1/namespaces/dev is "in" dev for Kubernetes' request info; view (inside edit) reads namespaces.
        Assert.True(await Authorizer.May(Editor, "get", ResourceKinds.Namespace, null, "dev"));
        Assert.True(await Authorizer.May(Editor, "watch", ResourceKinds.Namespace, null, "dev"));
        Assert.False(await Authorizer.May(Editor, "get", ResourceKinds.Namespace, null, "prod"));
        // Neither the list of every namespace nor a write of their own namespace: edit grants neither, nor does Kubernetes.
        Assert.False(await Authorizer.May(Editor, "list", ResourceKinds.Namespace, null));
        Assert.False(await Authorizer.May(Editor, "delete", ResourceKinds.Namespace, null, "dev"));
        Assert.False(await Authorizer.May(Editor, "patch", ResourceKinds.Namespace, null, "dev"));
        var refused = await Assert.ThrowsAsync<ApiException>(async () => await Authorizer.Authorize(Editor, "get", ResourceKinds.Namespace, null, "prod"));
        Assert.Equal("namespaces \"prod\" is forbidden: User \"eddie\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"prod\"", refused.Message);
    }

    private static ObjectFilter Fields(string selector) =>
        new([], SelectorParser.ParseFields(selector, _ => true));

    [Theory]
    [InlineData("metadata.name=web-config", "list", true)]
    [InlineData("metadata.name==web-config", "watch", true)]
    [InlineData("status.phase=x,metadata.name=web-config", "list", true)]
    [InlineData("", "list", false)]
    [InlineData("metadata.name=other", "list", false)]
    [InlineData("metadata.name!=other", "watch", false)]
    [InlineData("metadata.namespace=dev", "list", false)]
    public async Task ListOrWatch_WithAFieldSelectorPinningTheName_IsAuthorisedForThatName(string selector, string verb, bool allowed)
    {
        var decision = Authorizer.AuthorizeCollection(Rita, verb, ResourceKinds.ConfigMap, "dev", Fields(selector));

        if (allowed) await decision;
        else
        {
            var refused = await Assert.ThrowsAsync<ApiException>(async () => await decision);
            Assert.Equal(403, refused.Code);
        }
    }

    [Fact]
    public async Task FieldSelectorName_ThatCannotBeAPathSegment_PinsNothing_AndTheRefusalNamesThePinnedName()
    {
        Assert.Null(Authorizer.SelectedName(Fields("metadata.name=a/b")));
        Assert.Null(Authorizer.SelectedName(Fields("metadata.name=..")));
        var refused = await Assert.ThrowsAsync<ApiException>(async () =>
            await Authorizer.AuthorizeCollection(Rita, "list", ResourceKinds.ConfigMap, "dev", Fields("metadata.name=other")));
        Assert.Equal("configmaps \"other\" is forbidden: User \"rita\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"dev\"", refused.Message);
    }

    [Fact]
    public async Task FieldSelectorName_OnAListOfNamespaces_DoesNotPutTheListInThatNamespace()
    {
        // Kubernetes takes the namespace from the path only: /api/v1/namespaces?fieldSelector=metadata.name=dev is in none.
        await Assert.ThrowsAsync<ApiException>(async () =>
            await Authorizer.AuthorizeCollection(Editor, "list", ResourceKinds.Namespace, null, Fields("metadata.name=dev")));
    }

    public static TheoryData<string, string, bool, bool> Decisions => new()
    {
        // caller, verb → may on pods in "dev", on nodes?
        { "member", "create", true, false },
        { "member", "list", true, false },
        { "viewer", "get", true, false },
        { "viewer", "watch", true, false },
        { "viewer", "create", false, false },
        { "viewer", "patch", false, false },
        { "viewer", "delete", false, false },
        { "editor", "delete", true, false },
        { "newuser", "get", false, false },
        { "admin", "delete", true, true },
        { "adminviewer", "update", true, true },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public async Task May_ByBindingVerbAndKind(string who, string verb, bool onPods, bool onNodes)
    {
        var caller = who switch { "member" => Member, "viewer" => Viewer, "editor" => Editor, "newuser" => NewUser, "admin" => Admin, _ => AdminAlsoViewer };
        Assert.Equal(onPods, await Authorizer.May(caller, verb, ResourceKinds.Pod, "dev"));
        Assert.Equal(onNodes, await Authorizer.May(caller, verb, ResourceKinds.Node, null));
        // Tenants are the operator's as Nodes are, whatever RBAC grants within a tenant; both live in the system tenant.
        Assert.Equal(onNodes, await Authorizer.May(caller, verb, ResourceKinds.Tenant, null));
        Assert.Equal(Contracts.Store.StoreKeys.SystemTenant, Authorizer.TenantFor(caller, ResourceKinds.Tenant));
    }

    [Fact]
    public async Task NamespaceBinding_DoesNotReachOtherNamespacesNorTheWholeTenant()
    {
        Assert.False(await Authorizer.May(Editor, "list", ResourceKinds.Pod, "prod"));
        Assert.False(await Authorizer.May(Editor, "list", ResourceKinds.Pod, null));
        Assert.True(await Authorizer.May(Member, "list", ResourceKinds.Pod, null));
    }

    [Fact]
    public async Task Subresources_AreAuthorisedAsTheirOwnResource()
    {
        Assert.True(await Authorizer.May(Editor, "create", ResourceKinds.Pod, "dev", "web", "exec"));
        Assert.False(await Authorizer.May(Viewer, "create", ResourceKinds.Pod, "dev", "web", "exec"));
        Assert.True(await Authorizer.May(Viewer, "get", ResourceKinds.Pod, "dev", "web", "log"));
        Assert.False(await Authorizer.May(Editor, "update", ResourceKinds.Pod, "dev", "web", "status"));
    }

    [Fact]
    public async Task Authorize_ViewerWrite_IsForbiddenWithKubernetesMessage()
    {
        var e = await Assert.ThrowsAsync<ApiException>(async () => await Authorizer.Authorize(Viewer, "delete", ResourceKinds.Deployment, "default", "web"));
        Assert.Equal(403, e.Code);
        Assert.Equal("deployments.apps \"web\" is forbidden: User \"vera\" cannot delete resource \"deployments\" in API group \"apps\" in the namespace \"default\"", e.Message);
    }

    [Fact]
    public async Task Editor_CannotBindAdmin_WithKubernetesMessage()
    {
        var binding = Binding("nina-admin", "ClusterRole", "admin", "nina");

        var e = await Assert.ThrowsAsync<ApiException>(async () => await Authorizer.ConfirmNoEscalation(Editor, binding));

        Assert.Equal(403, e.Code);
        Assert.StartsWith(
            "rolebindings.rbac.authorization.k8s.io \"nina-admin\" is forbidden: user \"eddie\" (groups=[\"developers\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
            + "{APIGroups:[\"authorization.k8s.io\"], Resources:[\"localsubjectaccessreviews\"], Verbs:[\"create\"]}", e.Message);
    }

    [Fact]
    public async Task Editor_MayBindWhatTheyHold_AdminMayBindAnything()
    {
        await Authorizer.ConfirmNoEscalation(Editor, Binding("nina-view", "ClusterRole", "view", "nina"));
        await Authorizer.ConfirmNoEscalation(Editor, Binding("nina-deployer", "Role", "deployer", "nina"));
        await Authorizer.ConfirmNoEscalation(Member, Binding("nina-admin", "ClusterRole", "admin", "nina"));
        await Authorizer.ConfirmNoEscalation(Admin, Binding("nina-admin", "ClusterRole", "no-such-role", "nina"));
    }

    [Fact]
    public async Task Binding_ToAMissingRole_IsNotFound_ForWhoeverIsChecked()
    {
        var e = await Assert.ThrowsAsync<ApiException>(async () => await Authorizer.ConfirmNoEscalation(Editor, Binding("x", "Role", "missing", "nina")));

        Assert.Equal((404, "roles.rbac.authorization.k8s.io \"missing\" not found"), (e.Code, e.Message));
    }

    [Fact]
    public async Task Role_GrantingMoreThanItsWriterHolds_IsRefused_UnlessTheyMayEscalate()
    {
        var secrets = new Role
        {
            Metadata = new ObjectMeta { Name = "secrets", Namespace = "dev" },
            Rules = [new PolicyRule { ApiGroups = [""], Resources = ["secrets"], Verbs = ["get"] }],
        };
        var nodes = secrets with { Rules = [new PolicyRule { ApiGroups = [""], Resources = ["nodes"], Verbs = ["get"] }] };
        var aggregated = new ClusterRole
        {
            Metadata = new ObjectMeta { Name = "everything" },
            AggregationRule = new AggregationRule { ClusterRoleSelectors = [new LabelSelector { MatchLabels = new Dictionary<string, string> { ["x"] = "y" } }] },
        };

        await Authorizer.ConfirmNoEscalation(Editor, secrets);
        var e = await Assert.ThrowsAsync<ApiException>(async () => await Authorizer.ConfirmNoEscalation(Editor, nodes));
        Assert.EndsWith("is attempting to grant RBAC permissions not currently held:\n{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\"]}", e.Message);
        await Assert.ThrowsAsync<ApiException>(async () => await Authorizer.ConfirmNoEscalation(Editor, aggregated));
        await Authorizer.ConfirmNoEscalation(Member, aggregated);
    }

    [Fact]
    public async Task Role_RepeatingOneEntryThousandsOfTimes_IsCheckedAsTheOneEntry()
    {
        var repeated = new Role
        {
            Metadata = new ObjectMeta { Name = "repeated", Namespace = "dev" },
            Rules = [new PolicyRule { ApiGroups = [.. Enumerable.Repeat("", 10_000)], Resources = [.. Enumerable.Repeat("nodes", 10_000)], Verbs = [.. Enumerable.Repeat("get", 10_000)] }],
        };

        Assert.Single(PolicyRules.Breakdown(repeated.Rules![0]));
        var e = await Assert.ThrowsAsync<ApiException>(async () => await Authorizer.ConfirmNoEscalation(Editor, repeated));
        Assert.EndsWith("not currently held:\n{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\"]}", e.Message);
    }

    [Fact]
    public async Task EscalationRefusal_NamesTheFirstPermissionsNotHeld_AndSaysThereAreMore()
    {
        var wide = new Role
        {
            Metadata = new ObjectMeta { Name = "wide", Namespace = "dev" },
            Rules = [new PolicyRule { ApiGroups = ["example.com"], Resources = [.. Enumerable.Range(0, 100).Select(i => $"things{i}")], Verbs = ["get", "list"] }],
        };

        var e = await Assert.ThrowsAsync<ApiException>(async () => await Authorizer.ConfirmNoEscalation(Editor, wide));

        var lines = e.Message.Split('\n');
        Assert.Equal(Authorizer.MaxUncoveredShown, lines.Count(l => l.StartsWith('{')));
        Assert.Equal("... and more", lines[^1]);
        Assert.Contains("{APIGroups:[\"example.com\"], Resources:[\"things0\"], Verbs:[\"get\"]}", lines);
    }

    [Fact]
    public async Task CallerAllowedClusterWide_IsDecidedWithoutLoadingTheNamespacesPolicy()
    {
        var policies = new RecordingPolicies(new FixedRbacPolicies([.. DefaultClusterRoles.All, RbacBootstrap.TenantAdmins(["alice"]), Binding("eddie-edit", "ClusterRole", "edit", "eddie")]));
        var authorizer = new Authorizer(policies);

        Assert.True(await authorizer.May(Member, "get", ResourceKinds.Pod, "invented-namespace"));
        Assert.Empty(policies.NamespacesAsked);

        Assert.True(await authorizer.May(Editor, "get", ResourceKinds.Pod, "dev"));
        Assert.False(await authorizer.May(Editor, "get", ResourceKinds.Pod, "prod"));
        Assert.Equal(["dev", "prod"], policies.NamespacesAsked);
    }

    private sealed class RecordingPolicies(IRbacPolicies inner) : IRbacPolicies
    {
        public List<string> NamespacesAsked { get; } = [];

        public ValueTask<ClusterPolicy> Cluster(string tenant) => inner.Cluster(tenant);

        public ValueTask<NamespacePolicy> Namespace(string tenant, string ns)
        {
            NamespacesAsked.Add(ns);
            return inner.Namespace(tenant, ns);
        }

        public void Changed(string tenant, ResourceKind kind, string? ns) => inner.Changed(tenant, kind, ns);
    }
}
