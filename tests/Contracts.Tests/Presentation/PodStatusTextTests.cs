using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Presentation;

namespace OrleansOrchestrator.Contracts.Tests.Presentation;

public class PodStatusTextTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static ContainerStatus Running(string name = "app", bool ready = true) =>
        new() { Name = name, Ready = ready, State = new ContainerState { Running = new ContainerStateRunning { StartedAt = Now } } };

    private static ContainerStatus Waiting(string reason, string name = "app") =>
        new() { Name = name, State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = reason } } };

    private static ContainerStatus Terminated(int exitCode, string? reason = null, int? signal = null, string name = "app") =>
        new() { Name = name, State = new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = exitCode, Reason = reason, Signal = signal } } };

    private static Pod PodWith(PodStatus status, int initContainers = 0, int containers = 1) => new()
    {
        Metadata = new ObjectMeta { Name = "web-1" },
        Spec = new PodSpec
        {
            Containers = Enumerable.Range(0, containers).Select(i => new Container { Name = $"c{i}", Image = "nginx" }).ToList(),
            InitContainers = initContainers == 0 ? null : Enumerable.Range(0, initContainers).Select(i => new Container { Name = $"init{i}", Image = "busybox" }).ToList(),
        },
        Status = status,
    };

    private static Pod Deleting(Pod pod) => pod with { Metadata = pod.Metadata with { DeletionTimestamp = Now } };

    [Fact]
    public void Of_NoStatus_Pending()
    {
        Assert.Equal("Pending", PodStatusText.Of(new Pod()));
    }

    [Fact]
    public void Of_RunningPod_Phase()
    {
        Assert.Equal("Running", PodStatusText.Of(PodWith(new PodStatus { Phase = "Running", ContainerStatuses = [Running()] })));
    }

    [Fact]
    public void Of_PodReason_ReasonInsteadOfPhase()
    {
        Assert.Equal("Evicted", PodStatusText.Of(PodWith(new PodStatus { Phase = "Failed", Reason = "Evicted" })));
    }

    [Theory]
    [InlineData("CrashLoopBackOff")]
    [InlineData("ImagePullBackOff")]
    [InlineData("ErrImagePull")]
    [InlineData("ContainerCreating")]
    public void Of_ContainerWaiting_WaitingReason(string reason)
    {
        Assert.Equal(reason, PodStatusText.Of(PodWith(new PodStatus { Phase = "Running", ContainerStatuses = [Waiting(reason)] })));
    }

    [Fact]
    public void Of_OneOfTwoContainersCrashing_CrashLoopBackOff()
    {
        var pod = PodWith(new PodStatus { Phase = "Running", ContainerStatuses = [Waiting("CrashLoopBackOff", "c0"), Running("c1")] }, containers: 2);

        Assert.Equal("CrashLoopBackOff", PodStatusText.Of(pod));
    }

    [Fact]
    public void Of_TerminatedWithReason_Reason()
    {
        Assert.Equal("Error", PodStatusText.Of(PodWith(new PodStatus { Phase = "Failed", ContainerStatuses = [Terminated(1, "Error")] })));
        Assert.Equal("OOMKilled", PodStatusText.Of(PodWith(new PodStatus { Phase = "Running", ContainerStatuses = [Terminated(137, "OOMKilled")] })));
    }

    [Fact]
    public void Of_TerminatedWithoutReason_ExitCodeOrSignal()
    {
        Assert.Equal("ExitCode:3", PodStatusText.Of(PodWith(new PodStatus { Phase = "Failed", ContainerStatuses = [Terminated(3)] })));
        Assert.Equal("Signal:9", PodStatusText.Of(PodWith(new PodStatus { Phase = "Failed", ContainerStatuses = [Terminated(137, signal: 9)] })));
    }

    [Fact]
    public void Of_CompletedSucceededPod_Completed()
    {
        Assert.Equal("Completed", PodStatusText.Of(PodWith(new PodStatus { Phase = "Succeeded", ContainerStatuses = [Terminated(0, "Completed")] })));
    }

    [Fact]
    public void Of_OneCompletedOneStillRunningAndReady_RunningOrNotReadyByCondition()
    {
        var statuses = new[] { Terminated(0, "Completed", name: "c0"), Running("c1") };
        var ready = new PodStatus { Phase = "Running", ContainerStatuses = statuses, Conditions = [new Condition { Type = "Ready", Status = "True" }] };
        var notReady = ready with { Conditions = [new Condition { Type = "Ready", Status = "False" }] };

        Assert.Equal("Running", PodStatusText.Of(PodWith(ready, containers: 2)));
        Assert.Equal("NotReady", PodStatusText.Of(PodWith(notReady, containers: 2)));
    }

    [Fact]
    public void Of_FirstInitContainerNotStarted_InitZeroOfN()
    {
        var pod = PodWith(new PodStatus { Phase = "Pending", InitContainerStatuses = [Waiting("PodInitializing", "init0"), Waiting("PodInitializing", "init1")] }, initContainers: 2);

        Assert.Equal("Init:0/2", PodStatusText.Of(pod));
    }

    [Fact]
    public void Of_FirstInitContainerDoneSecondRunning_InitOneOfTwo()
    {
        var pod = PodWith(new PodStatus { Phase = "Pending", InitContainerStatuses = [Terminated(0, "Completed", name: "init0"), Running("init1", ready: false)] }, initContainers: 2);

        Assert.Equal("Init:1/2", PodStatusText.Of(pod));
    }

    [Fact]
    public void Of_InitContainerRunning_InitZeroOfOne()
    {
        Assert.Equal("Init:0/1", PodStatusText.Of(PodWith(new PodStatus { Phase = "Pending", InitContainerStatuses = [Running("init0", ready: false)] }, initContainers: 1)));
    }

    [Fact]
    public void Of_InitContainerCrashing_InitPrefixedWaitingReason()
    {
        var pod = PodWith(new PodStatus { Phase = "Pending", InitContainerStatuses = [Waiting("CrashLoopBackOff", "init0")], ContainerStatuses = [Waiting("PodInitializing")] }, initContainers: 1);

        Assert.Equal("Init:CrashLoopBackOff", PodStatusText.Of(pod));
    }

    [Fact]
    public void Of_InitContainerFailed_InitPrefixedReasonOrExitCode()
    {
        Assert.Equal("Init:Error", PodStatusText.Of(PodWith(new PodStatus { Phase = "Pending", InitContainerStatuses = [Terminated(1, "Error", name: "init0")] }, initContainers: 1)));
        Assert.Equal("Init:ExitCode:2", PodStatusText.Of(PodWith(new PodStatus { Phase = "Pending", InitContainerStatuses = [Terminated(2, name: "init0")] }, initContainers: 1)));
        Assert.Equal("Init:Signal:15", PodStatusText.Of(PodWith(new PodStatus { Phase = "Pending", InitContainerStatuses = [Terminated(143, signal: 15, name: "init0")] }, initContainers: 1)));
    }

    [Fact]
    public void Of_AllInitContainersDone_MainContainerStatus()
    {
        var pod = PodWith(new PodStatus { Phase = "Running", InitContainerStatuses = [Terminated(0, "Completed", name: "init0")], ContainerStatuses = [Running()] }, initContainers: 1);

        Assert.Equal("Running", PodStatusText.Of(pod));
    }

    [Fact]
    public void Of_DeletionTimestampOnRunningPod_Terminating()
    {
        Assert.Equal("Terminating", PodStatusText.Of(Deleting(PodWith(new PodStatus { Phase = "Running", ContainerStatuses = [Running()] }))));
    }

    [Fact]
    public void Of_DeletionTimestampOnCrashingPod_Terminating()
    {
        Assert.Equal("Terminating", PodStatusText.Of(Deleting(PodWith(new PodStatus { Phase = "Running", ContainerStatuses = [Waiting("CrashLoopBackOff")] }))));
    }

    [Fact]
    public void Of_DeletionTimestampWhileInitializing_Terminating()
    {
        var pod = Deleting(PodWith(new PodStatus { Phase = "Pending", InitContainerStatuses = [Running("init0", ready: false)] }, initContainers: 1));

        Assert.Equal("Terminating", PodStatusText.Of(pod));
    }

    [Fact]
    public void Of_DeletionTimestampOnFinishedPod_FinalStatusKept()
    {
        // kubectl shows Terminating only for pods that are not already Succeeded or Failed.
        var pod = Deleting(PodWith(new PodStatus { Phase = "Succeeded", ContainerStatuses = [Terminated(0, "Completed")] }));

        Assert.Equal("Completed", PodStatusText.Of(pod));
    }

    [Fact]
    public void Of_DeletionTimestampOnLostNode_Unknown()
    {
        Assert.Equal("Unknown", PodStatusText.Of(Deleting(PodWith(new PodStatus { Phase = "Running", Reason = "NodeLost", ContainerStatuses = [Running()] }))));
    }

    [Fact]
    public void Of_StartedSidecarInitContainer_MainContainerStatus()
    {
        // A native sidecar (an init container with restartPolicy Always) keeps running; once started it does not hold the pod in Init.
        var pod = PodWith(new PodStatus
        {
            Phase = "Running",
            InitContainerStatuses = [Running("init0") with { Started = true }],
            ContainerStatuses = [Running("c0")],
        }, initContainers: 1);
        pod = pod with { Spec = pod.Spec with { InitContainers = [pod.Spec.InitContainers![0] with { RestartPolicy = "Always" }] } };

        Assert.Equal("Running", PodStatusText.Of(pod));
    }
}
