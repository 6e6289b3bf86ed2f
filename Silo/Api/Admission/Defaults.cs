using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Api.Admission;

/// <summary>
/// Fills in the fields Kubernetes' API server defaults, so that what clients read back (and what
/// <c>kubectl describe</c> prints, e.g. <c>80/TCP</c>) matches a real cluster. Pure functions: the pod
/// template defaults every workload shares are here; each kind's own are its strategy's.
/// </summary>
public static class Defaults
{
    /// <summary>The object with its kind's defaults (its strategy's) filled in.</summary>
    public static KubeObject Apply(KubeObject obj) => KindRegistry.For(obj).Default(obj);

    /// <summary>A workload's pod template with the pod defaults its pods will get.</summary>
    public static PodTemplateSpec Template(PodTemplateSpec template) => template with { Spec = PodSpec(template.Spec) };

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
}
