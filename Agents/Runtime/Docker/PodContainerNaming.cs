using System.Globalization;
using OrleansOrchestrator.Contracts;

namespace OrleansOrchestrator.Agents.Runtime.Docker;

/// <summary>
/// Names and labels of the containers a node runs, as Kubernetes' Docker integration (dockershim) made them,
/// so that <c>docker ps</c> reads like it did on a Kubernetes node and a restarted agent can tell from the
/// labels alone which pod, container and attempt each container is.
/// </summary>
internal static class PodContainerNaming
{
    // dockershim's labels.
    public const string PodNameLabel = "io.kubernetes.pod.name";
    public const string PodNamespaceLabel = "io.kubernetes.pod.namespace";
    public const string PodUidLabel = "io.kubernetes.pod.uid";
    public const string ContainerNameLabel = "io.kubernetes.container.name";
    public const string ContainerTypeLabel = "io.kubernetes.docker.type";
    public const string SandboxIdLabel = "io.kubernetes.sandbox.id";

    // Ours: several clusters and several nodes may share one engine (the product and a test run, a multi-node
    // cluster on one machine), so an agent touches only containers of its own cluster and node.
    public const string ClusterLabel = "io.orleans-orchestrator.cluster";
    public const string NodeLabel = "io.orleans-orchestrator.node";
    public const string TenantLabel = "io.orleans-orchestrator.tenant";
    public const string AttemptLabel = "io.orleans-orchestrator.attempt";

    public const string SandboxType = "podsandbox";
    public const string ContainerType = "container";

    /// <summary>dockershim called the infrastructure container "POD", in its name and its container-name label.</summary>
    public const string SandboxContainerName = "POD";

    public static string SandboxName(PodRef pod) =>
        $"k8s_{SandboxContainerName}_{pod.Name}_{pod.Namespace}_{pod.Uid}_0";

    public static string ContainerName(PodRef pod, string container, int attempt) =>
        $"k8s_{container}_{pod.Name}_{pod.Namespace}_{pod.Uid}_{attempt.ToString(CultureInfo.InvariantCulture)}";

    public static Dictionary<string, string> Labels(string cluster, string node, PodRef pod, string containerName, string type, int attempt) => new()
    {
        [ClusterLabel] = cluster,
        [PodNameLabel] = pod.Name,
        [PodNamespaceLabel] = pod.Namespace,
        [PodUidLabel] = pod.Uid,
        [ContainerNameLabel] = containerName,
        [ContainerTypeLabel] = type,
        [NodeLabel] = node,
        [TenantLabel] = pod.Tenant,
        [AttemptLabel] = attempt.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The pod a container belongs to, read back from its labels; null when it is not one of ours.</summary>
    public static PodRef? PodOf(IDictionary<string, string>? labels)
    {
        if (labels is null
            || !labels.TryGetValue(PodNameLabel, out var name)
            || !labels.TryGetValue(PodNamespaceLabel, out var ns)
            || !labels.TryGetValue(PodUidLabel, out var uid))
        {
            return null;
        }

        return new PodRef(labels.TryGetValue(TenantLabel, out var tenant) ? tenant : "", ns, name, uid);
    }

    public static int AttemptOf(IDictionary<string, string> labels) =>
        labels.TryGetValue(AttemptLabel, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var attempt)
            ? attempt
            : 0;

    /// <summary>
    /// Docker's list filter for this node's containers of this type (label filters are ANDed); the engine cannot
    /// match a missing label, so the cluster is checked on what it answers, with <see cref="BelongsTo"/>.
    /// </summary>
    public static IDictionary<string, IDictionary<string, bool>> NodeFilter(string node, string type, string? podUid = null)
    {
        var labels = new Dictionary<string, bool>
        {
            [$"{NodeLabel}={node}"] = true,
            [$"{ContainerTypeLabel}={type}"] = true,
        };
        if (podUid is not null)
        {
            labels[$"{PodUidLabel}={podUid}"] = true;
        }

        return new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels };
    }

    /// <summary>
    /// Whether a container is one of <paramref name="cluster"/>'s on <paramref name="node"/>, of this type. Containers
    /// made before containers carried their cluster have no cluster label: they count as the default cluster's,
    /// which is what every installation was unless started with another <c>--cluster-id</c>.
    /// </summary>
    public static bool BelongsTo(IDictionary<string, string>? labels, string cluster, string node, string type) =>
        labels is not null
        && (labels.TryGetValue(ClusterLabel, out var owner) ? owner : ClusterIdentity.DefaultClusterId) == cluster
        && labels.TryGetValue(NodeLabel, out var labelledNode) && labelledNode == node
        && labels.TryGetValue(ContainerTypeLabel, out var labelledType) && labelledType == type;
}
