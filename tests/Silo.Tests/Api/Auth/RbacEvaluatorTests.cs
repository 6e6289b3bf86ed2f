using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Auth.Rbac;

namespace OrleansOrchestrator.Silo.Tests.Api.Auth;

/// <summary>Kubernetes' RBAC semantics over one tenant's roles and bindings, and the default roles as Kubernetes documents them.</summary>
public class RbacEvaluatorTests
{
    private const string Group = "rbac.authorization.k8s.io";

    private static Subject User(string name) => new() { Kind = "User", Name = name, ApiGroup = Group };
    private static Subject GroupOf(string name) => new() { Kind = "Group", Name = name, ApiGroup = Group };

    private static RoleBinding Binding(string ns, string kind, string role, params Subject[] subjects) => new()
    {
        Metadata = new ObjectMeta { Name = $"{role}-binding", Namespace = ns },
        Subjects = subjects,
        RoleRef = new RoleRef { ApiGroup = Group, Kind = kind, Name = role },
    };

    private static ClusterRoleBinding ClusterBinding(string role, params Subject[] subjects) => new()
    {
        Metadata = new ObjectMeta { Name = $"{role}-binding" },
        Subjects = subjects,
        RoleRef = new RoleRef { ApiGroup = Group, Kind = "ClusterRole", Name = role },
    };

    private static readonly Role PodReader = new()
    {
        Metadata = new ObjectMeta { Name = "web-reader", Namespace = "dev" },
        Rules =
        [
            new PolicyRule { ApiGroups = [""], Resources = ["configmaps"], ResourceNames = ["web-config"], Verbs = ["get", "update"] },
            new PolicyRule { ApiGroups = ["apps"], Resources = ["*/scale"], Verbs = ["update"] },
        ],
    };

    /// <summary>Users alice (admin in dev), eddie (edit in dev), vera (view in dev), rita (the custom role in dev), cora (cluster-admin), and the group ops (view everywhere).</summary>
    private static (ClusterPolicy Cluster, NamespacePolicy Dev) Policy() =>
        (new ClusterPolicy(DefaultClusterRoles.All, [ClusterBinding("cluster-admin", User("cora")), ClusterBinding("view", GroupOf("ops"))]),
         new NamespacePolicy("dev", [PodReader],
         [
             Binding("dev", "ClusterRole", "admin", User("alice")),
             Binding("dev", "ClusterRole", "edit", User("eddie")),
             Binding("dev", "ClusterRole", "view", User("vera")),
             Binding("dev", "Role", "web-reader", User("rita")),
         ]));

    private static bool Can(string user, string verb, string resource, string ns = "dev", string name = "", string[]? groups = null)
    {
        var (cluster, dev) = Policy();
        var (plural, subresource) = resource.IndexOf('/') is var slash and > 0 ? (resource[..slash], resource[(slash + 1)..]) : (resource, "");
        var (res, group) = plural.IndexOf('.') is var dot and > 0 ? (plural[..dot], plural[(dot + 1)..]) : (plural, "");
        return RbacEvaluator.Allows(cluster, ns == "dev" ? dev : NamespacePolicy.Empty(ns),
            new RequestAttributes(user, groups ?? [RbacEvaluator.AuthenticatedGroup], verb, group, res, subresource, ns, name));
    }

