using System.Collections.Frozen;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>The identity of every kind the cluster stores; what the silo does with each is its strategy in the kind registry.</summary>
public static class ResourceKinds
{
    /// <summary>The category of the workloads <c>kubectl get all</c> shows, as in Kubernetes.</summary>
    private static readonly string[] InAll = ["all"];

    /// <summary>The API group of roles and bindings.</summary>
    public const string RbacGroup = "rbac.authorization.k8s.io";

    public static readonly ResourceKind Namespace = new("", "v1", "Namespace", "namespaces", "namespace", false, typeof(Namespace), ["ns"], []);
    public static readonly ResourceKind Node = new("", "v1", "Node", "nodes", "node", false, typeof(Node), ["no"], []);
    public static readonly ResourceKind Pod = new("", "v1", "Pod", "pods", "pod", true, typeof(Pod), ["po"], InAll);
    public static readonly ResourceKind Service = new("", "v1", "Service", "services", "service", true, typeof(Service), ["svc"], InAll);
    public static readonly ResourceKind Endpoints = new("", "v1", "Endpoints", "endpoints", "endpoints", true, typeof(Endpoints), ["ep"], []);
    public static readonly ResourceKind ConfigMap = new("", "v1", "ConfigMap", "configmaps", "configmap", true, typeof(ConfigMap), ["cm"], []);
    public static readonly ResourceKind Secret = new("", "v1", "Secret", "secrets", "secret", true, typeof(Secret), [], []);
    public static readonly ResourceKind ServiceAccount = new("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", true, typeof(ServiceAccount), ["sa"], []);
    public static readonly ResourceKind Event = new("", "v1", "Event", "events", "event", true, typeof(Event), ["ev"], []);
    public static readonly ResourceKind PersistentVolumeClaim = new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", true, typeof(PersistentVolumeClaim), ["pvc"], []);
    public static readonly ResourceKind ReplicaSet = new("apps", "v1", "ReplicaSet", "replicasets", "replicaset", true, typeof(ReplicaSet), ["rs"], InAll);
    public static readonly ResourceKind Deployment = new("apps", "v1", "Deployment", "deployments", "deployment", true, typeof(Deployment), ["deploy"], InAll);
    public static readonly ResourceKind StatefulSet = new("apps", "v1", "StatefulSet", "statefulsets", "statefulset", true, typeof(StatefulSet), ["sts"], InAll);
    public static readonly ResourceKind DaemonSet = new("apps", "v1", "DaemonSet", "daemonsets", "daemonset", true, typeof(DaemonSet), ["ds"], InAll);
    public static readonly ResourceKind Job = new("batch", "v1", "Job", "jobs", "job", true, typeof(Job), [], InAll);
    public static readonly ResourceKind CronJob = new("batch", "v1", "CronJob", "cronjobs", "cronjob", true, typeof(CronJob), ["cj"], InAll);
    public static readonly ResourceKind ControllerRevision = new("apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevision", true, typeof(ControllerRevision), [], []);
    public static readonly ResourceKind PersistentVolume = new("", "v1", "PersistentVolume", "persistentvolumes", "persistentvolume", false, typeof(PersistentVolume), ["pv"], []);
    public static readonly ResourceKind StorageClass = new("storage.k8s.io", "v1", "StorageClass", "storageclasses", "storageclass", false, typeof(StorageClass), ["sc"], []);
    public static readonly ResourceKind ResourceQuota = new("", "v1", "ResourceQuota", "resourcequotas", "resourcequota", true, typeof(ResourceQuota), ["quota"], []);
    public static readonly ResourceKind LimitRange = new("", "v1", "LimitRange", "limitranges", "limitrange", true, typeof(LimitRange), ["limits"], []);
    public static readonly ResourceKind EndpointSlice = new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", true, typeof(EndpointSlice), [], []);

    public static readonly ResourceKind Role = new(RbacGroup, "v1", "Role", "roles", "role", true, typeof(Role), [], []);
    public static readonly ResourceKind RoleBinding = new(RbacGroup, "v1", "RoleBinding", "rolebindings", "rolebinding", true, typeof(RoleBinding), [], []);
    public static readonly ResourceKind ClusterRole = new(RbacGroup, "v1", "ClusterRole", "clusterroles", "clusterrole", false, typeof(ClusterRole), [], []);
    public static readonly ResourceKind ClusterRoleBinding = new(RbacGroup, "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", false, typeof(ClusterRoleBinding), [], []);

    /// <summary>Our own kinds' group: every kind in it is the operator's and is stored in the system tenant.</summary>
    public const string TenancyGroup = "tenancy.orleans-orchestrator.io";

    public static readonly ResourceKind User = new(TenancyGroup, "v1", "User", "users", "user", true, typeof(User), [], []);
    public static readonly ResourceKind AccessToken = new(TenancyGroup, "v1", "AccessToken", "accesstokens", "accesstoken", true, typeof(AccessToken), [], []);
    public static readonly ResourceKind Tenant = new(TenancyGroup, "v1", "Tenant", "tenants", "tenant", false, typeof(Tenant), [], []);

    public static readonly IReadOnlyList<ResourceKind> All =
        [Namespace, Node, Pod, Service, Endpoints, ConfigMap, Secret, Event, PersistentVolumeClaim, ReplicaSet, Deployment, StatefulSet, Job, CronJob, EndpointSlice, ControllerRevision, DaemonSet, PersistentVolume, StorageClass, ResourceQuota, LimitRange,
         Role, RoleBinding, ClusterRole, ClusterRoleBinding, ServiceAccount, Tenant, User, AccessToken];

    /// <summary>
    /// Kinds only the operator (<c>system:masters</c>) may touch, stored in the system tenant every tenant shares:
    /// Nodes and every kind of <see cref="TenancyGroup"/>.
    /// </summary>
    public static bool IsOperatorOnly(ResourceKind kind) => kind == Node || kind.Group == TenancyGroup;

    private static readonly FrozenDictionary<(string Group, string Plural), ResourceKind> ByGroupPlural =
        All.ToFrozenDictionary(k => (k.Group, k.Plural));

    private static readonly FrozenDictionary<Type, ResourceKind> ByType = All.ToFrozenDictionary(k => k.ClrType);

    private static readonly FrozenDictionary<string, ResourceKind> ByResource = All.ToFrozenDictionary(k => k.Resource);

    public static ResourceKind? Find(string group, string plural) => ByGroupPlural.GetValueOrDefault((group, plural));

    /// <summary>By the name used in store keys and messages (<c>deployments.apps</c>).</summary>
    public static ResourceKind? FindByResource(string resource) => ByResource.GetValueOrDefault(resource);

    public static ResourceKind Of(KubeObject obj) => ByType[obj.GetType()];

    public static ResourceKind Of<T>() where T : KubeObject => ByType[typeof(T)];
}
