using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Agents.Pods;

/// <summary>
/// Derives a pod's status from what the agent sees, with Kubernetes' rules for the phase, the per-container
/// states and the PodScheduled/Initialized/ContainersReady/Ready conditions. Pure; transition times are
/// kept from the previous status when a condition did not change.
/// </summary>
public static class PodStatusBuilder
{
    public static PodStatus Build(
        Pod pod,
        IReadOnlyList<ContainerView> initContainers,
        IReadOnlyList<ContainerView> containers,
        SandboxStatus? sandbox,
        string hostIp,
        DateTimeOffset now)
    {
        var previous = pod.Status;
        var initDone = initContainers.All(c => c.Current is { State: ContainerRunState.Exited, ExitCode: 0 });
        var allReady = initDone && containers.Count > 0 && containers.All(c => c.Ready);
        var phase = Phase(pod.Spec.RestartPolicy ?? "Always", initContainers, containers, initDone);

        Condition Make(string type, bool value, string? reason = null)
        {
            var status = value ? "True" : "False";
            var before = previous?.Conditions?.FirstOrDefault(c => c.Type == type);
            return new Condition
            {
                Type = type,
                Status = status,
                Reason = value ? null : reason,
                LastTransitionTime = before?.Status == status ? before.LastTransitionTime : Seconds(now),
                LastProbeTime = null,
            };
        }

        var notReady = containers.Where(c => !c.Ready).Select(c => c.Name).ToList();
        var containersReady = Make("ContainersReady", allReady, "ContainersNotReady");
        var ready = Make("Ready", allReady, "ContainersNotReady");
        if (!allReady && notReady.Count > 0)
        {
            var message = $"containers with unready status: [{string.Join(" ", notReady)}]";
            containersReady = containersReady with { Message = message };
            ready = ready with { Message = message };
        }

        var podIp = sandbox is { Running: true } ? sandbox.PodIp : previous?.PodIP;
        return new PodStatus
        {
            Phase = phase,
            Conditions =
            [
                Make("Initialized", initDone, "ContainersNotInitialized"),
                ready,
                containersReady,
                Make("PodScheduled", true),
            ],
            HostIP = hostIp,
            HostIPs = [new Contracts.Model.IPAddress { Ip = hostIp }],
            PodIP = podIp,
            PodIPs = podIp is null ? null : [new Contracts.Model.IPAddress { Ip = podIp }],
            StartTime = previous?.StartTime ?? Seconds(now),
            QosClass = previous?.QosClass,
            HostPorts = sandbox?.Ports.Select(p => new HostPortBinding
            {
                ContainerPort = p.ContainerPort,
                Protocol = p.Protocol,
                HostIP = p.HostIp,
                HostPort = p.HostPort,
            }).ToList(),
            InitContainerStatuses = initContainers.Count == 0 ? null : initContainers.Select(c => Status(c, WaitingReason.ContainerCreating)).ToList(),
            ContainerStatuses = containers.Select(c => Status(c, initDone ? WaitingReason.ContainerCreating : WaitingReason.PodInitializing)).ToList(),
        };
    }

    private static ContainerStatus Status(ContainerView view, WaitingReason notStarted)
    {
        var current = view.Current;
        ContainerState state = (current?.State, view.Waiting) switch
        {
            (ContainerRunState.Running, _) => new ContainerState { Running = new ContainerStateRunning { StartedAt = current!.StartedAt } },
            (_, { } waiting) => Waiting(waiting),
            (ContainerRunState.Exited, _) => new ContainerState { Terminated = Terminated(current!) },
            _ => Waiting(notStarted),
        };
        var last = view.LastTerminated;
        return new ContainerStatus
        {
            Name = view.Name,
            State = state,
            LastState = last is null || ReferenceEquals(last, current) && state.Terminated is not null
                ? new ContainerState()
                : new ContainerState { Terminated = Terminated(last) },
            Ready = view.Ready,
            RestartCount = view.RestartCount,
            Image = view.Image,
            ImageID = current?.ImageId ?? "",
            ContainerID = current is null ? null : "docker://" + current.Id,
            Started = current?.State == ContainerRunState.Running && view.Started,
        };
    }

    private static ContainerState Waiting(WaitingReason reason) =>
        new() { Waiting = new ContainerStateWaiting { Reason = reason.Reason, Message = reason.Message } };

    private static ContainerStateTerminated Terminated(ContainerInfo info) => new()
    {
        ExitCode = info.ExitCode,
        Reason = info.OomKilled ? "OOMKilled" : info.ExitCode == 0 ? "Completed" : "Error",
        Message = info.Error is { Length: > 0 } error ? error : null,
        StartedAt = info.StartedAt is { } s ? Seconds(s) : null,
        FinishedAt = info.FinishedAt is { } f ? Seconds(f) : null,
        ContainerID = "docker://" + info.Id,
    };

    /// <summary>Kubernetes' pod phase rules (kubelet's getPhase), over app and init containers.</summary>
    public static string Phase(string restartPolicy, IReadOnlyList<ContainerView> initContainers, IReadOnlyList<ContainerView> containers, bool initDone)
    {
        if (!initDone)
        {
            var failedInit = initContainers.Any(c => c.Current is { State: ContainerRunState.Exited, ExitCode: not 0 } && c.Waiting is null);
            return failedInit && restartPolicy == "Never" ? "Failed" : "Pending";
        }
        int waiting = 0, running = 0, stopped = 0, succeeded = 0;
        foreach (var c in containers)
        {
            switch (c.Current?.State)
            {
                case ContainerRunState.Running: running++; break;
                case ContainerRunState.Exited when c.Waiting is null:
                    stopped++;
                    if (c.Current.ExitCode == 0) succeeded++;
                    break;
                default:
                    // Waiting to restart after having run counts as stopped, as in Kubernetes.
                    if (c.Current is { State: ContainerRunState.Exited } || c.Previous is not null) stopped++;
                    else waiting++;
                    break;
            }
        }
        if (waiting > 0) return "Pending";
        if (running > 0) return "Running";
        if (stopped == 0) return "Pending";
        if (restartPolicy == "Always") return "Running";
        if (stopped == succeeded) return "Succeeded";
        return restartPolicy == "Never" ? "Failed" : "Running";
    }

    private static DateTimeOffset Seconds(DateTimeOffset time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
