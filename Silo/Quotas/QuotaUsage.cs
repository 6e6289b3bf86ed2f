using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Kinds.Pods;

namespace OrleansOrchestrator.Silo.Quotas;

/// <summary>
/// What one object counts against a namespace's quotas, as Kubernetes' quota evaluators count it: every object its
/// <c>count/&lt;resource&gt;[.&lt;group&gt;]</c>; a pod that has not ended <c>pods</c> and its compute resources (requests as
/// <c>requests.X</c> and, for cpu, memory and ephemeral storage, bare <c>X</c>; limits as <c>limits.X</c>); a Service
/// <c>services</c>, <c>services.loadbalancers</c> and one <c>services.nodeports</c> per port that gets a node port;
/// a ConfigMap, Secret or claim its own count (a claim also <c>requests.storage</c>). Pure, so the arithmetic is tested
/// without a silo.
/// </summary>
public static class QuotaUsage
{
    public static readonly IReadOnlyDictionary<string, decimal> None = new Dictionary<string, decimal>();

    /// <summary>The resource names whose absence from a container Kubernetes refuses under a quota that limits them.</summary>
    private static readonly string[] RequiredOfContainers = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

    /// <summary>Bare names that mean the request (<c>cpu</c> is <c>requests.cpu</c>); <c>hugepages-&lt;size&gt;</c> too.</summary>
    private static readonly string[] BareRequestNames = ["cpu", "memory", "ephemeral-storage"];

    public const string HugePagesPrefix = "hugepages-";

    /// <summary>Kubernetes' per-class names of a claim: <c>gold.storageclass.storage.k8s.io/requests.storage</c>.</summary>
    public const string StorageClassInfix = ".storageclass.storage.k8s.io/";

    /// <summary>The object-count name of a kind: <c>count/pods</c>, <c>count/deployments.apps</c>.</summary>
    public static string CountName(ResourceKind kind) => $"count/{kind.Resource}";

    /// <summary>The kind whose objects a quota resource name counts (null: none we store).</summary>
    public static ResourceKind? KindCounted(string resourceName) => resourceName switch
    {
        "pods" or "cpu" or "memory" or "ephemeral-storage" => ResourceKinds.Pod,
        "services" or "services.loadbalancers" or "services.nodeports" => ResourceKinds.Service,
        "configmaps" => ResourceKinds.ConfigMap,
        "secrets" => ResourceKinds.Secret,
        "persistentvolumeclaims" or "requests.storage" => ResourceKinds.PersistentVolumeClaim,
        _ when StorageClassResource(resourceName) is "persistentvolumeclaims" or "requests.storage" => ResourceKinds.PersistentVolumeClaim,
        _ when resourceName.StartsWith(HugePagesPrefix, StringComparison.Ordinal) => ResourceKinds.Pod,
        _ when resourceName.StartsWith("requests.", StringComparison.Ordinal) || resourceName.StartsWith("limits.", StringComparison.Ordinal) => ResourceKinds.Pod,
        _ when resourceName.StartsWith("count/", StringComparison.Ordinal) => ResourceKinds.FindByResource(resourceName["count/".Length..]),
        _ => null,
    };

    /// <summary>
    /// Whether a quota limit of <paramref name="resourceName"/> is enforced here: it names something objects we store
    /// count for (the one test of what <see cref="Of"/> counts, used by validation to refuse the rest).
    /// </summary>
    public static bool Enforces(string resourceName) => KindCounted(resourceName) is { } kind && Counts(kind);

    /// <summary>The resource after a storage class's prefix (<c>requests.storage</c> of <c>gold.storageclass.storage.k8s.io/requests.storage</c>); null for other names.</summary>
    private static string? StorageClassResource(string resourceName)
    {
        var at = resourceName.IndexOf(StorageClassInfix, StringComparison.Ordinal);
        return at > 0 ? resourceName[(at + StorageClassInfix.Length)..] : null;
    }

    /// <summary>Whether objects of <paramref name="kind"/> are counted at all (ResourceQuotas and Events are not; see docs/quotas.md).</summary>
    public static bool Counts(ResourceKind kind) => kind.Namespaced && kind != ResourceKinds.ResourceQuota && kind != ResourceKinds.Event;

