using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Api.Admission;

/// <summary>
/// Fills in the fields Kubernetes' API server defaults, so that what clients read back (and what
/// <c>kubectl describe</c> prints, e.g. <c>80/TCP</c>) matches a real cluster. Pure functions.
/// </summary>
public static class Defaults
{
    public static KubeObject Apply(KubeObject obj) => obj switch
    {
        Pod pod => pod with { Spec = PodSpec(pod.Spec) },
        Deployment d => d with { Spec = Deployment(d.Spec) },
        ReplicaSet rs => rs with
        {
            Spec = rs.Spec with
            {
                Replicas = rs.Spec.Replicas ?? 1,
                Template = rs.Spec.Template is { } t ? t with { Spec = PodSpec(t.Spec) } : null,
            },
        },
        StatefulSet s => s with { Spec = StatefulSet(s.Spec) },
        Service svc => svc with { Spec = Service(svc.Spec) },
        Secret secret => Secret(secret),
        Namespace ns => ns with
        {
            Spec = ns.Spec ?? new NamespaceSpec { Finalizers = ["kubernetes"] },
            Status = new NamespaceStatus { Phase = ns.Metadata.DeletionTimestamp is null ? "Active" : "Terminating" },
        },
        _ => obj,
    };

    public static PodSpec PodSpec(PodSpec spec) => spec with
    {
        Containers = spec.Containers.Select(Container).ToList(),
        InitContainers = spec.InitContainers?.Select(Container).ToList(),
        RestartPolicy = spec.RestartPolicy ?? "Always",
        TerminationGracePeriodSeconds = spec.TerminationGracePeriodSeconds ?? 30,
        DnsPolicy = spec.DnsPolicy ?? "ClusterFirst",
        SchedulerName = spec.SchedulerName ?? "default-scheduler",
        SecurityContext = spec.SecurityContext ?? new PodSecurityContext(),
        EnableServiceLinks = spec.EnableServiceLinks ?? true,
        PreemptionPolicy = spec.PreemptionPolicy ?? "PreemptLowerPriority",
        Priority = spec.Priority ?? 0,
        Volumes = spec.Volumes?.Select(Volume).ToList(),
    };

    private static Volume Volume(Volume volume) => volume with
    {
        ConfigMap = volume.ConfigMap is { } cm ? cm with { DefaultMode = cm.DefaultMode ?? 420 } : null,
        Secret = volume.Secret is { } s ? s with { DefaultMode = s.DefaultMode ?? 420 } : null,
    };

    public static Container Container(Container container) => container with
    {
        ImagePullPolicy = container.ImagePullPolicy ?? DefaultPullPolicy(container.Image),
        TerminationMessagePath = container.TerminationMessagePath ?? "/dev/termination-log",
        TerminationMessagePolicy = container.TerminationMessagePolicy ?? "File",
        Resources = container.Resources ?? new ResourceRequirements(),
        Ports = container.Ports?.Select(p => p with { Protocol = p.Protocol ?? "TCP" }).ToList(),
        LivenessProbe = Probe(container.LivenessProbe),
        ReadinessProbe = Probe(container.ReadinessProbe),
        StartupProbe = Probe(container.StartupProbe),
    };

    /// <summary>Kubernetes pulls images tagged <c>latest</c> (or untagged) every time, others only when absent.</summary>
    public static string DefaultPullPolicy(string? image)
    {
        if (string.IsNullOrEmpty(image)) return "IfNotPresent";
        if (image.Contains('@')) return "IfNotPresent";
        var lastSegment = image[(image.LastIndexOf('/') + 1)..];
        var colon = lastSegment.LastIndexOf(':');
        return colon < 0 || lastSegment[(colon + 1)..] == "latest" ? "Always" : "IfNotPresent";
    }

