using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

// A pod and the pod-spec types it is built from (also used by the templates of workload kinds).
// Kept together in one file because they are one Kubernetes schema and are read as one.

/// <summary>A group of containers that run together on one node, sharing its network address and volumes. Usually created by a workload (Deployment, ReplicaSet, StatefulSet) from its pod template.</summary>
[GenerateSerializer, Immutable, Alias("oo.Pod")]
public sealed record Pod : KubeObject
{
    /// <summary>What the pod should run: its containers, volumes and scheduling constraints. Mostly fixed once the pod is created.</summary>
    [Id(0)] public PodSpec Spec { get; init; } = new();
    /// <summary>What was last observed of the pod: its phase, conditions, addresses and the state of each container. Written by the system.</summary>
    [Id(1)] public PodStatus? Status { get; init; }
}

/// <summary>The pod a workload creates copies of: labels and annotations for each copy, and its spec.</summary>
[GenerateSerializer, Immutable, Alias("oo.PodTemplateSpec")]
public sealed record PodTemplateSpec
{
    /// <summary>Labels and annotations given to every pod made from this template; the labels must match the workload's selector.</summary>
    [Id(0)] public ObjectMeta? Metadata { get; init; }
    /// <summary>The spec of every pod made from this template.</summary>
    [Id(1)] public PodSpec Spec { get; init; } = new();
}

/// <summary>What a pod runs and where it may run.</summary>
[GenerateSerializer, Immutable, Alias("oo.PodSpec")]
public sealed record PodSpec
{
    /// <summary>The containers of the pod, started together and running side by side. At least one; each name is unique in the pod.</summary>
    [Id(0)] public IReadOnlyList<Container> Containers { get; init; } = [];
    /// <summary>Containers that run one after the other, each to completion, before the regular containers start. If one fails, the pod's restart policy decides what happens.</summary>
    [Id(1)] public IReadOnlyList<Container>? InitContainers { get; init; }
    /// <summary>Storage the containers may mount, by name.</summary>
    [Id(2)] public IReadOnlyList<Volume>? Volumes { get; init; }
    /// <summary>When containers that exit are restarted: <c>Always</c> (default), <c>OnFailure</c> or <c>Never</c>.</summary>
    [Id(3)] public string? RestartPolicy { get; init; }
    /// <summary>Seconds a container is given to exit after it is asked to stop, before it is killed. Default 30.</summary>
    [Id(4)] public long? TerminationGracePeriodSeconds { get; init; }
    /// <summary>Seconds the pod may run, counted from its start, before the system stops it and marks it failed.</summary>
    [Id(5)] public long? ActiveDeadlineSeconds { get; init; }
    /// <summary>How the containers resolve names: <c>ClusterFirst</c> (default), <c>Default</c>, <c>ClusterFirstWithHostNet</c> or <c>None</c>.</summary>
    [Id(6)] public string? DnsPolicy { get; init; }
    /// <summary>Labels a node must carry for the pod to be scheduled onto it.</summary>
    [Id(7)] public IReadOnlyDictionary<string, string>? NodeSelector { get; init; }
    /// <summary>The service account whose identity the pod's processes use.</summary>
    [Id(8)] public string? ServiceAccountName { get; init; }
    /// <summary>Older name of <c>serviceAccountName</c>.</summary>
    [Id(9)] public string? ServiceAccount { get; init; }
    /// <summary>Whether the service account's token is mounted into the containers.</summary>
    [Id(10)] public bool? AutomountServiceAccountToken { get; init; }
    /// <summary>The node the pod runs on. Set by the scheduler; setting it yourself skips scheduling.</summary>
    [Id(11)] public string? NodeName { get; init; }
    /// <summary>Use the node's network namespace instead of one of the pod's own; ports are then opened on the node directly.</summary>
    [Id(12)] public bool? HostNetwork { get; init; }
    /// <summary>Share the node's process id namespace.</summary>
    [Id(13)] public bool? HostPID { get; init; }
    /// <summary>Share the node's inter-process communication namespace.</summary>
    [Id(14)] public bool? HostIPC { get; init; }
    /// <summary>Let the containers of the pod see each other's processes.</summary>
    [Id(15)] public bool? ShareProcessNamespace { get; init; }
    /// <summary>User, group and file-system settings for every container of the pod; a container's own security context takes precedence.</summary>
    [Id(16)] public PodSecurityContext? SecurityContext { get; init; }
    /// <summary>Secrets holding registry credentials, used to pull the containers' images.</summary>
    [Id(17)] public IReadOnlyList<LocalObjectReference>? ImagePullSecrets { get; init; }
    /// <summary>The host name the containers see; defaults to the pod's name.</summary>
    [Id(18)] public string? Hostname { get; init; }
    /// <summary>With <c>hostname</c>, gives the pod the DNS name <c>hostname.subdomain.namespace.svc</c> through a headless service of that name.</summary>
    [Id(19)] public string? Subdomain { get; init; }
    /// <summary>Rules that attract the pod to, or keep it away from, nodes and other pods.</summary>
    [Id(20)] public Affinity? Affinity { get; init; }
    /// <summary>The scheduler that places the pod; the default scheduler when empty.</summary>
    [Id(21)] public string? SchedulerName { get; init; }
    /// <summary>Taints of nodes the pod accepts: a node tainted with an effect the pod does not tolerate does not take it (or evicts it).</summary>
    [Id(22)] public IReadOnlyList<Toleration>? Tolerations { get; init; }
    /// <summary>The priority class the pod's priority comes from.</summary>
    [Id(23)] public string? PriorityClassName { get; init; }
    /// <summary>The pod's priority, resolved from its priority class; higher goes first.</summary>
    [Id(24)] public int? Priority { get; init; }
    /// <summary>How evenly the pod and its siblings must spread over zones, nodes or other topology domains.</summary>
    [Id(25)] public IReadOnlyList<TopologySpreadConstraint>? TopologySpreadConstraints { get; init; }
    /// <summary>Whether environment variables describing the services of the namespace are injected into the containers. Default true.</summary>
    [Id(26)] public bool? EnableServiceLinks { get; init; }
    /// <summary>Whether the pod may evict pods of lower priority to be scheduled: <c>PreemptLowerPriority</c> (default) or <c>Never</c>.</summary>
    [Id(27)] public string? PreemptionPolicy { get; init; }
    /// <summary>Name servers, search domains and resolver options added to what <c>dnsPolicy</c> gives the pod's <c>/etc/resolv.conf</c>; with <c>dnsPolicy: None</c> the only ones.</summary>
    [Id(28)] public PodDNSConfig? DnsConfig { get; init; }
}

