using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Presentation;

/// <summary>
/// The READY, STATUS and RESTARTS cells of <c>kubectl get pods</c>. <paramref name="LastRestart"/> is when a
/// counted container last terminated, shown as "3 (2m ago)"; null when no such time is known.
/// </summary>
public sealed record PodSummary(int ReadyContainers, int TotalContainers, string Status, int Restarts, DateTimeOffset? LastRestart);

/// <summary>The STATUS column of <c>kubectl get pods</c>, derived as kubectl's printer (printPod) derives it.</summary>
public static class PodStatusText
{
    /// <summary>The reason a node controller gives pods on a node that stopped reporting.</summary>
    private const string NodeLostReason = "NodeLost";

    public static string Of(Pod pod) => Summarize(pod).Status;

    /// <summary>
    /// READY, STATUS and RESTARTS together, since kubectl derives them in one pass: which containers count
    /// depends on whether the pod is still initializing.
    /// </summary>
    public static PodSummary Summarize(Pod pod)
    {
        var phase = pod.Status?.Phase ?? "Pending";
        var reason = pod.Status?.Reason is { Length: > 0 } r ? r : phase;
        var ready = 0;
        var restarts = 0;
        DateTimeOffset? lastRestart = null;

        // Native sidecars (init containers that restart Always) keep running beside the main containers,
        // so they count in READY and, once the pod runs, in RESTARTS.
        var specInit = pod.Spec.InitContainers ?? [];
        var total = pod.Spec.Containers.Count + specInit.Count(IsSidecar);
        var sidecarRestarts = 0;
        DateTimeOffset? lastSidecarRestart = null;

        var initializing = false;
        var initStatuses = pod.Status?.InitContainerStatuses ?? [];
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var status = initStatuses[i];
            var sidecar = IsSidecar(specInit.FirstOrDefault(c => c.Name == status.Name));
            restarts += status.RestartCount;
            lastRestart = Latest(lastRestart, status);
            if (sidecar)
            {
                sidecarRestarts += status.RestartCount;
                lastSidecarRestart = Latest(lastSidecarRestart, status);
            }

            var state = status.State;
            if (state?.Terminated is { ExitCode: 0 }) continue;
            // A started sidecar has done its part of initialization: the next init container may run.
            if (sidecar && status.Started == true)
            {
                if (status.Ready) ready++;
                continue;
            }
            initializing = true;
            reason = state?.Terminated is { } t ? "Init:" + TerminatedReason(t)
                : state?.Waiting?.Reason is { Length: > 0 } wr && wr != "PodInitializing" ? "Init:" + wr
                : $"Init:{i}/{pod.Spec.InitContainers?.Count ?? initStatuses.Count}";
            break;
        }

        if (!initializing || HasTrueCondition(pod, "Initialized"))
        {
            // Restarts of init containers that ran to completion belong to the pod's start-up, not its life.
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            var hasRunning = false;
            var statuses = pod.Status?.ContainerStatuses ?? [];
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var status = statuses[i];
                restarts += status.RestartCount;
                lastRestart = Latest(lastRestart, status);
                var state = status.State;
                if (state?.Waiting?.Reason is { Length: > 0 } waiting) reason = waiting;
                else if (state?.Terminated is { } t) reason = TerminatedReason(t);
                else if (status.Ready && state?.Running is not null)
                {
                    hasRunning = true;
                    ready++;
                }
            }
            // One container completed while another still runs: the pod is running, not completed.
            if (reason == "Completed" && hasRunning)
                reason = HasTrueCondition(pod, "Ready") ? "Running" : "NotReady";
        }

        // A pod that already succeeded or failed keeps its final status while it is being deleted.
        if (pod.Metadata.DeletionTimestamp is not null && pod.Status?.Reason == NodeLostReason)
            reason = "Unknown";
        else if (pod.Metadata.DeletionTimestamp is not null && phase is not ("Succeeded" or "Failed"))
            reason = "Terminating";

        return new PodSummary(ready, total, reason, restarts, lastRestart);
    }

    private static bool IsSidecar(Container? container) => container?.RestartPolicy == "Always";

    private static string TerminatedReason(ContainerStateTerminated t) =>
        t.Reason is { Length: > 0 } reason ? reason : t.Signal is { } signal and not 0 ? $"Signal:{signal}" : $"ExitCode:{t.ExitCode}";

    private static DateTimeOffset? Latest(DateTimeOffset? latest, ContainerStatus status) =>
        status.LastState?.Terminated?.FinishedAt is { } finished && (latest is null || finished > latest) ? finished : latest;

    private static bool HasTrueCondition(Pod pod, string type) =>
        pod.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;
}
