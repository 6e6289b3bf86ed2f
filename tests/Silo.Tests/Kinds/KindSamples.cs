using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Tests.Kinds;

/// <summary>
/// One valid object of every registered kind, for the tests that walk the registry. A kind added to the
/// registry without a sample here fails those tests by name.
/// </summary>
internal static class KindSamples
{
    private static readonly Dictionary<ResourceKind, Func<KubeObject>> Samples = new()
    {
        [ResourceKinds.Namespace] = () => new Namespace { Metadata = Meta("team-a", ns: null) },
        [ResourceKinds.Node] = () => new Node
        {
            Metadata = Meta("node-1", ns: null),
            Spec = new NodeSpec { PodCIDR = "10.1.0.0/24" },
            Status = new NodeStatus { Capacity = new Dictionary<string, string> { ["cpu"] = "2" } },
        },
        [ResourceKinds.Pod] = () => Tests.Samples.Pod(),
        [ResourceKinds.Service] = () => Tests.Samples.Service(),
        [ResourceKinds.Endpoints] = () => new Endpoints { Metadata = Meta("web") },
        [ResourceKinds.ConfigMap] = () => new ConfigMap { Metadata = Meta("settings"), Data = new Dictionary<string, string> { ["mode"] = "fast" } },
        [ResourceKinds.Secret] = () => new Secret { Metadata = Meta("token"), StringData = new Dictionary<string, string> { ["key"] = "value" } },
        [ResourceKinds.ServiceAccount] = () => new ServiceAccount { Metadata = Meta("builder"), AutomountServiceAccountToken = false },
        [ResourceKinds.Event] = () => new Event
        {
            Metadata = Meta("web-1.1"),
            InvolvedObject = new ObjectReference { Kind = "Pod", Name = "web-1", Namespace = "default" },
            Reason = "Scheduled",
            Type = "Normal",
        },
        [ResourceKinds.PersistentVolumeClaim] = () => new PersistentVolumeClaim
        {
            Metadata = Meta("data"),
            Spec = new PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new ResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = "1Gi" } },
            },
        },
        [ResourceKinds.PersistentVolume] = () => new PersistentVolume
        {
            Metadata = Meta("pv0001", ns: null),
            Spec = new PersistentVolumeSpec
            {
                Capacity = new Dictionary<string, string> { ["storage"] = "5Gi" },
                AccessModes = ["ReadWriteOnce"],
                HostPath = new HostPathVolumeSource { Path = "/mnt/data" },
            },
        },
        [ResourceKinds.ResourceQuota] = () => new ResourceQuota
        {
            Metadata = Meta("compute"),
            Spec = new ResourceQuotaSpec { Hard = new Dictionary<string, string> { ["pods"] = "2", ["requests.cpu"] = "1", ["limits.memory"] = "1Gi" } },
            Status = new ResourceQuotaStatus
            {
                Hard = new Dictionary<string, string> { ["pods"] = "2", ["requests.cpu"] = "1", ["limits.memory"] = "1Gi" },
                Used = new Dictionary<string, string> { ["pods"] = "1", ["requests.cpu"] = "500m", ["limits.memory"] = "256Mi" },
            },
        },
        [ResourceKinds.LimitRange] = () => new LimitRange
        {
            Metadata = Meta("bounds"),
            Spec = new LimitRangeSpec
            {
                Limits =
                [
                    new LimitRangeItem
                    {
                        Type = "Container",
                        Max = new Dictionary<string, string> { ["cpu"] = "1" },
                        Default = new Dictionary<string, string> { ["cpu"] = "500m" },
                        DefaultRequest = new Dictionary<string, string> { ["cpu"] = "250m" },
                    },
                ],
            },
        },
        [ResourceKinds.StorageClass] = () => new StorageClass
        {
            Metadata = Meta("standard", ns: null),
            Provisioner = "example.com/nfs",
            Parameters = new Dictionary<string, string> { ["type"] = "pd-standard" },
        },
        [ResourceKinds.Role] = () => new Role
        {
            Metadata = Meta("pod-reader"),
            Rules = [new PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "watch", "list"] }],
        },
        [ResourceKinds.ClusterRole] = () => new ClusterRole
        {
            Metadata = Meta("secret-reader", ns: null),
            Rules = [new PolicyRule { ApiGroups = [""], Resources = ["secrets"], Verbs = ["get", "watch", "list"] }],
        },
        [ResourceKinds.RoleBinding] = () => new RoleBinding
        {
            Metadata = Meta("read-pods"),
            Subjects = [new Subject { Kind = "User", Name = "jane", ApiGroup = "rbac.authorization.k8s.io" }],
            RoleRef = new RoleRef { Kind = "Role", Name = "pod-reader", ApiGroup = "rbac.authorization.k8s.io" },
        },
        [ResourceKinds.ClusterRoleBinding] = () => new ClusterRoleBinding
        {
            Metadata = Meta("read-secrets-global", ns: null),
            Subjects = [new Subject { Kind = "Group", Name = "manager", ApiGroup = "rbac.authorization.k8s.io" }],
            RoleRef = new RoleRef { Kind = "ClusterRole", Name = "secret-reader", ApiGroup = "rbac.authorization.k8s.io" },
        },
        [ResourceKinds.Tenant] = () => new Tenant
        {
            Metadata = Meta("acme", ns: null),
            Spec = new TenantSpec { Quota = new TenantQuota { Hard = new Dictionary<string, string> { ["pods"] = "10", ["requests.cpu"] = "4", ["namespaces"] = "3" } } },
        },
        [ResourceKinds.User] = () => new User
        {
            Metadata = Meta("erin", ns: "team-b"),
            Spec = new UserSpec { Groups = ["view"], PasswordHash = Silo.Api.Auth.Identity.Credentials.HashPassword("a-long-password") },
        },
        [ResourceKinds.AccessToken] = () => new AccessToken
        {
            Metadata = Meta("erin-laptop", ns: "team-b"),
            Spec = new AccessTokenSpec { User = "erin", ExpirationSeconds = 3600 },
            Status = new AccessTokenStatus { TokenHash = Silo.Api.Auth.Identity.Credentials.HashToken("team-b." + new string('a', 48)) },
        },
        [ResourceKinds.ReplicaSet] = () => new ReplicaSet
        {
            Metadata = Meta("web-abc"),
            Spec = new ReplicaSetSpec { Replicas = 2, Selector = Selector(), Template = Template() },
        },
        [ResourceKinds.Deployment] = () => Tests.Samples.Deployment(),
        [ResourceKinds.StatefulSet] = () => StatefulSet(),
        [ResourceKinds.Job] = () => Job(),
        [ResourceKinds.CronJob] = () => CronJob(),
        [ResourceKinds.DaemonSet] = () => DaemonSet(),
        [ResourceKinds.ControllerRevision] = () => new ControllerRevision
        {
            Metadata = Meta("web-7d4b9c"),
            Revision = 1,
            Data = new ControllerRevisionData { Spec = new ControllerRevisionSpec { Template = new RevisionPodTemplate { Patch = "replace", Spec = Template().Spec } } },
        },
        [ResourceKinds.EndpointSlice] = () => new EndpointSlice
        {
            Metadata = Meta("web-x7k2p") with { Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "web" } },
            AddressType = "IPv4",
            Endpoints =
            [
                new SliceEndpoint
                {
                    Addresses = ["10.244.1.5"],
                    Conditions = new EndpointConditions { Ready = true, Serving = true, Terminating = false },
                    NodeName = "node-1",
                    TargetRef = new ObjectReference { Kind = "Pod", Namespace = "default", Name = "web-1" },
                },
            ],
            Ports = [new EndpointSlicePort { Name = "http", Port = 8080 }],
        },
    };

    public static bool Has(ResourceKind kind) => Samples.ContainsKey(kind);

    /// <summary>The kind's sample as a client would send it (not yet defaulted).</summary>
    public static KubeObject For(ResourceKind kind) => Samples[kind]();

    /// <summary>The kind's sample as the API would create it: defaulted, named, with a uid, prepared.</summary>
    public static KubeObject Created(ResourceKind kind)
    {
        var strategy = Silo.Kinds.KindRegistry.For(kind);
        var obj = strategy.Default(For(kind));
        obj = obj with { Metadata = obj.Metadata with { Uid = "0f6c6d1e-7a51-4c39-9d0b-2b3c6f0e8a11" } };
        return strategy.PrepareForCreate(obj);
    }

    public static ObjectMeta Meta(string name, string? ns = "default") => new() { Name = name, Namespace = ns };

    public static LabelSelector Selector() => new() { MatchLabels = Tests.Samples.Labels(("app", "web")) };

    public static PodTemplateSpec Template(PodSpec? spec = null) => new()
    {
        Metadata = new ObjectMeta { Labels = Tests.Samples.Labels(("app", "web")) },
        Spec = spec ?? Tests.Samples.PodSpec(),
    };

    /// <summary>The StatefulSet of the Kubernetes documentation: <c>web</c>, its pods mounting the claim template <c>www</c>.</summary>
    public static StatefulSet StatefulSet() => new()
    {
        Metadata = Meta("web"),
        Spec = new StatefulSetSpec
        {
            Selector = new LabelSelector { MatchLabels = Tests.Samples.Labels(("app", "nginx")) },
            ServiceName = "nginx",
            Replicas = 3,
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = Tests.Samples.Labels(("app", "nginx")) },
                Spec = new PodSpec
                {
                    TerminationGracePeriodSeconds = 10,
                    Containers =
                    [
                        new Container
                        {
                            Name = "nginx",
                            Image = "registry.k8s.io/nginx-slim:0.24",
                            Ports = [new ContainerPort { Number = 80, Name = "web" }],
                            VolumeMounts = [new VolumeMount { Name = "www", MountPath = "/usr/share/nginx/html" }],
                        },
                    ],
                },
            },
            VolumeClaimTemplates =
            [
                new PersistentVolumeClaim
                {
                    Metadata = new ObjectMeta { Name = "www" },
                    Spec = new PersistentVolumeClaimSpec
                    {
                        AccessModes = ["ReadWriteOnce"],
                        StorageClassName = "my-storage-class",
                        Resources = new ResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = "1Gi" } },
                    },
                },
            ],
        },
    };

    /// <summary>The <c>fluentd-elasticsearch</c> DaemonSet of the Kubernetes documentation.</summary>
    public static DaemonSet DaemonSet() => new()
    {
        Metadata = Meta("fluentd-elasticsearch") with { Labels = Tests.Samples.Labels(("k8s-app", "fluentd-logging")) },
        Spec = new DaemonSetSpec
        {
            Selector = new LabelSelector { MatchLabels = Tests.Samples.Labels(("name", "fluentd-elasticsearch")) },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = Tests.Samples.Labels(("name", "fluentd-elasticsearch")) },
                Spec = new PodSpec
                {
                    Tolerations = [new Toleration { Key = "node-role.kubernetes.io/control-plane", Operator = "Exists", Effect = "NoSchedule" }],
                    TerminationGracePeriodSeconds = 30,
                    Containers =
                    [
                        new Container
                        {
                            Name = "fluentd-elasticsearch",
                            Image = "quay.io/fluentd_elasticsearch/fluentd:v2.5.2",
                            Resources = new ResourceRequirements
                            {
                                Limits = new Dictionary<string, string> { ["memory"] = "200Mi" },
                                Requests = new Dictionary<string, string> { ["cpu"] = "100m", ["memory"] = "200Mi" },
                            },
                        },
                    ],
                },
            },
        },
    };

    /// <summary>The <c>pi</c> Job of the Kubernetes documentation.</summary>
    public static Job Job() => new()
    {
        Metadata = Meta("pi"),
        Spec = new JobSpec
        {
            BackoffLimit = 4,
            Template = new PodTemplateSpec
            {
                Spec = new PodSpec
                {
                    RestartPolicy = "Never",
                    Containers = [new Container { Name = "pi", Image = "perl:5.34.0", Command = ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"] }],
                },
            },
        },
    };

    /// <summary>The <c>hello</c> CronJob of the Kubernetes documentation.</summary>
    public static CronJob CronJob() => new()
    {
        Metadata = Meta("hello"),
        Spec = new CronJobSpec
        {
            Schedule = "* * * * *",
            JobTemplate = new JobTemplateSpec
            {
                Spec = new JobSpec
                {
                    Template = new PodTemplateSpec
                    {
                        Spec = new PodSpec
                        {
                            RestartPolicy = "OnFailure",
                            Containers = [new Container { Name = "hello", Image = "busybox:1.28", Command = ["/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"] }],
                        },
                    },
                },
            },
        },
    };
}