    private static Probe? Probe(Probe? probe) => probe is null ? null : probe with
    {
        TimeoutSeconds = probe.TimeoutSeconds ?? 1,
        PeriodSeconds = probe.PeriodSeconds ?? 10,
        SuccessThreshold = probe.SuccessThreshold ?? 1,
        FailureThreshold = probe.FailureThreshold ?? 3,
        HttpGet = probe.HttpGet is { } h ? h with { Path = h.Path ?? "/", Scheme = h.Scheme ?? "HTTP" } : null,
    };

    private static DeploymentSpec Deployment(DeploymentSpec spec)
    {
        var strategy = spec.Strategy ?? new DeploymentStrategy();
        var type = strategy.Type ?? "RollingUpdate";
        return spec with
        {
            Replicas = spec.Replicas ?? 1,
            Strategy = strategy with
            {
                Type = type,
                RollingUpdate = type == "RollingUpdate"
                    ? new RollingUpdateDeployment
                    {
                        MaxSurge = strategy.RollingUpdate?.MaxSurge ?? "25%",
                        MaxUnavailable = strategy.RollingUpdate?.MaxUnavailable ?? "25%",
                    }
                    : strategy.RollingUpdate,
            },
            RevisionHistoryLimit = spec.RevisionHistoryLimit ?? 10,
            ProgressDeadlineSeconds = spec.ProgressDeadlineSeconds ?? 600,
            Template = spec.Template with { Spec = PodSpec(spec.Template.Spec) },
        };
    }

    private static StatefulSetSpec StatefulSet(StatefulSetSpec spec) => spec with
    {
        Replicas = spec.Replicas ?? 1,
        PodManagementPolicy = spec.PodManagementPolicy ?? "OrderedReady",
        UpdateStrategy = spec.UpdateStrategy ?? new StatefulSetUpdateStrategy
        {
            Type = "RollingUpdate",
            RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = 0 },
        },
        RevisionHistoryLimit = spec.RevisionHistoryLimit ?? 10,
        PersistentVolumeClaimRetentionPolicy = spec.PersistentVolumeClaimRetentionPolicy ?? new StatefulSetPersistentVolumeClaimRetentionPolicy
        {
            WhenDeleted = "Retain",
            WhenScaled = "Retain",
        },
        Template = spec.Template with { Spec = PodSpec(spec.Template.Spec) },
    };

    private static ServiceSpec Service(ServiceSpec spec)
    {
        var type = spec.Type ?? "ClusterIP";
        return spec with
        {
            Type = type,
            SessionAffinity = spec.SessionAffinity ?? "None",
            Ports = spec.Ports?.Select(p => p with
            {
                Protocol = p.Protocol ?? "TCP",
                TargetPort = p.TargetPort ?? p.Port,
            }).ToList(),
            InternalTrafficPolicy = type == "ExternalName" ? spec.InternalTrafficPolicy : spec.InternalTrafficPolicy ?? "Cluster",
            ExternalTrafficPolicy = type is "NodePort" or "LoadBalancer" ? spec.ExternalTrafficPolicy ?? "Cluster" : spec.ExternalTrafficPolicy,
            IpFamilies = type == "ExternalName" ? spec.IpFamilies : spec.IpFamilies ?? ["IPv4"],
            IpFamilyPolicy = type == "ExternalName" ? spec.IpFamilyPolicy : spec.IpFamilyPolicy ?? "SingleStack",
        };
    }

    /// <summary><c>stringData</c> is a write-only convenience: it is merged into <c>data</c> and never stored.</summary>
    private static Secret Secret(Secret secret)
    {
        if (secret.StringData is not { Count: > 0 } && secret.Type is not null) return secret with { StringData = null };
        var data = new Dictionary<string, byte[]>(secret.Data ?? new Dictionary<string, byte[]>());
        foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>())
            data[key] = System.Text.Encoding.UTF8.GetBytes(value);
        return secret with { Data = data, StringData = null, Type = secret.Type ?? "Opaque" };
    }
}
