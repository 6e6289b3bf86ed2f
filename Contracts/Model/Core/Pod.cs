using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

// A pod and the pod-spec types it is built from (also used by the templates of workload kinds).
// Kept together in one file because they are one Kubernetes schema and are read as one.

[GenerateSerializer, Immutable, Alias("oo.Pod")]
public sealed record Pod : KubeObject
{
    [Id(0)] public PodSpec Spec { get; init; } = new();
    [Id(1)] public PodStatus? Status { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.PodTemplateSpec")]
public sealed record PodTemplateSpec
{
    [Id(0)] public ObjectMeta? Metadata { get; init; }
    [Id(1)] public PodSpec Spec { get; init; } = new();
}

[GenerateSerializer, Immutable, Alias("oo.PodSpec")]
public sealed record PodSpec
{
    [Id(0)] public IReadOnlyList<Container> Containers { get; init; } = [];
    [Id(1)] public IReadOnlyList<Container>? InitContainers { get; init; }
    [Id(2)] public IReadOnlyList<Volume>? Volumes { get; init; }
    [Id(3)] public string? RestartPolicy { get; init; }
    [Id(4)] public long? TerminationGracePeriodSeconds { get; init; }
    [Id(5)] public long? ActiveDeadlineSeconds { get; init; }
    [Id(6)] public string? DnsPolicy { get; init; }
    [Id(7)] public IReadOnlyDictionary<string, string>? NodeSelector { get; init; }
    [Id(8)] public string? ServiceAccountName { get; init; }
    [Id(9)] public string? ServiceAccount { get; init; }
    [Id(10)] public bool? AutomountServiceAccountToken { get; init; }
    [Id(11)] public string? NodeName { get; init; }
    [Id(12)] public bool? HostNetwork { get; init; }
    [Id(13)] public bool? HostPID { get; init; }
    [Id(14)] public bool? HostIPC { get; init; }
    [Id(15)] public bool? ShareProcessNamespace { get; init; }
    [Id(16)] public PodSecurityContext? SecurityContext { get; init; }
    [Id(17)] public IReadOnlyList<LocalObjectReference>? ImagePullSecrets { get; init; }
    [Id(18)] public string? Hostname { get; init; }
    [Id(19)] public string? Subdomain { get; init; }
    [Id(20)] public Affinity? Affinity { get; init; }
    [Id(21)] public string? SchedulerName { get; init; }
    [Id(22)] public IReadOnlyList<Toleration>? Tolerations { get; init; }
    [Id(23)] public string? PriorityClassName { get; init; }
    [Id(24)] public int? Priority { get; init; }
    [Id(25)] public IReadOnlyList<TopologySpreadConstraint>? TopologySpreadConstraints { get; init; }
    [Id(26)] public bool? EnableServiceLinks { get; init; }
    [Id(27)] public string? PreemptionPolicy { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.Container")]
public sealed record Container
{
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public string? Image { get; init; }
    [Id(2)] public IReadOnlyList<string>? Command { get; init; }
    [Id(3)] public IReadOnlyList<string>? Args { get; init; }
    [Id(4)] public string? WorkingDir { get; init; }
    [Id(5)] public IReadOnlyList<ContainerPort>? Ports { get; init; }
    [Id(6)] public IReadOnlyList<EnvFromSource>? EnvFrom { get; init; }
    [Id(7)] public IReadOnlyList<EnvVar>? Env { get; init; }
    [Id(8)] public ResourceRequirements? Resources { get; init; }
    [Id(9)] public IReadOnlyList<VolumeMount>? VolumeMounts { get; init; }
    [Id(10)] public Probe? LivenessProbe { get; init; }
    [Id(11)] public Probe? ReadinessProbe { get; init; }
    [Id(12)] public Probe? StartupProbe { get; init; }
    [Id(13)] public Lifecycle? Lifecycle { get; init; }
    [Id(14)] public string? TerminationMessagePath { get; init; }
    [Id(15)] public string? TerminationMessagePolicy { get; init; }
    [Id(16)] public string? ImagePullPolicy { get; init; }
    [Id(17)] public SecurityContext? SecurityContext { get; init; }
    [Id(18)] public bool? Stdin { get; init; }
    [Id(19)] public bool? StdinOnce { get; init; }
    [Id(20)] public bool? Tty { get; init; }
    [Id(21)] public string? RestartPolicy { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ContainerPort")]
public sealed record ContainerPort
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public int? HostPort { get; init; }
    /// <summary>The port the container listens on (<c>containerPort</c>; C# forbids a member named like its type).</summary>
    [Id(2), JsonPropertyName("containerPort")] public int Number { get; init; }
    [Id(3)] public string? Protocol { get; init; }
    [Id(4)] public string? HostIP { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.EnvVar")]
public sealed record EnvVar
{
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public string? Value { get; init; }
    [Id(2)] public EnvVarSource? ValueFrom { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.EnvVarSource")]
public sealed record EnvVarSource
{
    [Id(0)] public KeySelector? ConfigMapKeyRef { get; init; }
    [Id(1)] public KeySelector? SecretKeyRef { get; init; }
    [Id(2)] public ObjectFieldSelector? FieldRef { get; init; }
    [Id(3)] public ResourceFieldSelector? ResourceFieldRef { get; init; }
}

/// <summary>A key of a named ConfigMap or Secret (<c>ConfigMapKeySelector</c>/<c>SecretKeySelector</c>).</summary>
[GenerateSerializer, Immutable, Alias("oo.KeySelector")]
public sealed record KeySelector
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public string Key { get; init; } = "";
    [Id(2)] public bool? Optional { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ObjectFieldSelector")]
public sealed record ObjectFieldSelector
{
    [Id(0)] public string? ApiVersion { get; init; }
    [Id(1)] public string FieldPath { get; init; } = "";
}

[GenerateSerializer, Immutable, Alias("oo.ResourceFieldSelector")]
public sealed record ResourceFieldSelector
{
    [Id(0)] public string? ContainerName { get; init; }
    [Id(1)] public string Resource { get; init; } = "";
    [Id(2), JsonConverter(typeof(QuantityJsonConverter))] public string? Divisor { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.EnvFromSource")]
public sealed record EnvFromSource
{
    [Id(0)] public string? Prefix { get; init; }
    [Id(1)] public NamedSourceRef? ConfigMapRef { get; init; }
    [Id(2)] public NamedSourceRef? SecretRef { get; init; }
}

/// <summary>A whole ConfigMap or Secret by name (<c>ConfigMapEnvSource</c>/<c>SecretEnvSource</c>).</summary>
[GenerateSerializer, Immutable, Alias("oo.NamedSourceRef")]
public sealed record NamedSourceRef
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public bool? Optional { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.LocalObjectReference")]
public sealed record LocalObjectReference
{
    [Id(0)] public string? Name { get; init; }
}

/// <summary>CPU/memory as Kubernetes quantities ("250m", "128Mi"), kept as written; <see cref="Quantity"/> parses them.</summary>
[GenerateSerializer, Immutable, Alias("oo.ResourceRequirements")]
public sealed record ResourceRequirements
{
    [Id(0), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Limits { get; init; }
    [Id(1), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Requests { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.VolumeMount")]
public sealed record VolumeMount
{
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public string MountPath { get; init; } = "";
    [Id(2)] public string? SubPath { get; init; }
    [Id(3)] public bool? ReadOnly { get; init; }
    [Id(4)] public string? MountPropagation { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.Volume")]
public sealed record Volume
{
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public EmptyDirVolumeSource? EmptyDir { get; init; }
    [Id(2)] public ConfigMapVolumeSource? ConfigMap { get; init; }
    [Id(3)] public SecretVolumeSource? Secret { get; init; }
    [Id(4)] public PersistentVolumeClaimVolumeSource? PersistentVolumeClaim { get; init; }
    [Id(5)] public HostPathVolumeSource? HostPath { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.EmptyDirVolumeSource")]
public sealed record EmptyDirVolumeSource
{
    [Id(0)] public string? Medium { get; init; }
    [Id(1), JsonConverter(typeof(QuantityJsonConverter))] public string? SizeLimit { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.KeyToPath")]
public sealed record KeyToPath
{
    [Id(0)] public string Key { get; init; } = "";
    [Id(1)] public string Path { get; init; } = "";
    [Id(2)] public int? Mode { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ConfigMapVolumeSource")]
public sealed record ConfigMapVolumeSource
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public IReadOnlyList<KeyToPath>? Items { get; init; }
    [Id(2)] public int? DefaultMode { get; init; }
    [Id(3)] public bool? Optional { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.SecretVolumeSource")]
public sealed record SecretVolumeSource
{
    [Id(0)] public string? SecretName { get; init; }
    [Id(1)] public IReadOnlyList<KeyToPath>? Items { get; init; }
    [Id(2)] public int? DefaultMode { get; init; }
    [Id(3)] public bool? Optional { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.PersistentVolumeClaimVolumeSource")]
public sealed record PersistentVolumeClaimVolumeSource
{
    [Id(0)] public string ClaimName { get; init; } = "";
    [Id(1)] public bool? ReadOnly { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.HostPathVolumeSource")]
public sealed record HostPathVolumeSource
{
    [Id(0)] public string Path { get; init; } = "";
    [Id(1)] public string? Type { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.Probe")]
public sealed record Probe
{
    [Id(0)] public ExecAction? Exec { get; init; }
    [Id(1)] public HttpGetAction? HttpGet { get; init; }
    [Id(2)] public TcpSocketAction? TcpSocket { get; init; }
    [Id(3)] public GrpcAction? Grpc { get; init; }
    [Id(4)] public int? InitialDelaySeconds { get; init; }
    [Id(5)] public int? TimeoutSeconds { get; init; }
    [Id(6)] public int? PeriodSeconds { get; init; }
    [Id(7)] public int? SuccessThreshold { get; init; }
    [Id(8)] public int? FailureThreshold { get; init; }
    [Id(9)] public long? TerminationGracePeriodSeconds { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ExecAction")]
public sealed record ExecAction
{
    [Id(0)] public IReadOnlyList<string>? Command { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.HttpGetAction")]
public sealed record HttpGetAction
{
    [Id(0)] public string? Path { get; init; }
    [Id(1)] public IntOrString Port { get; init; }
    [Id(2)] public string? Host { get; init; }
    [Id(3)] public string? Scheme { get; init; }
    [Id(4)] public IReadOnlyList<HttpHeader>? HttpHeaders { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.HttpHeader")]
public sealed record HttpHeader
{
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public string Value { get; init; } = "";
}

[GenerateSerializer, Immutable, Alias("oo.TcpSocketAction")]
public sealed record TcpSocketAction
{
    [Id(0)] public IntOrString Port { get; init; }
    [Id(1)] public string? Host { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.GrpcAction")]
public sealed record GrpcAction
{
    [Id(0)] public int Port { get; init; }
    [Id(1)] public string? Service { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.Lifecycle")]
public sealed record Lifecycle
{
    [Id(0)] public LifecycleHandler? PostStart { get; init; }
    [Id(1)] public LifecycleHandler? PreStop { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.LifecycleHandler")]
public sealed record LifecycleHandler
{
    [Id(0)] public ExecAction? Exec { get; init; }
    [Id(1)] public HttpGetAction? HttpGet { get; init; }
    [Id(2)] public TcpSocketAction? TcpSocket { get; init; }
    [Id(3)] public SleepAction? Sleep { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.SleepAction")]
public sealed record SleepAction
{
    [Id(0)] public long Seconds { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.SecurityContext")]
public sealed record SecurityContext
{
    [Id(0)] public long? RunAsUser { get; init; }
    [Id(1)] public long? RunAsGroup { get; init; }
    [Id(2)] public bool? RunAsNonRoot { get; init; }
    [Id(3)] public bool? Privileged { get; init; }
    [Id(4)] public bool? ReadOnlyRootFilesystem { get; init; }
    [Id(5)] public bool? AllowPrivilegeEscalation { get; init; }
    [Id(6)] public Capabilities? Capabilities { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.Capabilities")]
public sealed record Capabilities
{
    [Id(0)] public IReadOnlyList<string>? Add { get; init; }
    [Id(1)] public IReadOnlyList<string>? Drop { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.PodSecurityContext")]
public sealed record PodSecurityContext
{
    [Id(0)] public long? RunAsUser { get; init; }
    [Id(1)] public long? RunAsGroup { get; init; }
    [Id(2)] public bool? RunAsNonRoot { get; init; }
    [Id(3)] public long? FsGroup { get; init; }
    [Id(4)] public IReadOnlyList<long>? SupplementalGroups { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.Toleration")]
public sealed record Toleration
{
    [Id(0)] public string? Key { get; init; }
    [Id(1)] public string? Operator { get; init; }
    [Id(2)] public string? Value { get; init; }
    [Id(3)] public string? Effect { get; init; }
    [Id(4)] public long? TolerationSeconds { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.TopologySpreadConstraint")]
public sealed record TopologySpreadConstraint
{
    [Id(0)] public int MaxSkew { get; init; }
    [Id(1)] public string TopologyKey { get; init; } = "";
    [Id(2)] public string WhenUnsatisfiable { get; init; } = "";
    [Id(3)] public LabelSelector? LabelSelector { get; init; }
    [Id(4)] public int? MinDomains { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.Affinity")]
public sealed record Affinity
{
    [Id(0)] public NodeAffinity? NodeAffinity { get; init; }
    [Id(1)] public PodAffinity? PodAffinity { get; init; }
    [Id(2)] public PodAffinity? PodAntiAffinity { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.NodeAffinity")]
public sealed record NodeAffinity
{
    [Id(0)] public NodeSelector? RequiredDuringSchedulingIgnoredDuringExecution { get; init; }
    [Id(1)] public IReadOnlyList<PreferredSchedulingTerm>? PreferredDuringSchedulingIgnoredDuringExecution { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.NodeSelector")]
public sealed record NodeSelector
{
    [Id(0)] public IReadOnlyList<NodeSelectorTerm> NodeSelectorTerms { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("oo.NodeSelectorTerm")]
public sealed record NodeSelectorTerm
{
    [Id(0)] public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }
    [Id(1)] public IReadOnlyList<LabelSelectorRequirement>? MatchFields { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.PreferredSchedulingTerm")]
public sealed record PreferredSchedulingTerm
{
    [Id(0)] public int Weight { get; init; }
    [Id(1)] public NodeSelectorTerm Preference { get; init; } = new();
}

/// <summary>Pod affinity and anti-affinity share one shape.</summary>
[GenerateSerializer, Immutable, Alias("oo.PodAffinity")]
public sealed record PodAffinity
{
    [Id(0)] public IReadOnlyList<PodAffinityTerm>? RequiredDuringSchedulingIgnoredDuringExecution { get; init; }
    [Id(1)] public IReadOnlyList<WeightedPodAffinityTerm>? PreferredDuringSchedulingIgnoredDuringExecution { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.PodAffinityTerm")]
public sealed record PodAffinityTerm
{
    [Id(0)] public LabelSelector? LabelSelector { get; init; }
    [Id(1)] public IReadOnlyList<string>? Namespaces { get; init; }
    [Id(2)] public string TopologyKey { get; init; } = "";
    [Id(3)] public LabelSelector? NamespaceSelector { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.WeightedPodAffinityTerm")]
public sealed record WeightedPodAffinityTerm
{
    [Id(0)] public int Weight { get; init; }
    [Id(1)] public PodAffinityTerm PodAffinityTerm { get; init; } = new();
}

[GenerateSerializer, Immutable, Alias("oo.PodStatus")]
public sealed record PodStatus
{
    [Id(0)] public string? Phase { get; init; }
    [Id(1)] public IReadOnlyList<Condition>? Conditions { get; init; }
    [Id(2)] public string? Message { get; init; }
    [Id(3)] public string? Reason { get; init; }
    [Id(4)] public string? NominatedNodeName { get; init; }
    [Id(5)] public string? HostIP { get; init; }
    [Id(6)] public IReadOnlyList<IPAddress>? HostIPs { get; init; }
    [Id(7)] public string? PodIP { get; init; }
    [Id(8)] public IReadOnlyList<IPAddress>? PodIPs { get; init; }
    [Id(9)] public DateTimeOffset? StartTime { get; init; }
    [Id(10)] public IReadOnlyList<ContainerStatus>? InitContainerStatuses { get; init; }
    [Id(11)] public IReadOnlyList<ContainerStatus>? ContainerStatuses { get; init; }
    [Id(12)] public string? QosClass { get; init; }
    /// <summary>
    /// Our extension: the node ports the pod's container ports are published on (dynamic unless the spec
    /// asked for a hostPort), the model HashiCorp Nomad uses. Services reach pods through these.
    /// </summary>
    [Id(13)] public IReadOnlyList<HostPortBinding>? HostPorts { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.HostPortBinding")]
public sealed record HostPortBinding
{
    [Id(0)] public int ContainerPort { get; init; }
    [Id(1)] public string Protocol { get; init; } = "TCP";
    [Id(2)] public string HostIP { get; init; } = "";
    [Id(3)] public int HostPort { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.IPAddress")]
public sealed record IPAddress
{
    [Id(0)] public string Ip { get; init; } = "";
}

[GenerateSerializer, Immutable, Alias("oo.ContainerStatus")]
public sealed record ContainerStatus
{
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public ContainerState? State { get; init; }
    [Id(2)] public ContainerState? LastState { get; init; }
    [Id(3)] public bool Ready { get; init; }
    [Id(4)] public int RestartCount { get; init; }
    [Id(5)] public string Image { get; init; } = "";
    [Id(6)] public string ImageID { get; init; } = "";
    [Id(7)] public string? ContainerID { get; init; }
    [Id(8)] public bool? Started { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ContainerState")]
public sealed record ContainerState
{
    [Id(0)] public ContainerStateWaiting? Waiting { get; init; }
    [Id(1)] public ContainerStateRunning? Running { get; init; }
    [Id(2)] public ContainerStateTerminated? Terminated { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ContainerStateWaiting")]
public sealed record ContainerStateWaiting
{
    [Id(0)] public string? Reason { get; init; }
    [Id(1)] public string? Message { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ContainerStateRunning")]
public sealed record ContainerStateRunning
{
    [Id(0)] public DateTimeOffset? StartedAt { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ContainerStateTerminated")]
public sealed record ContainerStateTerminated
{
    [Id(0)] public int ExitCode { get; init; }
    [Id(1)] public int? Signal { get; init; }
    [Id(2)] public string? Reason { get; init; }
    [Id(3)] public string? Message { get; init; }
    [Id(4)] public DateTimeOffset? StartedAt { get; init; }
    [Id(5)] public DateTimeOffset? FinishedAt { get; init; }
    [Id(6)] public string? ContainerID { get; init; }
}
