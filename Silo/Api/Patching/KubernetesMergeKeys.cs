namespace OrleansOrchestrator.Silo.Api.Patching;

/// <summary>
/// The list merge strategies of the built-in kinds we serve (Pod, PodTemplate, Deployment, ReplicaSet,
/// StatefulSet, Service, Node), taken from the <c>patchStrategy:"merge"</c> / <c>patchMergeKey</c> tags of
/// k8s.io/api. Lists not named here (tolerations, envFrom, args, …) are atomic, as they are in Kubernetes.
/// </summary>
public sealed class KubernetesMergeKeys : IMergeKeys
{
    public static KubernetesMergeKeys Instance { get; } = new();

    private static readonly string[] ContainerLists = ["containers", "initContainers", "ephemeralContainers"];

    // Rules match the end of a list's path, so one rule covers a Pod (spec.containers), every workload's
    // template (spec.template.spec.containers) and a CronJob's job template alike. The longest match wins.
    private static readonly ListRule[] Rules =
    [
        new(["metadata", "finalizers"], IMergeKeys.PrimitiveMerge),
        new(["metadata", "ownerReferences"], "uid"),

        // PodSpec
        .. ContainerLists.Select(list => new ListRule(["spec", list], "name")),
        .. ContainerLists.Select(list => new ListRule(["spec", list, "ports"], "containerPort")),
        .. ContainerLists.Select(list => new ListRule(["spec", list, "env"], "name")),
        .. ContainerLists.Select(list => new ListRule(["spec", list, "volumeMounts"], "mountPath")),
        .. ContainerLists.Select(list => new ListRule(["spec", list, "volumeDevices"], "devicePath")),
        new(["spec", "volumes"], "name"),
        new(["spec", "imagePullSecrets"], "name"),
        new(["spec", "hostAliases"], "ip"),
        new(["spec", "topologySpreadConstraints"], "topologyKey"),
        new(["spec", "resourceClaims"], "name"),
        new(["spec", "schedulingGates"], "name"),
        new(["spec", "tolerations"], null),

        // ServiceSpec (the ports of a Service; a container's ports are matched above by their longer path)
        new(["spec", "ports"], "port"),

        // NodeSpec
        new(["spec", "podCIDRs"], IMergeKeys.PrimitiveMerge),

        // Status of Pod, Node, Service, Deployment, ReplicaSet and StatefulSet
        new(["status", "conditions"], "type"),
        new(["status", "addresses"], "type"),
        new(["status", "podIPs"], "ip"),
        new(["status", "hostIPs"], "ip"),
        new(["status", "resourceClaimStatuses"], "name"),
    ];

    public string? MergeStrategyFor(IReadOnlyList<string> listPath)
    {
        ArgumentNullException.ThrowIfNull(listPath);
        ListRule? best = null;
        foreach (var rule in Rules)
        {
            if (rule.Matches(listPath) && (best is null || rule.Tail.Length > best.Tail.Length))
            {
                best = rule;
            }
        }

        return best?.Strategy;
    }

    private sealed record ListRule(string[] Tail, string? Strategy)
    {
        public bool Matches(IReadOnlyList<string> path) =>
            path.Count >= Tail.Length && Tail.SequenceEqual(path.Skip(path.Count - Tail.Length));
    }
}