    public static IReadOnlyDictionary<string, decimal> Of(KubeObject? obj)
    {
        if (obj is null) return None;
        var kind = ResourceKinds.Of(obj);
        if (!Counts(kind)) return None;
        var usage = new Dictionary<string, decimal>(StringComparer.Ordinal) { [CountName(kind)] = 1 };
        switch (obj)
        {
            case Pod pod when !HasEnded(pod):
                usage["pods"] = 1;
                foreach (var (name, value) in PodRequests(pod.Spec))
                {
                    usage[$"requests.{name}"] = value;
                    if (BareRequestNames.Contains(name) || name.StartsWith(HugePagesPrefix, StringComparison.Ordinal)) usage[name] = value;
                }
                foreach (var (name, value) in PodLimits(pod.Spec)) usage[$"limits.{name}"] = value;
                break;
            case Service service:
                usage["services"] = 1;
                if (service.Spec.Type == "LoadBalancer") usage["services.loadbalancers"] = 1;
                var nodePorts = service.Spec.Type switch
                {
                    "NodePort" => service.Spec.Ports?.Count ?? 0,
                    "LoadBalancer" when service.Spec.AllocateLoadBalancerNodePorts != false => service.Spec.Ports?.Count ?? 0,
                    _ => 0,
                };
                if (nodePorts > 0) usage["services.nodeports"] = nodePorts;
                break;
            case ConfigMap:
                usage["configmaps"] = 1;
                break;
            case Secret:
                usage["secrets"] = 1;
                break;
            case PersistentVolumeClaim claim:
                usage["persistentvolumeclaims"] = 1;
                var perClass = claim.Spec.StorageClassName is { Length: > 0 } className ? className + StorageClassInfix : null;
                if (perClass is not null) usage[perClass + "persistentvolumeclaims"] = 1;
                if (claim.Spec.Resources?.Requests?.GetValueOrDefault("storage") is { } storage && Quantity.TryParse(storage, out var bytes))
                {
                    usage["requests.storage"] = bytes;
                    if (perClass is not null) usage[perClass + "requests.storage"] = bytes;
                }
                break;
        }
        return usage;
    }

