namespace OrleansOrchestrator.Contracts.Model;

/// <summary>
/// The annotations and label Kubernetes' Deployment controller keeps on ReplicaSets (and the revision on the
/// Deployment): written by the controller, read by the dashboard's rollout history.
/// </summary>
public static class DeploymentAnnotations
{
    /// <summary>The label that ties a ReplicaSet and its pods to one pod template of their Deployment.</summary>
    public const string PodTemplateHashLabel = "pod-template-hash";

    /// <summary>The rollout sequence number of a ReplicaSet; the Deployment carries its new ReplicaSet's.</summary>
    public const string Revision = "deployment.kubernetes.io/revision";

    /// <summary>Earlier revisions a ReplicaSet served (when a rollback reused it), comma-separated.</summary>
    public const string RevisionHistory = "deployment.kubernetes.io/revision-history";

    /// <summary>The deployment's <c>spec.replicas</c> when it last scaled this ReplicaSet: a mismatch marks a scaling event.</summary>
    public const string DesiredReplicas = "deployment.kubernetes.io/desired-replicas";

    /// <summary>desired + maxSurge when it last scaled this ReplicaSet: the base of proportional scaling.</summary>
    public const string MaxReplicas = "deployment.kubernetes.io/max-replicas";
}
