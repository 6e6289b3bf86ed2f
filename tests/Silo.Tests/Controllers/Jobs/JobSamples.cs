using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Jobs;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Jobs;

/// <summary>Jobs and their pods for planner tests, shaped like the helpers of Kubernetes' job_controller_test.go.</summary>
internal static class JobSamples
{
    public static readonly DateTimeOffset Now = new(2024, 5, 20, 12, 0, 0, TimeSpan.Zero);

    public static Job Job(int? parallelism = 1, int? completions = 1, int backoffLimit = 6, string mode = "NonIndexed",
        bool suspend = false, long? deadline = null, JobPodFailurePolicy? policy = null, string restartPolicy = "Never",
        JobStatus? status = null, int? ttl = null) => new()
        {
            Metadata = new ObjectMeta { Name = "pi", Namespace = "default", Uid = "job-uid" },
            Spec = new JobSpec
            {
                Parallelism = parallelism,
                Completions = completions,
                BackoffLimit = backoffLimit,
                CompletionMode = mode,
                Suspend = suspend,
                ActiveDeadlineSeconds = deadline,
                PodFailurePolicy = policy,
                PodReplacementPolicy = policy is null ? "TerminatingOrFailed" : "Failed",
                TtlSecondsAfterFinished = ttl,
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["batch.kubernetes.io/job-name"] = "pi" } },
                    Spec = new PodSpec { RestartPolicy = restartPolicy, Containers = [new Container { Name = "main", Image = "busybox" }] },
                },
            },
            Status = status ?? new JobStatus { StartTime = Now.AddMinutes(-1) },
        };

    private static int _next;

    /// <summary>A pod of the job in <paramref name="phase"/>; finished ones ended <paramref name="finishedAgo"/> before <see cref="Now"/>.</summary>
    public static Pod Pod(string phase, int? index = null, bool tracked = true, int exitCode = 0, TimeSpan? finishedAgo = null,
        bool deleted = false, bool ready = false, int restarts = 0, IReadOnlyList<Condition>? conditions = null)
    {
        var n = Interlocked.Increment(ref _next);
        var finished = phase is "Succeeded" or "Failed";
        return new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = $"pi-{n}",
                Namespace = "default",
                Uid = $"pod-{n}",
                CreationTimestamp = Now.AddMinutes(-1),
                DeletionTimestamp = deleted ? Now.AddSeconds(-1) : null,
                DeletionGracePeriodSeconds = deleted ? 30 : null,
                Finalizers = tracked ? [JobPods.TrackingFinalizer] : null,
                Annotations = index is { } i ? new Dictionary<string, string> { [JobPods.CompletionIndexAnnotation] = i.ToString() } : null,
                OwnerReferences = [new OwnerReference { ApiVersion = "batch/v1", Kind = "Job", Name = "pi", Uid = "job-uid", Controller = true }],
            },
            Spec = new PodSpec { NodeName = "node-1", Containers = [new Container { Name = "main", Image = "busybox" }] },
            Status = new PodStatus
            {
                Phase = phase,
                Conditions = [new Condition { Type = "Ready", Status = ready ? "True" : "False" }, .. conditions ?? []],
                ContainerStatuses =
                [
                    new ContainerStatus
                    {
                        Name = "main",
                        RestartCount = restarts,
                        State = finished
                            ? new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = exitCode, FinishedAt = Now - (finishedAgo ?? TimeSpan.FromMinutes(1)) } }
                            : new ContainerState { Running = new ContainerStateRunning() },
                    },
                ],
            },
        };
    }

    public static Pod[] Pods(int count, string phase, bool ready = false) => Enumerable.Range(0, count).Select(_ => Pod(phase, ready: ready)).ToArray();

    public static Condition? Condition(JobStatus status, string type) => status.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>A whole pass as the grain runs it when every pod write succeeds.</summary>
    public static (JobPass Pass, JobStatus Settled, Condition? Finished) Run(Job job, IReadOnlyList<Pod> pods, DateTimeOffset? now = null)
    {
        var pass = JobPlanner.Plan(job, pods, now ?? Now);
        var held = pods.Where(JobPods.HasTrackingFinalizer).Select(p => p.Metadata.Uid!).ToHashSet();
        held.ExceptWith(pass.ReleaseFinalizers.Concat(pass.DeleteUncounted).Select(p => p.Metadata.Uid!));
        var (settled, finished) = JobPlanner.Settle(pass.Status, pass, held, now ?? Now);
        return (pass, settled, finished);
    }
}