    /// <summary>
    /// What Kubernetes documents for its user-facing roles (bound in one namespace): admin manages roles and bindings,
    /// edit writes workloads, secrets and exec but no roles, view reads but not secrets nor exec; none reach another namespace.
    /// </summary>
    [Theory]
    //           verb       resource                    admin  edit   view
    [InlineData("get", "pods", true, true, true)]
    [InlineData("list", "pods", true, true, true)]
    [InlineData("create", "pods", true, true, false)]
    [InlineData("delete", "pods", true, true, false)]
    [InlineData("get", "pods/log", true, true, true)]
    [InlineData("create", "pods/exec", true, true, false)]
    [InlineData("create", "pods/portforward", true, true, false)]
    [InlineData("get", "secrets", true, true, false)]
    [InlineData("list", "secrets", true, true, false)]
    [InlineData("create", "secrets", true, true, false)]
    [InlineData("create", "deployments.apps", true, true, false)]
    [InlineData("update", "deployments.apps/scale", true, true, false)]
    [InlineData("get", "deployments.apps/scale", true, true, true)]
    [InlineData("list", "statefulsets.apps", true, true, true)]
    [InlineData("create", "jobs.batch", true, true, false)]
    [InlineData("watch", "cronjobs.batch", true, true, true)]
    [InlineData("create", "roles.rbac.authorization.k8s.io", true, false, false)]
    [InlineData("create", "rolebindings.rbac.authorization.k8s.io", true, false, false)]
    [InlineData("get", "rolebindings.rbac.authorization.k8s.io", true, false, false)]
    [InlineData("get", "namespaces", true, true, true)]
    [InlineData("delete", "namespaces", false, false, false)]
    [InlineData("create", "resourcequotas", false, false, false)]
    [InlineData("update", "pods/status", false, false, false)]
    [InlineData("bind", "clusterroles.rbac.authorization.k8s.io", false, false, false)]
    public void DefaultRoles_BoundInANamespace_AllowWhatKubernetesDocuments(string verb, string resource, bool admin, bool edit, bool view)
    {
        Assert.Equal((admin, edit, view), (Can("alice", verb, resource), Can("eddie", verb, resource), Can("vera", verb, resource)));
        Assert.False(Can("alice", verb, resource, ns: "prod"), "a RoleBinding reaches only its namespace");
        Assert.False(Can("alice", verb, resource, ns: ""), "a RoleBinding reaches no cluster-scoped request");
    }

    [Fact]
    public void ClusterAdmin_MayDoAnythingAnywhere_IncludingNonResourceUrls()
    {
        var (cluster, _) = Policy();

        Assert.True(Can("cora", "delete", "namespaces", ns: ""));
        Assert.True(Can("cora", "escalate", "clusterroles.rbac.authorization.k8s.io", ns: "prod"));
        Assert.True(RbacEvaluator.Allows(cluster, null, new RequestAttributes("cora", [], "get", Path: "/healthz")));
        Assert.False(RbacEvaluator.Allows(cluster, null, new RequestAttributes("alice", [], "get", Path: "/healthz")));
    }

    [Fact]
    public void GroupBinding_ReachesEveryMemberInEveryNamespace()
    {
        Assert.True(Can("someone", "list", "pods", ns: "prod", groups: ["ops"]));
        Assert.True(Can("someone", "list", "pods", ns: "", groups: ["ops"]));
        Assert.False(Can("someone", "create", "pods", ns: "prod", groups: ["ops"]));
        Assert.False(Can("someone", "list", "pods", ns: "prod", groups: ["devs"]));
    }

    [Fact]
    public void ResourceNames_AllowOnlyTheNamedObject_NeverAListOrACreateWithoutName()
    {
        Assert.True(Can("rita", "get", "configmaps", name: "web-config"));
        Assert.True(Can("rita", "update", "configmaps", name: "web-config"));
        Assert.False(Can("rita", "get", "configmaps", name: "db-config"));
        Assert.False(Can("rita", "get", "configmaps"));
        Assert.False(Can("rita", "list", "configmaps"));
        Assert.False(Can("rita", "delete", "configmaps", name: "web-config"));
    }

    [Fact]
    public void StarSlashSubresource_MatchesThatSubresourceOfAnyResource_OnlyIt()
    {
        Assert.True(Can("rita", "update", "deployments.apps/scale"));
        Assert.True(Can("rita", "update", "statefulsets.apps/scale"));
        Assert.False(Can("rita", "update", "deployments.apps"));
        Assert.False(Can("rita", "update", "deployments.apps/status"));
        Assert.False(Can("rita", "update", "jobs.batch/scale"));
    }

