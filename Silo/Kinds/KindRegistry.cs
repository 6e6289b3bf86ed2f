using System.Collections.Frozen;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Kinds.ConfigMaps;
using OrleansOrchestrator.Silo.Kinds.ControllerRevisions;
using OrleansOrchestrator.Silo.Kinds.DaemonSets;
using OrleansOrchestrator.Silo.Kinds.Deployments;
using OrleansOrchestrator.Silo.Kinds.Endpoint;
using OrleansOrchestrator.Silo.Kinds.EndpointSlices;
using OrleansOrchestrator.Silo.Kinds.Events;
using OrleansOrchestrator.Silo.Kinds.CronJobs;
using OrleansOrchestrator.Silo.Kinds.Jobs;
using OrleansOrchestrator.Silo.Kinds.Namespaces;
using OrleansOrchestrator.Silo.Kinds.Nodes;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumeClaims;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;
using OrleansOrchestrator.Silo.Kinds.Pods;
using OrleansOrchestrator.Silo.Kinds.Rbac;
using OrleansOrchestrator.Silo.Kinds.ReplicaSets;
using OrleansOrchestrator.Silo.Kinds.Secrets;
using OrleansOrchestrator.Silo.Kinds.Services;
using OrleansOrchestrator.Silo.Kinds.StatefulSets;
using OrleansOrchestrator.Silo.Kinds.StorageClasses;

namespace OrleansOrchestrator.Silo.Kinds;

/// <summary>
/// Every kind the silo serves, one registration line each (see <c>docs/adding-a-kind.md</c>). Built once and
/// checked when built: a kind of <see cref="ResourceKinds"/> without a strategy, or a strategy that
/// contradicts its record, stops the silo at start-up with the list of problems.
/// </summary>
public static class KindRegistry
{
    public static readonly IReadOnlyList<KindStrategy> All = Checked(
    [
        NamespaceStrategy.Strategy,
        NodeStrategy.Strategy,
        PodStrategy.Strategy,
        ServiceStrategy.Strategy,
        EndpointsStrategy.Strategy,
        ConfigMapStrategy.Strategy,
        SecretStrategy.Strategy,
        EventStrategy.Strategy,
        PersistentVolumeClaimStrategy.Strategy,
        ReplicaSetStrategy.Strategy,
        Deployments.DeploymentStrategy.Strategy,
        StatefulSetStrategy.Strategy,
        JobStrategy.Strategy,
        CronJobStrategy.Strategy,
        EndpointSliceStrategy.Strategy,
        ControllerRevisionStrategy.Strategy,
        DaemonSetStrategy.Strategy,
        PersistentVolumeStrategy.Strategy,
        StorageClassStrategy.Strategy,
        ResourceQuotas.ResourceQuotaStrategy.Strategy,
        LimitRanges.LimitRangeStrategy.Strategy,
        RoleStrategy.Strategy,
        RoleBindingStrategy.Strategy,
        ClusterRoleStrategy.Strategy,
        ClusterRoleBindingStrategy.Strategy,
        Tenants.TenantStrategy.Strategy,
        ServiceAccounts.ServiceAccountStrategy.Strategy,
        Identity.UserStrategy.Strategy,
        Identity.AccessTokenStrategy.Strategy,
    ]);

    private static readonly FrozenDictionary<ResourceKind, KindStrategy> ByKind = All.ToFrozenDictionary(s => s.Kind);

    private static readonly FrozenDictionary<Type, KindStrategy> ByType = All.ToFrozenDictionary(s => s.Kind.ClrType);

    private static readonly FrozenDictionary<(string ApiVersion, string Kind), KindStrategy> ByTypeMeta =
        All.ToFrozenDictionary(s => (s.Kind.ApiVersion, s.Kind.Kind));

    /// <summary>The kinds that own others: their deletion propagates to their dependents.</summary>
    public static readonly IReadOnlyList<ResourceKind> Owners = All.Where(s => s.Owns.Count > 0).Select(s => s.Kind).ToList();

    /// <summary>The kinds some kind owns: collected when their owners are gone.</summary>
    public static readonly IReadOnlyList<ResourceKind> Dependents = All.SelectMany(s => s.Owns).Distinct().ToList();

    public static KindStrategy For(ResourceKind kind) => ByKind[kind];

    public static KindStrategy For(KubeObject obj) => ByType[obj.GetType()];

    /// <summary>By an object's (or an owner reference's) <c>apiVersion</c> and <c>kind</c>.</summary>
    public static KindStrategy? Find(string? apiVersion, string? kind) =>
        apiVersion is null || kind is null ? null : ByTypeMeta.GetValueOrDefault((apiVersion, kind));

    /// <summary>Whether clients may select objects of <paramref name="kind"/> on <paramref name="field"/>.</summary>
    public static bool IsSelectable(ResourceKind kind, string field) =>
        field is "metadata.name" or "metadata.namespace" || For(kind).SelectableFields.Contains(field);

    /// <summary>The value of a selectable field of any object, as Kubernetes compares it ("" when unset).</summary>
    public static string FieldValue(KubeObject obj, string field) => field switch
    {
        "metadata.name" => obj.Metadata.Name ?? "",
        "metadata.namespace" => obj.Metadata.Namespace ?? "",
        _ => For(obj).FieldValue(obj, field),
    };

    /// <summary>What is wrong with a set of registrations: missing or doubled kinds, and each strategy's own problems.</summary>
    public static IReadOnlyList<string> ProblemsOf(IReadOnlyList<KindStrategy> strategies)
    {
        var problems = new List<string>();
        foreach (var kind in ResourceKinds.All.Where(k => !strategies.Any(s => s.Kind == k)))
            problems.Add($"{kind}: no strategy registered");
        foreach (var twice in strategies.GroupBy(s => s.Kind).Where(g => g.Count() > 1))
            problems.Add($"{twice.Key}: registered {twice.Count()} times");
        foreach (var strategy in strategies)
        {
            if (!ResourceKinds.All.Contains(strategy.Kind))
                problems.Add($"{strategy.Kind}: not listed in ResourceKinds.All (the API could not route to it)");
            problems.AddRange(strategy.Problems());
            foreach (var owned in strategy.Owns.Where(o => !strategies.Any(s => s.Kind == o)))
                problems.Add($"{strategy.Kind}: owns {owned}, which has no strategy");
            if (strategy.Owns.Count > 0 && !strategy.Kind.Namespaced)
                problems.Add($"{strategy.Kind}: owners are collected per namespace; a cluster-scoped owner is not supported");
        }
        return problems;
    }

    private static IReadOnlyList<KindStrategy> Checked(IReadOnlyList<KindStrategy> strategies)
    {
        var problems = ProblemsOf(strategies);
        return problems.Count == 0
            ? strategies
            : throw new InvalidOperationException("The kind registry is incomplete:\n  " + string.Join("\n  ", problems));
    }
}