/// <summary>DNS settings of a pod, merged into the resolver configuration its <c>dnsPolicy</c> gives it.</summary>
[GenerateSerializer, Immutable, Alias("oo.PodDNSConfig")]
public sealed record PodDNSConfig
{
    /// <summary>Name server addresses, added after the policy's (at most 3 in all).</summary>
    [Id(0)] public IReadOnlyList<string>? Nameservers { get; init; }
    /// <summary>Search domains for short names, added after the policy's.</summary>
    [Id(1)] public IReadOnlyList<string>? Searches { get; init; }
    /// <summary>Resolver options such as <c>ndots</c>; one given here replaces the policy's option of the same name.</summary>
    [Id(2)] public IReadOnlyList<PodDNSConfigOption>? Options { get; init; }
}

/// <summary>One resolver option of <c>/etc/resolv.conf</c>, e.g. <c>ndots: "2"</c> or <c>edns0</c>.</summary>
[GenerateSerializer, Immutable, Alias("oo.PodDNSConfigOption")]
public sealed record PodDNSConfigOption
{
    /// <summary>The option's name, e.g. <c>ndots</c>.</summary>
    [Id(0)] public string Name { get; init; } = "";
    /// <summary>The option's value, if it takes one.</summary>
    [Id(1)] public string? Value { get; init; }
}

/// <summary>One container of a pod: the image to run, how to run it, what it needs and how its health is checked.</summary>
[GenerateSerializer, Immutable, Alias("oo.Container")]
public sealed record Container
{
    /// <summary>The container's name, unique within the pod.</summary>
    [Id(0)] public string Name { get; init; } = "";
    /// <summary>The container image to run, e.g. <c>nginx:1.25</c>.</summary>
    [Id(1)] public string? Image { get; init; }
    /// <summary>The executable and its arguments, replacing the image's entrypoint. Not run in a shell; <c>$(VAR)</c> refers to an environment variable.</summary>
    [Id(2)] public IReadOnlyList<string>? Command { get; init; }
    /// <summary>Arguments to the entrypoint, replacing the image's default arguments; <c>$(VAR)</c> refers to an environment variable.</summary>
    [Id(3)] public IReadOnlyList<string>? Args { get; init; }
    /// <summary>The directory the command runs in; the image's default when empty.</summary>
    [Id(4)] public string? WorkingDir { get; init; }
    /// <summary>Ports the container listens on. Informational: a port not listed here is reachable too.</summary>
    [Id(5)] public IReadOnlyList<ContainerPort>? Ports { get; init; }
    /// <summary>Whole ConfigMaps or Secrets whose keys become environment variables. Variables in <c>env</c> win over these.</summary>
    [Id(6)] public IReadOnlyList<EnvFromSource>? EnvFrom { get; init; }
    /// <summary>Environment variables, given as values or taken from ConfigMaps, Secrets or fields of the pod.</summary>
    [Id(7)] public IReadOnlyList<EnvVar>? Env { get; init; }
    /// <summary>CPU and memory the container asks for (requests, used for scheduling) and may not exceed (limits).</summary>
    [Id(8)] public ResourceRequirements? Resources { get; init; }
    /// <summary>Volumes of the pod mounted into the container's file system.</summary>
    [Id(9)] public IReadOnlyList<VolumeMount>? VolumeMounts { get; init; }
    /// <summary>A periodic check that the container is alive; the container is restarted when it fails.</summary>
    [Id(10)] public Probe? LivenessProbe { get; init; }
    /// <summary>A periodic check that the container can serve; while it fails, the pod is taken out of its services' endpoints.</summary>
    [Id(11)] public Probe? ReadinessProbe { get; init; }
    /// <summary>A check that the container has started; the other probes wait until it succeeds, and the container is restarted if it never does.</summary>
    [Id(12)] public Probe? StartupProbe { get; init; }
    /// <summary>Actions run right after the container starts and right before it stops.</summary>
    [Id(13)] public Lifecycle? Lifecycle { get; init; }
    /// <summary>The file whose content becomes the container's termination message. Default <c>/dev/termination-log</c>.</summary>
    [Id(14)] public string? TerminationMessagePath { get; init; }
    /// <summary>Where the termination message comes from: <c>File</c> (default) or <c>FallbackToLogsOnError</c>.</summary>
    [Id(15)] public string? TerminationMessagePolicy { get; init; }
    /// <summary>When the image is pulled: <c>Always</c>, <c>IfNotPresent</c> or <c>Never</c>. Default <c>Always</c> for the tag <c>latest</c> or no tag, <c>IfNotPresent</c> otherwise.</summary>
    [Id(16)] public string? ImagePullPolicy { get; init; }
    /// <summary>User, privileges and capabilities of the container's processes.</summary>
    [Id(17)] public SecurityContext? SecurityContext { get; init; }
    /// <summary>Keep a standard input open for the container, for attaching to it.</summary>
    [Id(18)] public bool? Stdin { get; init; }
    /// <summary>Close the standard input after the first attached client disconnects.</summary>
    [Id(19)] public bool? StdinOnce { get; init; }
    /// <summary>Give the container a terminal; usually with <c>stdin</c>.</summary>
    [Id(20)] public bool? Tty { get; init; }
    /// <summary>For an init container only: <c>Always</c> makes it a sidecar that keeps running beside the regular containers.</summary>
    [Id(21)] public string? RestartPolicy { get; init; }
}