    [Fact]
    public void Wildcards_AndUrlPrefixes_MatchAsKubernetes()
    {
        var rule = new PolicyRule { Verbs = ["*"], ApiGroups = ["*"], Resources = ["pods"] };
        Assert.True(PolicyRules.Allows(rule, new RequestAttributes("u", [], "deletecollection", "anything", "pods")));
        Assert.False(PolicyRules.Allows(rule, new RequestAttributes("u", [], "get", "", "pods", "log")));

        var urls = new PolicyRule { Verbs = ["get"], NonResourceURLs = ["/healthz", "/api/*"] };
        Assert.True(PolicyRules.Allows(urls, new RequestAttributes("u", [], "get", Path: "/api/v1")));
        Assert.True(PolicyRules.Allows(urls, new RequestAttributes("u", [], "get", Path: "/healthz")));
        Assert.False(PolicyRules.Allows(urls, new RequestAttributes("u", [], "get", Path: "/healthz/ready")));
        Assert.False(PolicyRules.Allows(urls, new RequestAttributes("u", [], "post", Path: "/api/v1")));
        Assert.False(PolicyRules.Allows(urls, new RequestAttributes("u", [], "get", "", "pods")), "a URL rule allows no resource");
    }

    [Fact]
    public void ServiceAccountSubject_MatchesItsUserName_InTheBindingsNamespaceByDefault()
    {
        var sa = new Subject { Kind = "ServiceAccount", Name = "builder" };

        Assert.True(RbacEvaluator.AppliesTo([sa], "system:serviceaccount:dev:builder", [], "dev"));
        Assert.False(RbacEvaluator.AppliesTo([sa], "system:serviceaccount:prod:builder", [], "dev"));
        Assert.True(RbacEvaluator.AppliesTo([sa with { Namespace = "prod" }], "system:serviceaccount:prod:builder", [], "dev"));
    }

    /// <summary>A pod's token as the ServiceAccounts issue authenticates it: its user name and the groups Kubernetes gives it.</summary>
    private static (string User, string[] Groups) Account(string ns, string name) =>
        (RbacEvaluator.ServiceAccountUser(ns, name), ["system:serviceaccounts", $"system:serviceaccounts:{ns}", RbacEvaluator.AuthenticatedGroup]);

    private static bool AccountMay(ClusterPolicy cluster, NamespacePolicy ns, (string User, string[] Groups) account, string verb, string resource, string inNamespace) =>
        RbacEvaluator.Allows(cluster, ns.Namespace == inNamespace ? ns : NamespacePolicy.Empty(inNamespace),
            new RequestAttributes(account.User, account.Groups, verb, "", resource, "", inNamespace));

    [Fact]
    public void RoleBinding_OfAServiceAccountWithoutNamespace_GrantsThatAccountOfTheBindingsNamespace_Only()
    {
        var binding = Binding("dev", "ClusterRole", "view", new Subject { Kind = "ServiceAccount", Name = "builder" });
        var cluster = new ClusterPolicy(DefaultClusterRoles.All, []);
        var dev = new NamespacePolicy("dev", [], [binding]);

        Assert.True(AccountMay(cluster, dev, Account("dev", "builder"), "list", "pods", "dev"));
        Assert.False(AccountMay(cluster, dev, Account("dev", "builder"), "list", "pods", "prod"));
        Assert.False(AccountMay(cluster, dev, Account("prod", "builder"), "list", "pods", "dev"));
        Assert.False(AccountMay(cluster, dev, Account("dev", "default"), "list", "pods", "dev"));
        // A token user who happens to be called "builder" is not the account.
        Assert.False(AccountMay(cluster, dev, ("builder", [RbacEvaluator.AuthenticatedGroup]), "list", "pods", "dev"));
    }

