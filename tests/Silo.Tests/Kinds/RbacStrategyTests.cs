using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Tests.Kinds;

/// <summary>Roles and bindings as Kubernetes' API server defaults, validates and prints them.</summary>
public class RbacStrategyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);
    private const string Group = "rbac.authorization.k8s.io";

    private static T Created<T>(T obj) where T : KubeObject
    {
        var strategy = KindRegistry.For(obj);
        return (T)strategy.PrepareForCreate(strategy.Default(obj));
    }

    private static IReadOnlyList<string> Messages(KubeObject obj) =>
        Validation.Validate(Created(obj), ResourceKinds.Of(obj)).Select(c => $"{c.Field}: {c.Message}").ToList();

    private static Dictionary<string, object?> Row(KubeObject obj) =>
        KindRegistry.For(obj).Columns.ToDictionary(c => c.Name, c => c.Cell(obj, Now));

    [Fact]
    public void Role_RuleWithoutVerbsGroupsOrResources_NamesEachAsKubernetes()
    {
        var role = new Role { Metadata = new ObjectMeta { Name = "r", Namespace = "default" }, Rules = [new PolicyRule()] };

        Assert.Equal(
        [
            "rules[0].verbs: Required value: verbs must contain at least one value",
            "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
            "rules[0].resources: Required value: resource rules must supply at least one resource",
        ], Messages(role));
    }

    [Fact]
    public void Role_NonResourceUrls_AreForClusterRolesOnly()
    {
        var rule = new PolicyRule { Verbs = ["get"], NonResourceURLs = ["/healthz"] };

        Assert.Equal(["rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs"],
            Messages(new Role { Metadata = new ObjectMeta { Name = "r", Namespace = "default" }, Rules = [rule] }));
        Assert.Empty(Messages(new ClusterRole { Metadata = new ObjectMeta { Name = "health" }, Rules = [rule] }));
        Assert.Equal(["rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\"}: rules cannot apply to both regular resources and non-resource URLs"],
            Messages(new ClusterRole { Metadata = new ObjectMeta { Name = "health" }, Rules = [rule with { Resources = ["pods"] }] }));
    }

    [Fact]
    public void ClusterRole_EmptyAggregationRule_NeedsASelector()
    {
        var role = new ClusterRole { Metadata = new ObjectMeta { Name = "monitoring" }, AggregationRule = new AggregationRule() };

        Assert.Equal(["aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil"], Messages(role));
    }

    [Fact]
    public void Names_MayHoldColons_AsKubernetesSystemRoles()
    {
        Assert.Empty(Messages(new ClusterRole { Metadata = new ObjectMeta { Name = "system:aggregate-to-edit" }, Rules = [] }));
    }

    [Fact]
    public void Binding_UserSubjectWithoutGroup_IsDefaultedToRbac()
    {
        var binding = Created(new RoleBinding
        {
            Metadata = new ObjectMeta { Name = "b", Namespace = "default" },
            Subjects = [new Subject { Kind = "User", Name = "jane" }, new Subject { Kind = "ServiceAccount", Name = "default" }],
            RoleRef = new RoleRef { ApiGroup = Group, Kind = "ClusterRole", Name = "view" },
        });

        Assert.Equal([Group, null], binding.Subjects!.Select(s => s.ApiGroup));
        Assert.Empty(Messages(binding));
    }

    [Fact]
    public void Binding_BadRoleRefAndSubjects_NamesEachAsKubernetes()
    {
        var binding = new ClusterRoleBinding
        {
            Metadata = new ObjectMeta { Name = "b" },
            Subjects = [new Subject { Kind = "Robot", Name = "r2" }, new Subject { Kind = "ServiceAccount", Name = "default" }, new Subject { Kind = "User", ApiGroup = "x" }],
            RoleRef = new RoleRef { ApiGroup = "", Kind = "Role", Name = "" },
        };

        Assert.Equal(
        [
            "roleRef.apiGroup: Unsupported value: \"\": supported values: \"rbac.authorization.k8s.io\"",
            "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"",
            "roleRef.name: Required value",
            "subjects[0].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\"",
            "subjects[1].namespace: Required value",
            "subjects[2].name: Required value",
            "subjects[2].apiGroup: Unsupported value: \"x\": supported values: \"rbac.authorization.k8s.io\"",
        ], Messages(binding));
    }

    [Fact]
    public void Binding_RoleRef_CannotChange()
    {
        var before = (RoleBinding)KindSamples.For(ResourceKinds.RoleBinding);
        var after = before with { RoleRef = before.RoleRef with { Kind = "ClusterRole", Name = "admin" } };

        var refusal = KindRegistry.For(before).ForbiddenChange(before, after);

        Assert.Equal("roleRef", refusal?.Field);
        Assert.Equal("Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"admin\"}: cannot change roleRef", refusal?.Message);
        Assert.Null(KindRegistry.For(before).ForbiddenChange(before, before with { Subjects = [] }));
    }

    [Fact]
    public void Binding_Table_ShowsRoleAndSubjectsAsKubectl()
    {
        var binding = new ClusterRoleBinding
        {
            Metadata = new ObjectMeta { Name = "b", CreationTimestamp = Now.AddMinutes(-5) },
            Subjects =
            [
                new Subject { Kind = "User", Name = "jane", ApiGroup = Group }, new Subject { Kind = "User", Name = "joe", ApiGroup = Group },
                new Subject { Kind = "Group", Name = "devs", ApiGroup = Group }, new Subject { Kind = "ServiceAccount", Name = "ci", Namespace = "build" },
            ],
            RoleRef = new RoleRef { ApiGroup = Group, Kind = "ClusterRole", Name = "edit" },
        };

        var row = Row(binding);

        Assert.Equal(("ClusterRole/edit", "5m", "jane, joe", "devs", "build/ci"), (row["Role"], row["Age"], row["Users"], row["Groups"], row["ServiceAccounts"]));
        Assert.Equal("2026-12-03T07:55:00Z", Row(new Role { Metadata = new ObjectMeta { Name = "r", CreationTimestamp = Now.AddMinutes(-5) } })["Created At"]);
    }

    [Fact]
    public void Role_ListsLongerThanTheBound_AreTooMany()
    {
        var role = new Role
        {
            Metadata = new ObjectMeta { Name = "r", Namespace = "default" },
            Rules = [new PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = [.. Enumerable.Repeat("get", 10_000)] }],
        };

        Assert.Equal(["rules[0].verbs: Too many: 10000: must have at most 256 items"], Messages(role));
    }

    [Fact]
    public void ClusterRole_RuleOfTooManyCombinations_IsInvalid_ButOneOfManyRulesIsNot()
    {
        var groups = Enumerable.Range(0, 30).Select(i => $"g{i}.example.com").ToList();
        var resources = Enumerable.Range(0, 40).Select(i => $"r{i}").ToList();
        var verbs = Enumerable.Range(0, 10).Select(i => $"v{i}").ToList();
        var huge = new PolicyRule { ApiGroups = groups, Resources = resources, Verbs = verbs };

        Assert.Equal(["rules[0]: Invalid value: 12000: the rule grants 12000 combinations of verb, API group, resource and name (or URL), must be at most 10000; split it into several rules"],
            Messages(new ClusterRole { Metadata = new ObjectMeta { Name = "huge" }, Rules = [huge] }));
        Assert.Empty(Messages(new ClusterRole { Metadata = new ObjectMeta { Name = "split" }, Rules = [huge with { Verbs = verbs[..5] }, huge with { Verbs = verbs[5..] }] }));
    }
}
