using OrleansOrchestrator.Agents.Runtime;

namespace OrleansOrchestrator.Agents.Pods;

/// <summary>
/// What the agent knows of one container of a pod at one moment: the engine's view of its newest and
/// previous attempt, why it is waiting (if it is), and what its probes say.
/// </summary>
public sealed record ContainerView(
    string Name,
    string Image,
    ContainerInfo? Current,
    ContainerInfo? Previous,
    WaitingReason? Waiting,
    bool Ready,
    bool Started)
{
    /// <summary>Restarts so far: every attempt after the first.</summary>
    public int RestartCount => Current?.Attempt ?? 0;

    /// <summary>The last attempt that has stopped (for <c>lastState</c> and <c>logs --previous</c>).</summary>
    public ContainerInfo? LastTerminated => Current is { State: ContainerRunState.Exited } c && Waiting is not null ? c : Previous;
}

/// <summary>A Kubernetes waiting reason (<c>ContainerCreating</c>, <c>ErrImagePull</c>, <c>CrashLoopBackOff</c> …) and its message.</summary>
public sealed record WaitingReason(string Reason, string? Message = null)
{
    public static readonly WaitingReason ContainerCreating = new("ContainerCreating");
    public static readonly WaitingReason PodInitializing = new("PodInitializing");
}