    [Fact]
    public void ClusterRoleBinding_OfAServiceAccountWithoutNamespace_MatchesNoOne()
    {
        var cluster = new ClusterPolicy(DefaultClusterRoles.All, [ClusterBinding("view", new Subject { Kind = "ServiceAccount", Name = "builder" })]);

        // Kubernetes' appliesToUser: no namespace on the subject nor the binding names no account, not "system:serviceaccount::builder".
        Assert.False(AccountMay(cluster, NamespacePolicy.Empty("dev"), ("system:serviceaccount::builder", []), "list", "pods", "dev"));
        Assert.False(AccountMay(cluster, NamespacePolicy.Empty("dev"), Account("dev", "builder"), "list", "pods", "dev"));
    }

    [Fact]
    public void ServiceAccountGroups_AllAccountsOrOneNamespacesAccounts_AreGroupSubjects()
    {
        var cluster = new ClusterPolicy(DefaultClusterRoles.All, [ClusterBinding("view", GroupOf("system:serviceaccounts:ci"))]);
        var dev = new NamespacePolicy("dev", [], [Binding("dev", "ClusterRole", "edit", GroupOf("system:serviceaccounts"))]);

        // Every account of "ci" reads the whole tenant; every account of any namespace edits "dev".
        Assert.True(AccountMay(cluster, dev, Account("ci", "runner"), "list", "pods", "prod"));
        Assert.False(AccountMay(cluster, dev, Account("web", "default"), "list", "pods", "prod"));
        Assert.True(AccountMay(cluster, dev, Account("web", "default"), "create", "pods", "dev"));
        Assert.False(AccountMay(cluster, dev, Account("ci", "runner"), "create", "pods", "prod"));
        // A plain user is in neither group.
        Assert.False(AccountMay(cluster, dev, ("alice", [RbacEvaluator.AuthenticatedGroup]), "create", "pods", "dev"));
    }

    [Fact]
    public void AggregatedRole_GathersLabelledRoles_IncludingOnesAddedLater_AndSurvivesCycles()
    {
        var monitoring = new ClusterRole
        {
            Metadata = new ObjectMeta { Name = "monitoring", Labels = new Dictionary<string, string> { ["rbac.example.com/aggregate-to-monitoring"] = "true", ["loop"] = "a" } },
            AggregationRule = new AggregationRule { ClusterRoleSelectors = [new LabelSelector { MatchLabels = new Dictionary<string, string> { ["rbac.example.com/aggregate-to-monitoring"] = "true" } }] },
        };
        var endpoints = new ClusterRole
        {
            Metadata = new ObjectMeta { Name = "monitoring-endpoints", Labels = new Dictionary<string, string> { ["rbac.example.com/aggregate-to-monitoring"] = "true" } },
            Rules = [new PolicyRule { ApiGroups = [""], Resources = ["endpoints"], Verbs = ["get"] }],
        };
        var cycle = new ClusterRole
        {
            Metadata = new ObjectMeta { Name = "cycle", Labels = new Dictionary<string, string> { ["rbac.example.com/aggregate-to-monitoring"] = "true" } },
            AggregationRule = new AggregationRule { ClusterRoleSelectors = [new LabelSelector { MatchLabels = new Dictionary<string, string> { ["loop"] = "a" } }] },
        };

        Assert.Empty(new ClusterPolicy([monitoring], []).RulesOf("monitoring")!);
        var policy = new ClusterPolicy([monitoring, endpoints, cycle], []);

        Assert.Equal(["endpoints"], policy.RulesOf("monitoring")!.Select(r => r.Resources![0]));
        Assert.Equal(["endpoints"], policy.RulesOf("cycle")!.Select(r => r.Resources![0]));
    }

