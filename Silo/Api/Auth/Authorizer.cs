using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth.Rbac;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api.Auth;

/// <summary>
/// Decides whether a caller may do a verb on a kind, and in which tenant the objects live. Tenancy is structural (every
/// key carries the caller's tenant, so other tenants' objects are simply not there, and a tenant's ClusterRoleBinding
/// reaches only its own namespaces). Within a tenant, Kubernetes' RBAC decides (<see cref="RbacEvaluator"/> over the
/// tenant's roles and bindings, cached by <see cref="RbacPolicyCache"/>). Two things stay outside RBAC: the operator
/// (<see cref="Caller.AdminGroup"/>, Kubernetes' <c>system:masters</c>) may do anything, and nodes, which belong to the
/// system tenant every tenant shares, are the operator's only. The API, the exec and port-forward streams and the
/// dashboard's buttons all ask here, so a button is shown exactly when the API would accept its call.
/// </summary>
public sealed class Authorizer(IRbacPolicies policies, Identity.StoredIdentities? identities = null)
{
    public static string TenantFor(Caller caller, ResourceKind kind) =>
        ResourceKinds.IsOperatorOnly(kind) ? StoreKeys.SystemTenant : caller.Tenant;

    /// <summary>The groups RBAC sees: the token's, and <c>system:authenticated</c> as for every user Kubernetes authenticates.</summary>
    public static IReadOnlyList<string> GroupsOf(Caller caller) =>
        caller.Groups.Contains(RbacEvaluator.AuthenticatedGroup) ? caller.Groups : [.. caller.Groups, RbacEvaluator.AuthenticatedGroup];

    /// <summary>
    /// Whether the caller may do <paramref name="verb"/> on the kind (or its <paramref name="subresource"/>, <c>create</c> of
    /// <c>pods/exec</c>) in <paramref name="ns"/> (null: cluster scope or every namespace), on the object named in the path.
    /// </summary>
    public ValueTask<bool> May(Caller caller, string verb, ResourceKind kind, string? ns, string? name = null, string? subresource = null) =>
        Decide(caller, verb, kind, PathNamespace(kind, ns, name), name, subresource);

    /// <summary>
    /// The namespace Kubernetes' request info gives a request whose path names <paramref name="name"/>: a Namespace object's
    /// path is <c>/api/v1/namespaces/{name}</c>, so it is "in" itself, and a RoleBinding of that namespace reaches it (a user
    /// bound to <c>view</c>, <c>edit</c> or <c>admin</c> there may <c>get</c> it, as in Kubernetes); every other cluster-scoped
    /// kind is in none.
    /// </summary>
    public static string PathNamespace(ResourceKind kind, string? ns, string? name) =>
        kind == ResourceKinds.Namespace ? name ?? "" : kind.Namespaced ? ns ?? "" : "";

    /// <summary>
    /// Refuses with Kubernetes' 403 unless the caller may <c>list</c> or <c>watch</c> the collection. As Kubernetes'
    /// request info, a field selector requiring <c>metadata.name</c> to equal a name makes the request one about that name,
    /// so a role limited by <c>resourceNames</c> allows the list and watch <c>kubectl get x -w</c>, <c>wait</c> and
    /// <c>rollout status</c> send. The namespace stays the path's (a list of Namespaces is in none, whatever its selector).
    /// </summary>
    public async ValueTask AuthorizeCollection(Caller caller, string verb, ResourceKind kind, string? ns, ObjectFilter filter)
    {
        var name = SelectedName(filter);
        if (!await Decide(caller, verb, kind, kind.Namespaced ? ns ?? "" : "", name, null))
            throw ApiException.Forbidden(caller.User, verb, kind.Plural, kind.Group, ns, name, null);
    }

    /// <summary>
    /// The name a field selector pins (Kubernetes' <c>RequiresExactMatch("metadata.name")</c>: the first <c>=</c> or <c>==</c>
    /// term on it), when that name could be a path segment; otherwise null.
    /// </summary>
    public static string? SelectedName(ObjectFilter filter) =>
        filter.Fields.FirstOrDefault(f => f.Field == "metadata.name" && !f.Negated) is { } term && ResourcePath.SegmentNameProblem(term.Value) is null
            ? term.Value
            : null;

    private async ValueTask<bool> Decide(Caller caller, string verb, ResourceKind kind, string attributeNamespace, string? name, string? subresource)
    {
        if (caller.IsAdmin) return true;
        if (ResourceKinds.IsOperatorOnly(kind)) return false;
        return await Allows(caller.Tenant, new RequestAttributes(caller.User, GroupsOf(caller), verb, kind.Group, kind.Plural, subresource ?? "",
            attributeNamespace, name ?? ""));
    }

    /// <summary>The RBAC decision for any request attributes within a tenant (the operator's group is not consulted here).</summary>
    public async ValueTask<bool> Allows(string tenant, RequestAttributes request)
    {
        var cluster = await policies.Cluster(tenant);
        // Cluster-wide first: a namespace's policy is loaded (and followed) only when it could change the answer, so a
        // caller naming namespaces at will does not make the store follow each.
        if (RbacEvaluator.AllowsClusterWide(cluster, request)) return true;
        if (request.Namespace.Length == 0) return false;
        return RbacEvaluator.AllowsInNamespace(cluster, await policies.Namespace(tenant, request.Namespace), request);
    }