/// <summary>A port a container listens on.</summary>
[GenerateSerializer, Immutable, Alias("oo.ContainerPort")]
public sealed record ContainerPort
{
    /// <summary>A name for the port, unique in the pod, which services can refer to instead of the number.</summary>
    [Id(0)] public string? Name { get; init; }
    /// <summary>A port of the node forwarded to this port of the container.</summary>
    [Id(1)] public int? HostPort { get; init; }
    /// <summary>The port number the container listens on.</summary>
    /// <remarks>Named <c>containerPort</c> on the wire; C# forbids a member named like its type.</remarks>
    [Id(2), JsonPropertyName("containerPort")] public int Number { get; init; }
    /// <summary><c>TCP</c> (default), <c>UDP</c> or <c>SCTP</c>.</summary>
    [Id(3)] public string? Protocol { get; init; }
    /// <summary>The node address the host port is opened on.</summary>
    [Id(4)] public string? HostIP { get; init; }
}

/// <summary>One environment variable of a container.</summary>
[GenerateSerializer, Immutable, Alias("oo.EnvVar")]
public sealed record EnvVar
{
    /// <summary>The variable's name.</summary>
    [Id(0)] public string Name { get; init; } = "";
    /// <summary>The variable's value; <c>$(VAR)</c> refers to a variable defined earlier. Empty when taken from <c>valueFrom</c>.</summary>
    [Id(1)] public string? Value { get; init; }
    /// <summary>Where the value comes from instead of <c>value</c>: a key of a ConfigMap or Secret, or a field of the pod.</summary>
    [Id(2)] public EnvVarSource? ValueFrom { get; init; }
}

/// <summary>The source of an environment variable's value; give exactly one.</summary>
[GenerateSerializer, Immutable, Alias("oo.EnvVarSource")]
public sealed record EnvVarSource
{
    /// <summary>A key of a ConfigMap in the pod's namespace.</summary>
    [Id(0)] public KeySelector? ConfigMapKeyRef { get; init; }
    /// <summary>A key of a Secret in the pod's namespace.</summary>
    [Id(1)] public KeySelector? SecretKeyRef { get; init; }
    /// <summary>A field of the pod, e.g. <c>metadata.name</c> or <c>status.podIP</c>.</summary>
    [Id(2)] public ObjectFieldSelector? FieldRef { get; init; }
    /// <summary>A request or limit of a container, e.g. <c>limits.memory</c>.</summary>
    [Id(3)] public ResourceFieldSelector? ResourceFieldRef { get; init; }
}

/// <summary>One key of a named ConfigMap or Secret.</summary>
/// <remarks>Kubernetes' <c>ConfigMapKeySelector</c> and <c>SecretKeySelector</c> in one record.</remarks>
[GenerateSerializer, Immutable, Alias("oo.KeySelector")]
public sealed record KeySelector
{
    /// <summary>Name of the ConfigMap or Secret.</summary>
    [Id(0)] public string? Name { get; init; }
    /// <summary>The key whose value is used.</summary>
    [Id(1)] public string Key { get; init; } = "";
    /// <summary>When true, a missing ConfigMap, Secret or key is not an error.</summary>
    [Id(2)] public bool? Optional { get; init; }
}

/// <summary>A field of the pod, by path.</summary>
[GenerateSerializer, Immutable, Alias("oo.ObjectFieldSelector")]
public sealed record ObjectFieldSelector
{
    /// <summary>The API version the path is written in. Default <c>v1</c>.</summary>
    [Id(0)] public string? ApiVersion { get; init; }
    /// <summary>The path of the field, e.g. <c>metadata.labels['app']</c>.</summary>
    [Id(1)] public string FieldPath { get; init; } = "";
}

/// <summary>A resource request or limit of a container.</summary>
[GenerateSerializer, Immutable, Alias("oo.ResourceFieldSelector")]
public sealed record ResourceFieldSelector
{
    /// <summary>The container; required for volumes, optional for environment variables.</summary>
    [Id(0)] public string? ContainerName { get; init; }
    /// <summary>The resource, e.g. <c>limits.cpu</c> or <c>requests.memory</c>.</summary>
    [Id(1)] public string Resource { get; init; } = "";
    /// <summary>The unit the value is expressed in, e.g. <c>1m</c> or <c>1Mi</c>. Default 1.</summary>
    [Id(2), JsonConverter(typeof(QuantityJsonConverter))] public string? Divisor { get; init; }
}

/// <summary>A whole ConfigMap or Secret whose keys become environment variables.</summary>
[GenerateSerializer, Immutable, Alias("oo.EnvFromSource")]
public sealed record EnvFromSource
{
    /// <summary>A prefix put before each key to make the variable's name.</summary>
    [Id(0)] public string? Prefix { get; init; }
    /// <summary>The ConfigMap to read.</summary>
    [Id(1)] public NamedSourceRef? ConfigMapRef { get; init; }
    /// <summary>The Secret to read.</summary>
    [Id(2)] public NamedSourceRef? SecretRef { get; init; }
}

/// <summary>A whole ConfigMap or Secret, by name.</summary>
/// <remarks>Kubernetes' <c>ConfigMapEnvSource</c> and <c>SecretEnvSource</c> in one record.</remarks>
[GenerateSerializer, Immutable, Alias("oo.NamedSourceRef")]
public sealed record NamedSourceRef
{
    /// <summary>Name of the ConfigMap or Secret.</summary>
    [Id(0)] public string? Name { get; init; }
    /// <summary>When true, a missing ConfigMap or Secret is not an error.</summary>
    [Id(1)] public bool? Optional { get; init; }
}

