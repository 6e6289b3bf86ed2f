using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Api.Auth.Rbac;

/// <summary>
/// Kubernetes' user-facing roles, as its bootstrap policy defines them (<c>plugin/pkg/auth/authorizer/rbac/bootstrappolicy</c>,
/// described in "Using RBAC Authorization", user-facing roles): <c>cluster-admin</c> may do anything; <c>admin</c>,
/// <c>edit</c> and <c>view</c> are aggregated, so that the rules of <c>system:aggregate-to-*</c> (and of any role a
/// user labels the same way) make them up, each including the next: admin ⊇ edit ⊇ view. Every tenant gets these
/// objects at start (<see cref="Hosting.RbacBootstrap"/>); the evaluator reads them from the store like any other role.
/// </summary>
public static class DefaultClusterRoles
{
    public const string ClusterAdmin = "cluster-admin";
    public const string Admin = "admin";
    public const string Edit = "edit";
    public const string View = "view";

    public const string AggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin";
    public const string AggregateToEdit = "rbac.authorization.k8s.io/aggregate-to-edit";
    public const string AggregateToView = "rbac.authorization.k8s.io/aggregate-to-view";

    /// <summary>The marks Kubernetes puts on what it bootstraps: reconciled at start unless the annotation says "false".</summary>
    public const string AutoupdateAnnotation = "rbac.authorization.kubernetes.io/autoupdate";
    public const string BootstrappingLabel = "kubernetes.io/bootstrapping";

    private static readonly string[] Read = ["get", "list", "watch"];
    private static readonly string[] Write = ["create", "delete", "deletecollection", "patch", "update"];
    private static readonly string[] ReadWrite = [.. Read, .. Write];

    private static PolicyRule Rule(string[] verbs, string group, params string[] resources) =>
        new() { Verbs = verbs, ApiGroups = [group], Resources = resources };

    public static IReadOnlyList<ClusterRole> All { get; } =
    [
        Role(ClusterAdmin, null, null,
        [
            new PolicyRule { Verbs = ["*"], ApiGroups = ["*"], Resources = ["*"] },
            new PolicyRule { Verbs = ["*"], NonResourceURLs = ["*"] },
        ]),
        Role(Admin, null, AggregateToAdmin, null),
        Role(Edit, AggregateToAdmin, AggregateToEdit, null),
        Role(View, AggregateToEdit, AggregateToView, null),
        Role("system:aggregate-to-admin", AggregateToAdmin, null,
        [
            Rule(["create"], "authorization.k8s.io", "localsubjectaccessreviews"),
            Rule(ReadWrite, "rbac.authorization.k8s.io", "rolebindings", "roles"),
        ]),
        Role("system:aggregate-to-edit", AggregateToEdit, null,
        [
            // Reading what may escalate (exec, secrets) is for editors, not viewers.
            Rule(Read, "", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"),
            Rule(["impersonate"], "", "serviceaccounts"),
            Rule(Write, "", "pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"),
            Rule(["create"], "", "pods/eviction"),
            Rule(Write, "", "configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale",
                "secrets", "serviceaccounts", "services", "services/proxy"),
            Rule(["create"], "", "serviceaccounts/token"),
            Rule(Write, "apps", "daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale",
                "statefulsets", "statefulsets/scale"),
            Rule(Write, "autoscaling", "horizontalpodautoscalers"),
            Rule(Write, "batch", "cronjobs", "jobs"),
            Rule(Write, "extensions", "daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses", "networkpolicies",
                "replicasets", "replicasets/scale", "replicationcontrollers/scale"),
            Rule(Write, "policy", "poddisruptionbudgets"),
            Rule(Write, "networking.k8s.io", "ingresses", "networkpolicies"),
            Rule(ReadWrite, "coordination.k8s.io", "leases"),
        ]),
        Role("system:aggregate-to-view", AggregateToView, null,
        [
            Rule(Read, "", "configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers",
                "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"),
            Rule(Read, "", "bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status",
                "resourcequotas", "resourcequotas/status"),
            Rule(Read, "", "namespaces"),
            Rule(Read, "discovery.k8s.io", "endpointslices"),
            Rule(Read, "apps", "controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
                "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"),
            Rule(Read, "autoscaling", "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
            Rule(Read, "batch", "cronjobs", "cronjobs/status", "jobs", "jobs/status"),
            Rule(Read, "extensions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses",
                "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale"),
            Rule(Read, "policy", "poddisruptionbudgets", "poddisruptionbudgets/status"),
            Rule(Read, "networking.k8s.io", "ingresses", "ingresses/status", "networkpolicies"),
        ]),
    ];

    /// <param name="label">The aggregation label this role carries (it is part of that aggregated role), if any.</param>
    /// <param name="aggregates">The label of the roles this role aggregates, if it is an aggregated role.</param>
    private static ClusterRole Role(string name, string? label, string? aggregates, IReadOnlyList<PolicyRule>? rules)
    {
        var labels = new Dictionary<string, string> { [BootstrappingLabel] = "rbac-defaults" };
        if (label is not null) labels[label] = "true";
        return new ClusterRole
        {
            ApiVersion = ResourceKinds.ClusterRole.ApiVersion,
            Kind = ResourceKinds.ClusterRole.Kind,
            Metadata = new ObjectMeta
            {
                Name = name,
                Labels = labels,
                Annotations = new Dictionary<string, string> { [AutoupdateAnnotation] = "true" },
            },
            Rules = rules ?? [],
            AggregationRule = aggregates is null
                ? null
                : new AggregationRule { ClusterRoleSelectors = [new LabelSelector { MatchLabels = new Dictionary<string, string> { [aggregates] = "true" } }] },
        };
    }
}