    /// <summary>Every rule the user holds in the namespace (cluster-wide ones only for "").</summary>
    public async ValueTask<IReadOnlyList<PolicyRule>> RulesFor(string tenant, string user, IReadOnlyList<string> groups, string ns)
    {
        var cluster = await policies.Cluster(tenant);
        return RbacEvaluator.RulesFor(cluster, ns.Length == 0 ? null : await policies.Namespace(tenant, ns), user, groups);
    }

    /// <summary>
    /// Whether the caller may do <paramref name="verb"/> on a URL path that is not a resource (a rule's
    /// <c>nonResourceURLs</c>): only cluster-wide roles hold such rules, so this is a question about the whole tenant.
    /// </summary>
    public async ValueTask<bool> MayPath(Caller caller, string verb, string path) =>
        caller.IsAdmin || await Allows(caller.Tenant, new RequestAttributes(caller.User, GroupsOf(caller), verb, Path: path));

    /// <summary>
    /// Refuses with Kubernetes' 403 unless the caller may; a <paramref name="subresource"/> such as <c>exec</c> is
    /// authorised as its own resource (<c>pods/exec</c>), as Kubernetes does, and named in the refusal.
    /// </summary>
    public async ValueTask Authorize(Caller caller, string verb, ResourceKind kind, string? ns, string? name = null, string? subresource = null)
    {
        if (!await May(caller, verb, kind, ns, name, subresource))
            throw ApiException.Forbidden(caller.User, verb, kind.Plural, kind.Group, PathNamespace(kind, ns, name), name, subresource);
    }

    /// <summary>How many permissions not held an escalation refusal names; the check stops looking after them.</summary>
    public const int MaxUncoveredShown = 20;

    /// <summary>
    /// Kubernetes' escalation prevention, for a write of a role or a binding: a role may hold only permissions its writer
    /// holds (or the writer has <c>escalate</c> on it); a binding may grant only a role whose permissions its writer holds
    /// (or the writer has <c>bind</c> on that role). The operator is not checked, as <c>system:masters</c> in Kubernetes.
    /// Other kinds pass.
    /// </summary>
    public async ValueTask ConfirmNoEscalation(Caller caller, KubeObject obj)
    {
        if (caller.IsAdmin || !RbacPolicyCache.IsRbacKind(ResourceKinds.Of(obj))) return;
        var kind = ResourceKinds.Of(obj);
        var ns = kind.Namespaced ? obj.Metadata.Namespace ?? "" : "";
        var name = obj.Metadata.Name ?? "";
        var groups = GroupsOf(caller);

        IReadOnlyList<PolicyRule> wanted;
        switch (obj)
        {
            case Role or ClusterRole:
                if (await Allows(caller.Tenant, new RequestAttributes(caller.User, groups, "escalate", kind.Group, kind.Plural, "", ns, name))) return;
                // An aggregated role may come to hold anything: only whoever holds everything may make one.
                wanted = obj is ClusterRole { AggregationRule: not null } ? DefaultClusterRoles.All[0].Rules! : (obj as Role)?.Rules ?? ((ClusterRole)obj).Rules ?? [];
                break;
            case RoleBinding or ClusterRoleBinding:
                var roleRef = (obj as RoleBinding)?.RoleRef ?? ((ClusterRoleBinding)obj).RoleRef;
                var roleKind = roleRef.Kind == "Role" ? ResourceKinds.Role : ResourceKinds.ClusterRole;
                if (await Allows(caller.Tenant, new RequestAttributes(caller.User, groups, "bind", ResourceKinds.RbacGroup, roleKind.Plural, "", ns, roleRef.Name))) return;
                var cluster = await policies.Cluster(caller.Tenant);
                wanted = RbacEvaluator.RulesOf(cluster, ns.Length == 0 ? null : await policies.Namespace(caller.Tenant, ns), roleRef)
                         ?? throw ApiException.NotFound(roleKind.Plural, roleKind.Group, roleRef.Name);
                break;
            default:
                return;
        }

        var missing = PolicyRules.Uncovered(await RulesFor(caller.Tenant, caller.User, groups, ns), wanted, MaxUncoveredShown);
        if (missing.Count == 0) return;
        var shown = PolicyRules.Compact(missing.Take(MaxUncoveredShown)) + (missing.Count > MaxUncoveredShown ? "\n... and more" : "");
        throw new ApiException(403, "Forbidden",
            $"{kind.Resource} \"{name}\" is forbidden: user {Admission.Validation.Quote(caller.User)} (groups={PolicyRules.GoList(groups)}) is attempting to grant RBAC permissions not currently held:\n{shown}",
            new StatusDetails { Name = name, Group = kind.Group, Kind = kind.Plural });
    }

    /// <summary>After this process wrote a role or binding (or a user or token): the next decision (or authentication) sees it.</summary>
    public void Changed(Caller caller, ResourceKind kind, string? ns)
    {
        if (RbacPolicyCache.IsRbacKind(kind)) policies.Changed(caller.Tenant, kind, ns);
        // A token deleted through this silo is refused from the next request on, without waiting for the watch.
        if ((kind == ResourceKinds.User || kind == ResourceKinds.AccessToken) && ns is not null) identities?.Changed(ns);
    }
}
