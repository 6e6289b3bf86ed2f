using System.Globalization;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Presentation;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Controllers.Endpoints;
using OrleansOrchestrator.Silo.Controllers.Volumes;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.Pods;

/// <summary>Core <c>v1</c> Pod: scheduled by the scheduler of its namespace, run by its node's agent.</summary>
public static class PodStrategy
{
    public static readonly KindStrategy<Pod> Strategy = new()
    {
        Identity = ResourceKinds.Pod,
        Defaults = pod => pod with { Spec = Defaults.PodSpec(pod.Spec) },
        Validation = (pod, errors) => Validation.PodSpec(pod.Spec, "spec", errors),
        UpdateRule = PodUpdateRule.ForbiddenChange,
        Table =
        [
            Name,
            Col<Pod>("Ready", (p, _) => Ready(PodStatusText.Summarize(p))),
            Col<Pod>("Status", (p, _) => PodStatusText.Of(p)),
            Col<Pod>("Restarts", (p, now) => Restarts(PodStatusText.Summarize(p), now)),
            Age,
            Col<Pod>("IP", (p, _) => p.Status?.PodIP ?? "<none>", 1),
            Col<Pod>("Node", (p, _) => p.Spec.NodeName ?? "<none>", 1),
            Col<Pod>("Nominated Node", (p, _) => p.Status?.NominatedNodeName ?? "<none>", 1),
            Col<Pod>("Readiness Gates", (_, _) => "<none>", 1),
        ],
        Fields = new Dictionary<string, Func<Pod, string>>
        {
            ["spec.nodeName"] = p => p.Spec.NodeName ?? "",
            ["spec.restartPolicy"] = p => p.Spec.RestartPolicy ?? "",
            ["spec.schedulerName"] = p => p.Spec.SchedulerName ?? "",
            ["spec.serviceAccountName"] = p => p.Spec.ServiceAccountName ?? "",
            ["status.phase"] = p => p.Status?.Phase ?? "",
            ["status.podIP"] = p => p.Status?.PodIP ?? "",
            ["status.nominatedNodeName"] = p => p.Status?.NominatedNodeName ?? "",
        },
        Spec = new(p => p.Spec),
        Status = new((target, source) => target with { Status = source.Status },
            p => p with { Status = new PodStatus { Phase = "Pending", QosClass = QosClass(p.Spec) } }),
        Scale = null,
        Logs = true,
        // A StatefulSet's claims are owned by their pod once a scale-down condemns it (whenScaled: Delete): they go with it.
        Owned = [ResourceKinds.PersistentVolumeClaim],
        ControlLoop = null,
        PodTemplate = p => p.Spec,
        // A pod waiting for a node wakes its namespace's scheduler; every pod change wakes the namespace's
        // endpoints controller (its readiness, address or labels may change a Service's endpoints).
        // A pod that stops using claims wakes its tenant's volume controller (a claim being deleted may go).
        Wakes = (tenant, pod, type) =>
            (type != WatchEventType.Deleted && string.IsNullOrEmpty(pod.Spec.NodeName) && pod.Metadata.DeletionTimestamp is null
                ? [new Wakeup(typeof(IScheduler), StoreKeys.Collection(tenant, ResourceKinds.Pod, pod.Metadata.Namespace ?? "")), .. EndpointsWakes.ForNamespace(tenant, pod.Metadata.Namespace)]
                : EndpointsWakes.ForNamespace(tenant, pod.Metadata.Namespace))
            .Concat(VolumeWakes.ForPod(tenant, pod, type)),
        // A pod running on a node is deleted in two steps, as in Kubernetes: marked (its agent then stops the
        // containers within the grace period) and removed by the agent with a zero grace period.
        GracefulDeletion = (pod, gracePeriodSeconds) =>
            pod.Spec.NodeName is { Length: > 0 }
            && (gracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30) > 0
            && pod.Status?.Phase is not ("Succeeded" or "Failed"),
    };

    /// <summary>Kubernetes' quality-of-service class of a pod, from its containers' requests and limits.</summary>
    public static string QosClass(PodSpec spec)
    {
        var containers = spec.Containers;
        if (containers.All(c => c.Resources?.Requests is not { Count: > 0 } && c.Resources?.Limits is not { Count: > 0 })) return "BestEffort";
        var guaranteed = containers.All(c =>
            c.Resources?.Limits is { } limits && limits.ContainsKey("cpu") && limits.ContainsKey("memory")
            && (c.Resources.Requests ?? limits).All(r => limits.TryGetValue(r.Key, out var l) && l == r.Value));
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    /// <summary>kubectl's READY: ready containers of all that run for the pod's life (native sidecars included).</summary>
    private static string Ready(PodSummary summary) => $"{summary.ReadyContainers}/{summary.TotalContainers}";

    /// <summary>kubectl's RESTARTS: the count, and how long ago the last counted restart was ("3 (2m ago)").</summary>
    private static string Restarts(PodSummary summary, DateTimeOffset now)
    {
        var count = summary.Restarts.ToString(CultureInfo.InvariantCulture);
        return summary is { Restarts: not 0, LastRestart: { } last } ? $"{count} ({HumanDuration.Since(last, now)} ago)" : count;
    }
}