    /// <summary>The resource names a tenant quota may limit (decision 40, docs/quotas.md#tenant-quota).</summary>
    public static readonly IReadOnlyList<string> TenantResourceNames =
        ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "cpu", "memory", "pods", "namespaces", "count/namespaces",
         "services", "services.loadbalancers", "services.nodeports"];

    /// <summary>What an object counts against its tenant's quota: what it counts in its namespace, and a namespace <c>namespaces</c> and <c>count/namespaces</c>.</summary>
    public static IReadOnlyDictionary<string, decimal> OfTenant(KubeObject? obj) => obj is Namespace
        ? new Dictionary<string, decimal>(StringComparer.Ordinal) { ["namespaces"] = 1, [CountName(ResourceKinds.Namespace)] = 1 }
        : Of(obj);

    /// <summary><see cref="KindCounted"/> for a tenant quota, where <c>namespaces</c> count the tenant's namespaces.</summary>
    public static ResourceKind? KindCountedInTenant(string resourceName) =>
        resourceName is "namespaces" or "count/namespaces" ? ResourceKinds.Namespace : KindCounted(resourceName);

    /// <summary>
    /// Whether an update may make an object count for more, so the quotas (namespace and tenant alike) must find room:
    /// a write of the main part of a Service (type, ports) or claim (size) — a pod's resources cannot change — and any
    /// write that takes a pod out of Succeeded or Failed. An ended pod stopped holding its <c>pods</c> slot and compute
    /// resources, so coming back (Kubernetes' kubelet never does, but a status writer could) takes them again; the one
    /// rule for both quota steps, so neither can be freed by one write and refilled unchecked by the next.
    /// </summary>
    public static bool UpdateMayCountMore(KubeObject old, KubeObject next, bool writesMain) =>
        writesMain && next is Service or PersistentVolumeClaim
        || old is Pod ended && HasEnded(ended) && next is Pod revived && !HasEnded(revived);

    /// <summary>A pod that has Succeeded or Failed no longer holds compute resources nor a <c>pods</c> slot.</summary>
    public static bool HasEnded(Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    /// <summary>A container's requests as Kubernetes stores them: a resource with a limit and no request requests its limit.</summary>
    public static IReadOnlyDictionary<string, string> EffectiveRequests(ResourceRequirements? resources)
    {
        var requests = new Dictionary<string, string>(resources?.Requests ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (name, limit) in resources?.Limits ?? new Dictionary<string, string>()) requests.TryAdd(name, limit);
        return requests;
    }

    /// <summary>Kubernetes' pod requests: the sum over the containers, or the largest init container's if that is more.</summary>
    public static IReadOnlyDictionary<string, decimal> PodRequests(PodSpec spec) =>
        PodTotal(spec, c => EffectiveRequests(c.Resources));

    public static IReadOnlyDictionary<string, decimal> PodLimits(PodSpec spec) =>
        PodTotal(spec, c => c.Resources?.Limits ?? new Dictionary<string, string>());

    private static Dictionary<string, decimal> PodTotal(PodSpec spec, Func<Container, IReadOnlyDictionary<string, string>> of)
    {
        var total = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var container in spec.Containers)
            foreach (var (name, text) in of(container))
                if (Quantity.TryParse(text, out var value)) total[name] = QuotaQuantities.Add(total.GetValueOrDefault(name), value);
        foreach (var container in spec.InitContainers ?? [])
            foreach (var (name, text) in of(container))
                if (Quantity.TryParse(text, out var value) && value > total.GetValueOrDefault(name)) total[name] = value;
        return total;
    }

    /// <summary>
    /// Kubernetes' rule from before QoS classes: under a quota that limits cpu or memory requests or limits, every
    /// container must state them. Null when the pod does; otherwise <c>must specify limits.cpu for: web; requests.cpu for: web</c>.
    /// </summary>
    public static string? MissingComputeResources(Pod pod, IEnumerable<string> limited)
    {
        var required = RequiredOfContainers.Intersect(limited).ToList();
        if (required.Count == 0) return null;
        var missing = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var container in pod.Spec.Containers)
        {
            var requests = EffectiveRequests(container.Resources);
            var limits = container.Resources?.Limits ?? new Dictionary<string, string>();
            foreach (var name in required)
            {
                var has = name.StartsWith("limits.", StringComparison.Ordinal) ? limits.ContainsKey(name["limits.".Length..])
                    : requests.ContainsKey(name.StartsWith("requests.", StringComparison.Ordinal) ? name["requests.".Length..] : name);
                if (has) continue;
                if (!missing.TryGetValue(name, out var names)) missing[name] = names = new SortedSet<string>(StringComparer.Ordinal);
                names.Add(container.Name);
            }
        }
        return missing.Count == 0 ? null : "must specify " + string.Join("; ", missing.Select(m => $"{m.Key} for: {string.Join(",", m.Value)}"));
    }

    /// <summary>Whether a quota's scopes (Terminating, NotTerminating, BestEffort, NotBestEffort) take in an object: scoped quotas count pods only.</summary>
    public static bool InScopes(IReadOnlyList<string>? scopes, ScopeFacts facts) =>
        scopes is not { Count: > 0 } || facts.IsPod && scopes.All(scope => scope switch
        {
            "Terminating" => facts.Terminating,
            "NotTerminating" => !facts.Terminating,
            "BestEffort" => facts.BestEffort,
            "NotBestEffort" => !facts.BestEffort,
            _ => false,
        });

    public static ScopeFacts FactsOf(KubeObject obj) => obj is Pod pod
        ? new ScopeFacts(true, pod.Spec.ActiveDeadlineSeconds is not null, PodStrategy.QosClass(pod.Spec) == "BestEffort")
        : new ScopeFacts(false, false, false);

    /// <summary>Whether a scoped quota may limit this resource name (Kubernetes allows only pods and compute resources under scopes).</summary>
    public static bool ScopeAllows(string resourceName) =>
        resourceName is "pods" or "cpu" or "memory" or "count/pods" || resourceName.StartsWith("requests.", StringComparison.Ordinal) || resourceName.StartsWith("limits.", StringComparison.Ordinal);
}

/// <summary>What a quota's scopes ask of an object: a pod, with a deadline (terminating), without any requests or limits.</summary>
public readonly record struct ScopeFacts(bool IsPod, bool Terminating, bool BestEffort);