    [Fact]
    public void AggregatedRoles_SelectingEachOther_StepThroughEachRoleOncePerAggregatedRole()
    {
        var mesh = new Dictionary<string, string> { ["mesh"] = "yes" };
        var aggregated = Enumerable.Range(0, 30).Select(i => new ClusterRole
        {
            Metadata = new ObjectMeta { Name = $"agg-{i:00}", Labels = mesh },
            AggregationRule = new AggregationRule { ClusterRoleSelectors = [new LabelSelector { MatchLabels = mesh }] },
        });
        var leaves = Enumerable.Range(0, 30).Select(i => new ClusterRole
        {
            Metadata = new ObjectMeta { Name = $"leaf-{i:00}", Labels = mesh },
            Rules = [new PolicyRule { ApiGroups = ["example.com"], Resources = [$"things{i}"], Verbs = ["get"] }],
        });

        var policy = new ClusterPolicy([.. aggregated, .. leaves], []);

        var expected = Enumerable.Range(0, 30).Select(i => $"things{i}").ToList();
        Assert.All(Enumerable.Range(0, 30), i => Assert.Equal(expected, policy.RulesOf($"agg-{i:00}")!.Select(r => r.Resources![0])));
        // Each of the 30 aggregated roles steps through the 59 other roles once, not along every path between them.
        Assert.Equal(30 * 59, policy.ResolutionSteps);
    }

    [Fact]
    public void DefaultRoles_Nest_AdminHoldsEdit_EditHoldsView()
    {
        var policy = new ClusterPolicy(DefaultClusterRoles.All, []);

        Assert.Empty(PolicyRules.Uncovered(policy.RulesOf("admin")!, policy.RulesOf("edit")!));
        Assert.Empty(PolicyRules.Uncovered(policy.RulesOf("edit")!, policy.RulesOf("view")!));
        Assert.NotEmpty(PolicyRules.Uncovered(policy.RulesOf("edit")!, policy.RulesOf("admin")!));
        Assert.Empty(PolicyRules.Uncovered(policy.RulesOf("cluster-admin")!, policy.RulesOf("admin")!));
    }

    [Fact]
    public void Uncovered_NamesEachMissingPermission_AcrossSeveralHeldRules()
    {
        IReadOnlyList<PolicyRule> held =
        [
            new PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get"] },
            new PolicyRule { ApiGroups = [""], Resources = ["pods", "*/scale"], Verbs = ["list"] },
            new PolicyRule { ApiGroups = [""], Resources = ["configmaps"], ResourceNames = ["a"], Verbs = ["get"] },
        ];
        PolicyRule[] wanted =
        [
            new PolicyRule { ApiGroups = [""], Resources = ["pods", "deployments/scale"], Verbs = ["get", "list"] },
            new PolicyRule { ApiGroups = [""], Resources = ["configmaps"], ResourceNames = ["a", "b"], Verbs = ["get"] },
            new PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["get"] },
        ];

        var missing = PolicyRules.Uncovered(held, wanted);

        Assert.Equal(
            """
            {APIGroups:[""], Resources:["deployments/scale"], Verbs:["get"]}
            {APIGroups:[""], Resources:["configmaps"], ResourceNames:["b"], Verbs:["get"]}
            {APIGroups:[""], Resources:["configmaps"], Verbs:["get"]}
            """.ReplaceLineEndings("\n"), PolicyRules.Compact(missing));
    }

    [Fact]
    public void RulesFor_GathersClusterAndNamespaceBindings_OfUserAndGroups()
    {
        var (cluster, dev) = Policy();

        var rules = RbacEvaluator.RulesFor(cluster, dev, "rita", ["ops"]);

        Assert.Contains(rules, r => r.ResourceNames?.Contains("web-config") == true);
        Assert.Contains(rules, r => r.Resources?.Contains("pods/log") == true);
        Assert.DoesNotContain(rules, r => r.Resources?.Contains("secrets") == true);
        Assert.Empty(RbacEvaluator.RulesFor(cluster, null, "rita", []));
    }
}
