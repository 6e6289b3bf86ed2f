using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Agents.Node;

/// <summary>What a node agent reads from and writes to the cluster's store, by a pod's store key.</summary>
public interface IClusterAccess
{
    Task<ConfigMap?> ConfigMap(string tenant, string ns, string name);

    Task<Secret?> Secret(string tenant, string ns, string name);

    /// <summary>A claim of a pod's namespace; null when there is none.</summary>
    Task<PersistentVolumeClaim?> PersistentVolumeClaim(string tenant, string ns, string name);

    /// <summary>A PersistentVolume of the tenant (cluster-scoped within it); null only when there is none — throws when the cluster cannot be asked.</summary>
    Task<PersistentVolume?> PersistentVolume(string tenant, string name);

    /// <summary>This agent's Node as stored (with the labels others added); null when not registered yet.</summary>
    Task<Contracts.Model.Node?> ThisNode();

    /// <summary>Writes the pod's status (only the status: the spec is the control plane's).</summary>
    Task WriteStatus(string podKey, Pod pod, PodStatus status);

    /// <summary>Reports a Kubernetes Event about a pod (Pulling, Started, Killing, BackOff …), from this node's agent.</summary>
    void RecordEvent(string podKey, Pod pod, string type, string reason, string message);

    /// <summary>
    /// The service account token of a pod bound to this node, with the API's certificate; null where the cluster issues
    /// none (a cluster access that does not reach a silo).
    /// </summary>
    Task<Contracts.Security.PodToken?> PodToken(string podKey, string uid) => Task.FromResult<Contracts.Security.PodToken?>(null);

    /// <summary>Removes a pod whose containers are gone after it was marked for deletion (the second step of a graceful delete).</summary>
    Task FinishDeletion(string podKey, string uid);
}