/// <summary>Refers to an object in the same namespace by name.</summary>
[GenerateSerializer, Immutable, Alias("oo.LocalObjectReference")]
public sealed record LocalObjectReference
{
    /// <summary>Name of the object.</summary>
    [Id(0)] public string? Name { get; init; }
}

/// <summary>The compute resources a container asks for and may use, e.g. <c>cpu: 250m</c>, <c>memory: 128Mi</c>.</summary>
/// <remarks>Quantities are kept as written; <see cref="Quantity"/> parses them.</remarks>
[GenerateSerializer, Immutable, Alias("oo.ResourceRequirements")]
public sealed record ResourceRequirements
{
    /// <summary>The most of each resource the container may use, e.g. <c>cpu: 500m</c>, <c>memory: 256Mi</c>. Memory beyond the limit kills the container.</summary>
    [Id(0), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Limits { get; init; }
    /// <summary>The amount of each resource reserved for the container; the scheduler places the pod on a node with this much free. Defaults to the limits.</summary>
    [Id(1), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Requests { get; init; }
}

/// <summary>Where a volume appears in a container's file system.</summary>
[GenerateSerializer, Immutable, Alias("oo.VolumeMount")]
public sealed record VolumeMount
{
    /// <summary>The name of a volume of the pod.</summary>
    [Id(0)] public string Name { get; init; } = "";
    /// <summary>The path inside the container where the volume appears. Must not contain <c>:</c>.</summary>
    [Id(1)] public string MountPath { get; init; } = "";
    /// <summary>A path within the volume to mount instead of its root.</summary>
    [Id(2)] public string? SubPath { get; init; }
    /// <summary>Mount read-only. Default false.</summary>
    [Id(3)] public bool? ReadOnly { get; init; }
    /// <summary>Whether mounts made later propagate between node and container: <c>None</c> (default), <c>HostToContainer</c> or <c>Bidirectional</c>.</summary>
    [Id(4)] public string? MountPropagation { get; init; }
}

/// <summary>Storage a pod's containers can mount: give a name and exactly one source.</summary>
[GenerateSerializer, Immutable, Alias("oo.Volume")]
public sealed record Volume
{
    /// <summary>The volume's name, unique in the pod; volume mounts refer to it.</summary>
    [Id(0)] public string Name { get; init; } = "";
    /// <summary>An empty directory created with the pod and deleted with it.</summary>
    [Id(1)] public EmptyDirVolumeSource? EmptyDir { get; init; }
    /// <summary>The keys of a ConfigMap, as files.</summary>
    [Id(2)] public ConfigMapVolumeSource? ConfigMap { get; init; }
    /// <summary>The keys of a Secret, as files.</summary>
    [Id(3)] public SecretVolumeSource? Secret { get; init; }
    /// <summary>The storage bound to a PersistentVolumeClaim in the pod's namespace.</summary>
    [Id(4)] public PersistentVolumeClaimVolumeSource? PersistentVolumeClaim { get; init; }
    /// <summary>A file or directory of the node. Gives access to the node itself: use with care.</summary>
    [Id(5)] public HostPathVolumeSource? HostPath { get; init; }
}

/// <summary>An empty directory that lives as long as the pod.</summary>
[GenerateSerializer, Immutable, Alias("oo.EmptyDirVolumeSource")]
public sealed record EmptyDirVolumeSource
{
    /// <summary>What backs the directory: the node's disk when empty, or <c>Memory</c> for a RAM-backed file system.</summary>
    [Id(0)] public string? Medium { get; init; }
    /// <summary>The most the directory may hold.</summary>
    [Id(1), JsonConverter(typeof(QuantityJsonConverter))] public string? SizeLimit { get; init; }
}

/// <summary>One key of a ConfigMap or Secret, projected to a file.</summary>
[GenerateSerializer, Immutable, Alias("oo.KeyToPath")]
public sealed record KeyToPath
{
    /// <summary>The key to project.</summary>
    [Id(0)] public string Key { get; init; } = "";
    /// <summary>The file's path, relative to the mount point. Must not contain <c>..</c>.</summary>
    [Id(1)] public string Path { get; init; } = "";
    /// <summary>The file's permission bits, e.g. 0644 (420 in decimal); <c>defaultMode</c> when unset.</summary>
    [Id(2)] public int? Mode { get; init; }
}

/// <summary>A ConfigMap whose keys appear as files.</summary>
[GenerateSerializer, Immutable, Alias("oo.ConfigMapVolumeSource")]
public sealed record ConfigMapVolumeSource
{
    /// <summary>Name of the ConfigMap.</summary>
    [Id(0)] public string? Name { get; init; }
    /// <summary>The keys to project and their file names; every key, named after itself, when empty.</summary>
    [Id(1)] public IReadOnlyList<KeyToPath>? Items { get; init; }
    /// <summary>Permission bits of the files, e.g. 0644 (420 in decimal). Default 0644.</summary>
    [Id(2)] public int? DefaultMode { get; init; }
    /// <summary>When true, a missing ConfigMap or key is not an error.</summary>
    [Id(3)] public bool? Optional { get; init; }
}

/// <summary>A Secret whose keys appear as files.</summary>
[GenerateSerializer, Immutable, Alias("oo.SecretVolumeSource")]
public sealed record SecretVolumeSource
{
    /// <summary>Name of the Secret.</summary>
    [Id(0)] public string? SecretName { get; init; }
    /// <summary>The keys to project and their file names; every key, named after itself, when empty.</summary>
    [Id(1)] public IReadOnlyList<KeyToPath>? Items { get; init; }
    /// <summary>Permission bits of the files, e.g. 0644 (420 in decimal). Default 0644.</summary>
    [Id(2)] public int? DefaultMode { get; init; }
    /// <summary>When true, a missing Secret or key is not an error.</summary>
    [Id(3)] public bool? Optional { get; init; }
}

/// <summary>The storage bound to a claim.</summary>
[GenerateSerializer, Immutable, Alias("oo.PersistentVolumeClaimVolumeSource")]
public sealed record PersistentVolumeClaimVolumeSource
{
    /// <summary>Name of the PersistentVolumeClaim in the pod's namespace.</summary>
    [Id(0)] public string ClaimName { get; init; } = "";
    /// <summary>Mount read-only.</summary>
    [Id(1)] public bool? ReadOnly { get; init; }
}

/// <summary>A path on the node.</summary>
[GenerateSerializer, Immutable, Alias("oo.HostPathVolumeSource")]
public sealed record HostPathVolumeSource
{
    /// <summary>The path on the node; a symbolic link is followed.</summary>
    [Id(0)] public string Path { get; init; } = "";
    /// <summary>What must be at the path: empty (no check), <c>DirectoryOrCreate</c>, <c>Directory</c>, <c>FileOrCreate</c>, <c>File</c>, <c>Socket</c>, <c>CharDevice</c> or <c>BlockDevice</c>.</summary>
    [Id(1)] public string? Type { get; init; }
}

/// <summary>A health check of a container: one action, and how often and how patiently it is run.</summary>
[GenerateSerializer, Immutable, Alias("oo.Probe")]
public sealed record Probe
{
    /// <summary>Run a command in the container; exit code 0 is success.</summary>
    [Id(0)] public ExecAction? Exec { get; init; }
    /// <summary>Send an HTTP GET to the container; a status from 200 to 399 is success.</summary>
    [Id(1)] public HttpGetAction? HttpGet { get; init; }
    /// <summary>Open a TCP connection to the container; a connection is success.</summary>
    [Id(2)] public TcpSocketAction? TcpSocket { get; init; }
    /// <summary>Call the gRPC health-checking service of the container.</summary>
    [Id(3)] public GrpcAction? Grpc { get; init; }
    /// <summary>Seconds after the container starts before the first check.</summary>
    [Id(4)] public int? InitialDelaySeconds { get; init; }
    /// <summary>Seconds a check may take before it counts as failed. Default 1.</summary>
    [Id(5)] public int? TimeoutSeconds { get; init; }
    /// <summary>Seconds between checks. Default 10.</summary>
    [Id(6)] public int? PeriodSeconds { get; init; }
    /// <summary>Successes in a row after a failure for the check to pass again. Default 1; must be 1 for liveness and startup probes.</summary>
    [Id(7)] public int? SuccessThreshold { get; init; }
    /// <summary>Failures in a row for the check to fail. Default 3.</summary>
    [Id(8)] public int? FailureThreshold { get; init; }
    /// <summary>Seconds the container is given to stop when this probe fails; overrides the pod's grace period.</summary>
    [Id(9)] public long? TerminationGracePeriodSeconds { get; init; }
}

/// <summary>A command run inside the container.</summary>
[GenerateSerializer, Immutable, Alias("oo.ExecAction")]
public sealed record ExecAction
{
    /// <summary>The command and its arguments; not run in a shell, so use <c>sh -c</c> for pipes and variables.</summary>
    [Id(0)] public IReadOnlyList<string>? Command { get; init; }
}

/// <summary>An HTTP GET request sent to the container.</summary>
[GenerateSerializer, Immutable, Alias("oo.HttpGetAction")]
public sealed record HttpGetAction
{
    /// <summary>The path to request, e.g. <c>/healthz</c>.</summary>
    [Id(0)] public string? Path { get; init; }
    /// <summary>The container port to connect to, by number or by name.</summary>
    [Id(1)] public IntOrString Port { get; init; }
    /// <summary>The host to connect to; the pod's IP when empty.</summary>
    [Id(2)] public string? Host { get; init; }
    /// <summary><c>HTTP</c> (default) or <c>HTTPS</c>; HTTPS skips certificate checks.</summary>
    [Id(3)] public string? Scheme { get; init; }
    /// <summary>Extra headers to send.</summary>
    [Id(4)] public IReadOnlyList<HttpHeader>? HttpHeaders { get; init; }
}

/// <summary>One HTTP header.</summary>
[GenerateSerializer, Immutable, Alias("oo.HttpHeader")]
public sealed record HttpHeader
{
    /// <summary>The header's name.</summary>
    [Id(0)] public string Name { get; init; } = "";
    /// <summary>The header's value.</summary>
    [Id(1)] public string Value { get; init; } = "";
}

/// <summary>A TCP connection opened to the container.</summary>
[GenerateSerializer, Immutable, Alias("oo.TcpSocketAction")]
public sealed record TcpSocketAction
{
    /// <summary>The container port to connect to, by number or by name.</summary>
    [Id(0)] public IntOrString Port { get; init; }
    /// <summary>The host to connect to; the pod's IP when empty.</summary>
    [Id(1)] public string? Host { get; init; }
}

/// <summary>A call to the standard gRPC health-checking service of the container.</summary>
[GenerateSerializer, Immutable, Alias("oo.GrpcAction")]
public sealed record GrpcAction
{
    /// <summary>The port of the gRPC service.</summary>
    [Id(0)] public int Port { get; init; }
    /// <summary>The service name sent in the health check request; empty for the server as a whole.</summary>
    [Id(1)] public string? Service { get; init; }
}

/// <summary>Actions the system runs when a container starts and before it stops.</summary>
[GenerateSerializer, Immutable, Alias("oo.Lifecycle")]
public sealed record Lifecycle
{
    /// <summary>Run right after the container is created; if it fails, the container is restarted.</summary>
    [Id(0)] public LifecycleHandler? PostStart { get; init; }
    /// <summary>Run before the container is stopped; the grace period keeps counting while it runs.</summary>
    [Id(1)] public LifecycleHandler? PreStop { get; init; }
}

/// <summary>One lifecycle action; give exactly one.</summary>
[GenerateSerializer, Immutable, Alias("oo.LifecycleHandler")]
public sealed record LifecycleHandler
{
    /// <summary>Run a command in the container.</summary>
    [Id(0)] public ExecAction? Exec { get; init; }
    /// <summary>Send an HTTP GET to the container.</summary>
    [Id(1)] public HttpGetAction? HttpGet { get; init; }
    /// <summary>Open a TCP connection to the container.</summary>
    [Id(2)] public TcpSocketAction? TcpSocket { get; init; }
    /// <summary>Wait a number of seconds.</summary>
    [Id(3)] public SleepAction? Sleep { get; init; }
}

/// <summary>Waits before going on.</summary>
[GenerateSerializer, Immutable, Alias("oo.SleepAction")]
public sealed record SleepAction
{
    /// <summary>Seconds to wait.</summary>
    [Id(0)] public long Seconds { get; init; }
}

/// <summary>Who a container's processes run as and what they may do.</summary>
[GenerateSerializer, Immutable, Alias("oo.SecurityContext")]
public sealed record SecurityContext
{
    /// <summary>The user id the processes run as; the image's user when unset.</summary>
    [Id(0)] public long? RunAsUser { get; init; }
    /// <summary>The primary group id the processes run as.</summary>
    [Id(1)] public long? RunAsGroup { get; init; }
    /// <summary>Refuse to start the container if it would run as user 0.</summary>
    [Id(2)] public bool? RunAsNonRoot { get; init; }
    /// <summary>Run with all the node's privileges, as root on the node would.</summary>
    [Id(3)] public bool? Privileged { get; init; }
    /// <summary>Mount the container's root file system read-only.</summary>
    [Id(4)] public bool? ReadOnlyRootFilesystem { get; init; }
    /// <summary>Whether a process may gain more privileges than its parent (e.g. through setuid).</summary>
    [Id(5)] public bool? AllowPrivilegeEscalation { get; init; }
    /// <summary>Linux capabilities added to or dropped from the default set.</summary>
    [Id(6)] public Capabilities? Capabilities { get; init; }
}

/// <summary>Linux capabilities to add and drop.</summary>
[GenerateSerializer, Immutable, Alias("oo.Capabilities")]
public sealed record Capabilities
{
    /// <summary>Capabilities to add, e.g. <c>NET_ADMIN</c>.</summary>
    [Id(0)] public IReadOnlyList<string>? Add { get; init; }
    /// <summary>Capabilities to drop; <c>ALL</c> drops every one.</summary>
    [Id(1)] public IReadOnlyList<string>? Drop { get; init; }
}

/// <summary>Security settings for every container of a pod.</summary>
[GenerateSerializer, Immutable, Alias("oo.PodSecurityContext")]
public sealed record PodSecurityContext
{
    /// <summary>The user id every container runs as, unless it sets its own.</summary>
    [Id(0)] public long? RunAsUser { get; init; }
    /// <summary>The primary group id every container runs as, unless it sets its own.</summary>
    [Id(1)] public long? RunAsGroup { get; init; }
    /// <summary>Refuse to start a container that would run as user 0.</summary>
    [Id(2)] public bool? RunAsNonRoot { get; init; }
    /// <summary>A group that owns the pod's volumes and is added to every container's processes.</summary>
    [Id(3)] public long? FsGroup { get; init; }
    /// <summary>Further group ids given to the processes of every container.</summary>
    [Id(4)] public IReadOnlyList<long>? SupplementalGroups { get; init; }
}

/// <summary>Lets a pod onto nodes with a matching taint.</summary>
[GenerateSerializer, Immutable, Alias("oo.Toleration")]
public sealed record Toleration
{
    /// <summary>The taint key it matches; empty with operator <c>Exists</c> matches every taint.</summary>
    [Id(0)] public string? Key { get; init; }
    /// <summary><c>Equal</c> (default: the value must match) or <c>Exists</c> (any value).</summary>
    [Id(1)] public string? Operator { get; init; }
    /// <summary>The taint value it matches, with operator <c>Equal</c>.</summary>
    [Id(2)] public string? Value { get; init; }
    /// <summary>The taint effect it matches: <c>NoSchedule</c>, <c>PreferNoSchedule</c> or <c>NoExecute</c>; every effect when empty.</summary>
    [Id(3)] public string? Effect { get; init; }
    /// <summary>For <c>NoExecute</c>: how long the pod stays on the node after the taint appears; forever when unset.</summary>
    [Id(4)] public long? TolerationSeconds { get; init; }
}

/// <summary>How matching pods must spread over topology domains such as zones or nodes.</summary>
[GenerateSerializer, Immutable, Alias("oo.TopologySpreadConstraint")]
public sealed record TopologySpreadConstraint
{
    /// <summary>The largest allowed difference in matching pods between any two domains.</summary>
    [Id(0)] public int MaxSkew { get; init; }
    /// <summary>The node label whose values are the domains, e.g. <c>topology.kubernetes.io/zone</c>.</summary>
    [Id(1)] public string TopologyKey { get; init; } = "";
    /// <summary>What to do when the spread cannot be kept: <c>DoNotSchedule</c> or <c>ScheduleAnyway</c>.</summary>
    [Id(2)] public string WhenUnsatisfiable { get; init; } = "";
    /// <summary>Which pods count towards the spread.</summary>
    [Id(3)] public LabelSelector? LabelSelector { get; init; }
    /// <summary>The fewest domains to spread over.</summary>
    [Id(4)] public int? MinDomains { get; init; }
}

/// <summary>Attraction and repulsion towards nodes and pods.</summary>
[GenerateSerializer, Immutable, Alias("oo.Affinity")]
public sealed record Affinity
{
    /// <summary>Which nodes the pod is scheduled onto, by their labels.</summary>
    [Id(0)] public NodeAffinity? NodeAffinity { get; init; }
    /// <summary>Pods this pod should be placed near (in the same topology domain).</summary>
    [Id(1)] public PodAffinity? PodAffinity { get; init; }
    /// <summary>Pods this pod should be kept away from.</summary>
    [Id(2)] public PodAffinity? PodAntiAffinity { get; init; }
}

/// <summary>Node rules that must hold and node preferences that add to a node's score.</summary>
[GenerateSerializer, Immutable, Alias("oo.NodeAffinity")]
public sealed record NodeAffinity
{
    /// <summary>Nodes the pod may only be scheduled onto; not checked again once it runs.</summary>
    [Id(0)] public NodeSelector? RequiredDuringSchedulingIgnoredDuringExecution { get; init; }
    /// <summary>Nodes preferred by weight when scheduling.</summary>
    [Id(1)] public IReadOnlyList<PreferredSchedulingTerm>? PreferredDuringSchedulingIgnoredDuringExecution { get; init; }
}

/// <summary>Nodes matching any of the terms.</summary>
[GenerateSerializer, Immutable, Alias("oo.NodeSelector")]
public sealed record NodeSelector
{
    /// <summary>The terms; a node matching one of them is selected.</summary>
    [Id(0)] public IReadOnlyList<NodeSelectorTerm> NodeSelectorTerms { get; init; } = [];
}

/// <summary>Requirements on a node's labels and fields, all of which must hold.</summary>
[GenerateSerializer, Immutable, Alias("oo.NodeSelectorTerm")]
public sealed record NodeSelectorTerm
{
    /// <summary>Requirements on the node's labels.</summary>
    [Id(0)] public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }
    /// <summary>Requirements on the node's fields, e.g. <c>metadata.name</c>.</summary>
    [Id(1)] public IReadOnlyList<LabelSelectorRequirement>? MatchFields { get; init; }
}

/// <summary>A node preference and its weight.</summary>
[GenerateSerializer, Immutable, Alias("oo.PreferredSchedulingTerm")]
public sealed record PreferredSchedulingTerm
{
    /// <summary>Weight of the preference, from 1 to 100.</summary>
    [Id(0)] public int Weight { get; init; }
    /// <summary>The nodes preferred.</summary>
    [Id(1)] public NodeSelectorTerm Preference { get; init; } = new();
}

/// <summary>Rules about other pods: which must or should share a topology domain with this pod (affinity) or not (anti-affinity).</summary>
/// <remarks>Pod affinity and anti-affinity share one shape.</remarks>
[GenerateSerializer, Immutable, Alias("oo.PodAffinity")]
public sealed record PodAffinity
{
    /// <summary>Rules that must hold for the pod to be scheduled; not checked again once it runs.</summary>
    [Id(0)] public IReadOnlyList<PodAffinityTerm>? RequiredDuringSchedulingIgnoredDuringExecution { get; init; }
    /// <summary>Rules preferred by weight when scheduling.</summary>
    [Id(1)] public IReadOnlyList<WeightedPodAffinityTerm>? PreferredDuringSchedulingIgnoredDuringExecution { get; init; }
}

/// <summary>Pods, and the topology domain within which this pod must (or must not) share their place.</summary>
[GenerateSerializer, Immutable, Alias("oo.PodAffinityTerm")]
public sealed record PodAffinityTerm
{
    /// <summary>The pods the term is about.</summary>
    [Id(0)] public LabelSelector? LabelSelector { get; init; }
    /// <summary>Namespaces the pods are looked for in; the pod's own when empty.</summary>
    [Id(1)] public IReadOnlyList<string>? Namespaces { get; init; }
    /// <summary>The node label that defines "the same place", e.g. <c>kubernetes.io/hostname</c>.</summary>
    [Id(2)] public string TopologyKey { get; init; } = "";
    /// <summary>Namespaces, by their labels, the pods are looked for in.</summary>
    [Id(3)] public LabelSelector? NamespaceSelector { get; init; }
}

/// <summary>A pod affinity term and its weight.</summary>
[GenerateSerializer, Immutable, Alias("oo.WeightedPodAffinityTerm")]
public sealed record WeightedPodAffinityTerm
{
    /// <summary>Weight of the term, from 1 to 100.</summary>
    [Id(0)] public int Weight { get; init; }
    /// <summary>The term.</summary>
    [Id(1)] public PodAffinityTerm PodAffinityTerm { get; init; } = new();
}

/// <summary>What was last observed of a pod.</summary>
[GenerateSerializer, Immutable, Alias("oo.PodStatus")]
public sealed record PodStatus
{
    /// <summary>Where the pod is in its life: <c>Pending</c>, <c>Running</c>, <c>Succeeded</c>, <c>Failed</c> or <c>Unknown</c>.</summary>
    [Id(0)] public string? Phase { get; init; }
    /// <summary>Observations such as <c>PodScheduled</c>, <c>Initialized</c>, <c>ContainersReady</c> and <c>Ready</c>.</summary>
    [Id(1)] public IReadOnlyList<Condition>? Conditions { get; init; }
    /// <summary>A human-readable note on why the pod is in this state.</summary>
    [Id(2)] public string? Message { get; init; }
    /// <summary>A one-word reason for the state, e.g. <c>Evicted</c>.</summary>
    [Id(3)] public string? Reason { get; init; }
    /// <summary>The node the pod is expected to go to once preempted pods have left.</summary>
    [Id(4)] public string? NominatedNodeName { get; init; }
    /// <summary>The address of the node the pod runs on.</summary>
    [Id(5)] public string? HostIP { get; init; }
    /// <summary>The addresses of the node the pod runs on.</summary>
    [Id(6)] public IReadOnlyList<IPAddress>? HostIPs { get; init; }
    /// <summary>The pod's address.</summary>
    [Id(7)] public string? PodIP { get; init; }
    /// <summary>The pod's addresses.</summary>
    [Id(8)] public IReadOnlyList<IPAddress>? PodIPs { get; init; }
    /// <summary>When the node accepted the pod, before images were pulled.</summary>
    [Id(9)] public DateTimeOffset? StartTime { get; init; }
    /// <summary>The state of each init container.</summary>
    [Id(10)] public IReadOnlyList<ContainerStatus>? InitContainerStatuses { get; init; }
    /// <summary>The state of each container.</summary>
    [Id(11)] public IReadOnlyList<ContainerStatus>? ContainerStatuses { get; init; }
    /// <summary>The quality-of-service class from the containers' requests and limits: <c>Guaranteed</c>, <c>Burstable</c> or <c>BestEffort</c>.</summary>
    [Id(12)] public string? QosClass { get; init; }
    /// <summary>
    /// The node ports the pod's container ports are published on (chosen freely unless the spec asks for a
    /// <c>hostPort</c>); services reach the pod through them. An extension of this cluster, not in Kubernetes.
    /// </summary>
    /// <remarks>The model HashiCorp Nomad uses.</remarks>
    [Id(13)] public IReadOnlyList<HostPortBinding>? HostPorts { get; init; }
}

/// <summary>A container port published on a port of the node.</summary>
[GenerateSerializer, Immutable, Alias("oo.HostPortBinding")]
public sealed record HostPortBinding
{
    /// <summary>The container's port.</summary>
    [Id(0)] public int ContainerPort { get; init; }
    /// <summary><c>TCP</c> or <c>UDP</c>.</summary>
    [Id(1)] public string Protocol { get; init; } = "TCP";
    /// <summary>The node address the port is published on.</summary>
    [Id(2)] public string HostIP { get; init; } = "";
    /// <summary>The node port that reaches the container port.</summary>
    [Id(3)] public int HostPort { get; init; }
}

/// <summary>One IP address.</summary>
[GenerateSerializer, Immutable, Alias("oo.IPAddress")]
public sealed record IPAddress
{
    /// <summary>The address.</summary>
    [Id(0)] public string Ip { get; init; } = "";
}

/// <summary>The observed state of one container.</summary>
[GenerateSerializer, Immutable, Alias("oo.ContainerStatus")]
public sealed record ContainerStatus
{
    /// <summary>The container's name.</summary>
    [Id(0)] public string Name { get; init; } = "";
    /// <summary>What the container is doing now.</summary>
    [Id(1)] public ContainerState? State { get; init; }
    /// <summary>How the container's previous run ended, if it was restarted.</summary>
    [Id(2)] public ContainerState? LastState { get; init; }
    /// <summary>Whether the container passes its readiness probe.</summary>
    [Id(3)] public bool Ready { get; init; }
    /// <summary>How many times the container was restarted.</summary>
    [Id(4)] public int RestartCount { get; init; }
    /// <summary>The image the container runs.</summary>
    [Id(5)] public string Image { get; init; } = "";
    /// <summary>The id of the image the container runs.</summary>
    [Id(6)] public string ImageID { get; init; } = "";
    /// <summary>The container's id in its runtime, as <c>runtime://id</c>.</summary>
    [Id(7)] public string? ContainerID { get; init; }
    /// <summary>Whether the container has started and passed its startup probe.</summary>
    [Id(8)] public bool? Started { get; init; }
}

/// <summary>What a container is doing; exactly one is set.</summary>
[GenerateSerializer, Immutable, Alias("oo.ContainerState")]
public sealed record ContainerState
{
    /// <summary>Not yet running, e.g. while its image is pulled.</summary>
    [Id(0)] public ContainerStateWaiting? Waiting { get; init; }
    /// <summary>Running.</summary>
    [Id(1)] public ContainerStateRunning? Running { get; init; }
    /// <summary>Exited, or was stopped.</summary>
    [Id(2)] public ContainerStateTerminated? Terminated { get; init; }
}

/// <summary>A container that is not running yet.</summary>
[GenerateSerializer, Immutable, Alias("oo.ContainerStateWaiting")]
public sealed record ContainerStateWaiting
{
    /// <summary>Why, e.g. <c>ContainerCreating</c> or <c>CrashLoopBackOff</c>.</summary>
    [Id(0)] public string? Reason { get; init; }
    /// <summary>More about why.</summary>
    [Id(1)] public string? Message { get; init; }
}

/// <summary>A running container.</summary>
[GenerateSerializer, Immutable, Alias("oo.ContainerStateRunning")]
public sealed record ContainerStateRunning
{
    /// <summary>When it last started.</summary>
    [Id(0)] public DateTimeOffset? StartedAt { get; init; }
}

/// <summary>A container that has ended.</summary>
[GenerateSerializer, Immutable, Alias("oo.ContainerStateTerminated")]
public sealed record ContainerStateTerminated
{
    /// <summary>The exit code of its main process.</summary>
    [Id(0)] public int ExitCode { get; init; }
    /// <summary>The signal that ended it, if any.</summary>
    [Id(1)] public int? Signal { get; init; }
    /// <summary>Why it ended, e.g. <c>Completed</c>, <c>Error</c> or <c>OOMKilled</c>.</summary>
    [Id(2)] public string? Reason { get; init; }
    /// <summary>More about why it ended.</summary>
    [Id(3)] public string? Message { get; init; }
    /// <summary>When it started.</summary>
    [Id(4)] public DateTimeOffset? StartedAt { get; init; }
    /// <summary>When it ended.</summary>
    [Id(5)] public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>The container's id in its runtime.</summary>
    [Id(6)] public string? ContainerID { get; init; }
}
