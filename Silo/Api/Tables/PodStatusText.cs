using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Api.Tables;

/// <summary>The STATUS column of <c>kubectl get pods</c>, derived as kubectl's printer derives it.</summary>
public static class PodStatusText
{
    public static string Of(Pod pod)
    {
        var reason = pod.Status?.Reason is { Length: > 0 } r ? r : pod.Status?.Phase ?? "Pending";

        var initStatuses = pod.Status?.InitContainerStatuses ?? [];
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var state = initStatuses[i].State;
            if (state?.Terminated is { ExitCode: 0 }) continue;
            if (state?.Terminated is { } t)
                return "Init:" + (t.Reason is { Length: > 0 } tr ? tr : t.Signal is { } sig and not 0 ? $"Signal:{sig}" : $"ExitCode:{t.ExitCode}");
            if (state?.Waiting?.Reason is { Length: > 0 } wr && wr != "PodInitializing") return "Init:" + wr;
            return $"Init:{i}/{pod.Spec.InitContainers?.Count ?? initStatuses.Count}";
        }

        var hasRunning = false;
        var statuses = pod.Status?.ContainerStatuses ?? [];
        for (var i = statuses.Count - 1; i >= 0; i--)
        {
            var state = statuses[i].State;
            if (state?.Waiting?.Reason is { Length: > 0 } waiting) reason = waiting;
            else if (state?.Terminated is { } t)
                reason = t.Reason is { Length: > 0 } tr ? tr : t.Signal is { } sig and not 0 ? $"Signal:{sig}" : $"ExitCode:{t.ExitCode}";
            else if (state?.Running is not null && statuses[i].Ready) hasRunning = true;
        }
        if (reason == "Completed" && hasRunning)
            reason = pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true ? "Running" : "NotReady";

        if (pod.Metadata.DeletionTimestamp is not null)
            reason = pod.Status?.Reason == "NodeLost" ? "Unknown" : "Terminating";
        return reason;
    }
}
