using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Jobs;
using static OrleansOrchestrator.Silo.Tests.Controllers.Jobs.JobSamples;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Jobs;

/// <summary>The job controller's decisions, with the cases of Kubernetes' TestControllerSyncJob.</summary>
public sealed class JobPlannerTests
{
    [Fact]
    public void JobStart_CreatesParallelismPods()
    {
        var pass = JobPlanner.Plan(Job(parallelism: 2, completions: 5, status: new JobStatus()), [], Now);
        Assert.Equal(2, pass.Create.Count);
        Assert.All(pass.Create, index => Assert.Null(index));
        Assert.Equal(2, pass.Status.Active);
        Assert.Equal(Now, pass.Status.StartTime);
    }

    [Fact]
    public void WorkQueueJobStart_CreatesParallelismPods()
    {
        var pass = JobPlanner.Plan(Job(parallelism: 2, completions: null), [], Now);
        Assert.Equal(2, pass.Create.Count);
    }

    [Fact]
    public void TooFewActivePods_CreatesTheMissingOnes()
    {
        var (pass, settled, _) = Run(Job(parallelism: 2, completions: 5), [Pod("Running"), Pod("Succeeded")]);
        Assert.Single(pass.Create);
        Assert.Equal(2, settled.Active);
        Assert.Equal(1, settled.Succeeded);
    }

    [Fact]
    public void TooManyActivePods_DeletesTheSurplusWithoutCountingThem()
    {
        var pods = Pods(3, "Running");
        var (pass, settled, _) = Run(Job(parallelism: 2, completions: 5), pods);
        Assert.Single(pass.DeleteUncounted);
        Assert.Empty(pass.Create);
        Assert.Equal(2, settled.Active);
        Assert.Equal(0, settled.Failed);
    }

    [Fact]
    public void ActivePodsNeverExceedTheCompletionsLeft()
    {
        // 3 of 5 succeeded, parallelism 4: only 2 may run.
        var (pass, _, _) = Run(Job(parallelism: 4, completions: 5), Pods(3, "Succeeded"));
        Assert.Equal(2, pass.Create.Count);
    }

    [Fact]
    public void JobFinish_SuccessCriteriaMetThenComplete_WithCompletionTime()
    {
        var (pass, settled, finished) = Run(Job(parallelism: 2, completions: 5), Pods(5, "Succeeded"));
        Assert.Empty(pass.Create);
        Assert.Equal(5, settled.Succeeded);
        Assert.Null(settled.UncountedTerminatedPods!.Succeeded);
        Assert.Equal("Complete", finished!.Type);
        Assert.Equal("True", Condition(settled, "SuccessCriteriaMet")!.Status);
        Assert.Equal("CompletionsReached", Condition(settled, "Complete")!.Reason);
        Assert.Equal("Reached expected number of succeeded pods", Condition(settled, "Complete")!.Message);
        Assert.Equal(Now, settled.CompletionTime);
        // SuccessCriteriaMet is stored before the pods are released, Complete only after.
        Assert.NotNull(Condition(pass.Status, "SuccessCriteriaMet"));
        Assert.Null(Condition(pass.Status, "Complete"));
    }

    [Fact]
    public void WorkQueueJob_WaitsForRunningPodsAfterTheFirstSuccess()
    {
        var (pass, settled, finished) = Run(Job(parallelism: 2, completions: null), [Pod("Running"), Pod("Succeeded")]);
        Assert.Empty(pass.Create);
        Assert.Null(finished);
        Assert.Equal(1, settled.Active);

        (_, settled, finished) = Run(Job(parallelism: 2, completions: null), [Pod("Succeeded"), Pod("Succeeded")]);
        Assert.Equal("Complete", finished!.Type);
    }

    [Fact]
    public void FinishedPods_AreCountedOnce_AcrossPassesDeletionAndAnInterruptedPass()
    {
        var succeeded = Pod("Succeeded");
        var job = Job(parallelism: 1, completions: 3);
        var first = JobPlanner.Plan(job, [succeeded], Now);
        // Recorded by UID before the release...
        Assert.Equal(new[] { succeeded.Metadata.Uid! }, first.Status.UncountedTerminatedPods!.Succeeded!);
        Assert.Contains(succeeded, first.ReleaseFinalizers);

        // ...and if the pass stops right after that write, the next one neither adds it again nor loses it.
        var interrupted = job with { Status = first.Status };
        var again = Run(interrupted, [succeeded]);
        Assert.Equal(1, again.Settled.Succeeded);

        // Once released, the pod (or its absence, once collected) never counts again.
        var released = JobPods.WithoutTrackingFinalizer(succeeded);
        var later = job with { Status = again.Settled };
        Assert.Equal(1, Run(later, [released]).Settled.Succeeded);
        Assert.Equal(1, Run(later, []).Settled.Succeeded);

        // Released in the pass that stopped: counted from the uncounted list even though the pod is gone.
        Assert.Equal(1, Run(interrupted, []).Settled.Succeeded);
    }

    [Fact]
    public void DeletedRunningPod_CountsAsFailed_AndIsReplaced()
    {
        var (pass, settled, _) = Run(Job(parallelism: 1, completions: 1), [Pod("Running", deleted: true)]);
        Assert.Equal(1, settled.Failed);
        Assert.Single(pass.ReleaseFinalizers);
        Assert.Equal(1, settled.Terminating);
        // The first failure's back-off: a replacement after 10 s.
        Assert.Empty(pass.Create);
        Assert.NotNull(pass.LookAgainIn);
    }

    [Fact]
    public void BackoffLimitExceeded_FailureTargetThenFailed()
    {
        var job = Job(backoffLimit: 1);
        var (pass, settled, finished) = Run(job, [Pod("Failed", exitCode: 1), Pod("Failed", exitCode: 1)]);
        Assert.Equal(2, settled.Failed);
        Assert.Equal("FailureTarget", Condition(pass.Status, "FailureTarget")!.Type);
        Assert.Null(Condition(pass.Status, "Failed"));
        Assert.Equal("Failed", finished!.Type);
        Assert.Equal("BackoffLimitExceeded", Condition(settled, "Failed")!.Reason);
        Assert.Equal("Job has reached the specified backoff limit", Condition(settled, "Failed")!.Message);
        Assert.Null(settled.CompletionTime);
    }

    [Fact]
    public void OneFailureWithinTheLimit_DoesNotFail()
    {
        var (_, settled, finished) = Run(Job(backoffLimit: 1), [Pod("Failed", exitCode: 1, finishedAgo: TimeSpan.FromMinutes(5))]);
        Assert.Null(finished);
        Assert.Equal(1, settled.Failed);
        Assert.Equal(1, settled.Active);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(6, 320)]
    [InlineData(7, 600)]
    [InlineData(30, 600)]
    public void BackoffDoublesFromTenSecondsAndIsCapped(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), FailureBackoff.Delay(failures));

    [Fact]
    public void NoPodsAreCreatedDuringTheBackoff_AndThePassLooksAgainWhenItEnds()
    {
        var failed = Pod("Failed", exitCode: 1, finishedAgo: TimeSpan.FromSeconds(3), tracked: false);
        var pass = JobPlanner.Plan(Job(completions: 2, status: new JobStatus { StartTime = Now.AddMinutes(-1), Failed = 1 }), [failed], Now);
        Assert.Empty(pass.Create);
        Assert.Equal(TimeSpan.FromSeconds(7), pass.LookAgainIn);

        // Two failures in a row: 20 s; a success after them resets the back-off.
        var second = Pod("Failed", exitCode: 1, finishedAgo: TimeSpan.FromSeconds(3), tracked: false);
        Assert.Equal(TimeSpan.FromSeconds(17), FailureBackoff.Remaining(Job(), [failed, second], Now));
        var success = Pod("Succeeded", finishedAgo: TimeSpan.FromSeconds(1), tracked: false);
        Assert.Equal(TimeSpan.Zero, FailureBackoff.Remaining(Job(), [failed, second, success], Now));

        // Pods the job stopped itself (released, then deleted: suspended or surplus) are no failures.
        var stopped = Pod("Running", deleted: true, tracked: false);
        Assert.Equal(TimeSpan.Zero, FailureBackoff.Remaining(Job(), [stopped], Now));
    }

    [Fact]
    public void OnFailureRestarts_CountTowardsTheBackoffLimit()
    {
        var job = Job(backoffLimit: 2, restartPolicy: "OnFailure");
        Assert.Null(Run(job, [Pod("Running", restarts: 1)]).Finished);
        var (_, settled, finished) = Run(job, [Pod("Running", restarts: 2)]);
        Assert.Null(finished); // the running pod is stopped first; the job fails once it has terminated
        Assert.Equal("BackoffLimitExceeded", Condition(settled, "FailureTarget")!.Reason);
    }

    [Fact]
    public void ActiveDeadlineExceeded_StopsActivePods_AndFailsOnceTheyAreGone()
    {
        var job = Job(parallelism: 2, completions: 4, deadline: 5, status: new JobStatus { StartTime = Now.AddSeconds(-10) });
        var running = Pods(2, "Running", ready: true);
        var (pass, settled, finished) = Run(job, running);
        Assert.Equal(2, pass.Delete.Count);
        Assert.Empty(pass.Create);
        Assert.Equal("DeadlineExceeded", Condition(settled, "FailureTarget")!.Reason);
        Assert.Equal("Job was active longer than specified deadline", Condition(settled, "FailureTarget")!.Message);
        Assert.Null(finished);
        Assert.Equal(0, settled.Active);
        Assert.Equal(2, settled.Terminating);
        // The stopped pods count as failed.
        Assert.Equal(2, settled.Failed);

        // Once they are gone: Failed.
        var after = Run(job with { Status = settled }, []);
        Assert.Equal("Failed", after.Finished!.Type);
        Assert.Equal("DeadlineExceeded", after.Finished.Reason);
    }

    [Fact]
    public void ActiveDeadlineNotReached_LooksAgainWhenItIs()
    {
        var job = Job(deadline: 60, status: new JobStatus { StartTime = Now.AddSeconds(-20) });
        Assert.Equal(TimeSpan.FromSeconds(40), JobPlanner.Plan(job, [Pod("Running")], Now).LookAgainIn);
    }

    private static JobPodFailurePolicy Policy(params JobPodFailurePolicyRule[] rules) => new() { Rules = rules };

    private static JobPodFailurePolicyRule OnExit(string action, string op, params int[] codes) =>
        new() { Action = action, OnExitCodes = new JobPodFailurePolicyOnExitCodes { Operator = op, Values = codes } };

    [Fact]
    public void PodFailurePolicy_FailJob_FailsTheJobWithKubernetesMessage()
    {
        var job = Job(parallelism: 2, completions: 4, policy: Policy(OnExit("FailJob", "In", 42)));
        var failed = Pod("Failed", exitCode: 42);
        var (pass, settled, finished) = Run(job, [failed, Pod("Running")]);
        Assert.Equal("PodFailurePolicy", Condition(settled, "FailureTarget")!.Reason);
        Assert.Equal($"Container main for pod default/{failed.Metadata.Name} failed with exit code 42 matching FailJob rule at index 0",
            Condition(settled, "FailureTarget")!.Message);
        Assert.Single(pass.Delete);
        Assert.Null(finished);
    }

    [Fact]
    public void PodFailurePolicy_Ignore_DoesNotCount_AndCount_Does()
    {
        var job = Job(backoffLimit: 0, policy: Policy(OnExit("Ignore", "In", 3), OnExit("Count", "NotIn", 3)));
        var ignored = Run(job, [Pod("Failed", exitCode: 3, finishedAgo: TimeSpan.FromMinutes(5))]);
        Assert.Equal(0, ignored.Settled.Failed);
        Assert.Null(ignored.Finished);
        Assert.Single(ignored.Pass.ReleaseFinalizers);

        var counted = Run(job, [Pod("Failed", exitCode: 4)]);
        Assert.Equal(1, counted.Settled.Failed);
        Assert.Equal("BackoffLimitExceeded", Condition(counted.Settled, "Failed")!.Reason);
    }

    [Fact]
    public void PodFailurePolicy_OnPodConditions_MatchesADisruption()
    {
        var disrupted = Pod("Failed", exitCode: 137, conditions: [new Condition { Type = "DisruptionTarget", Status = "True" }]);
        var policy = Policy(new JobPodFailurePolicyRule { Action = "Ignore", OnPodConditions = [new JobPodFailurePolicyOnPodCondition { Type = "DisruptionTarget", Status = "True" }] });
        Assert.Equal(new PodFailurePolicyMatch(null, false, "Ignore"), PodFailurePolicyMatch.For(policy, disrupted));
        var failJob = Policy(new JobPodFailurePolicyRule { Action = "FailJob", OnPodConditions = [new JobPodFailurePolicyOnPodCondition { Type = "DisruptionTarget", Status = "True" }] });
        Assert.Equal($"Pod default/{disrupted.Metadata.Name} has condition DisruptionTarget matching FailJob rule at index 0",
            PodFailurePolicyMatch.For(failJob, disrupted).FailJobMessage);
    }

    [Fact]
    public void PodFailurePolicy_ExitCodeZeroNeverMatches()
    {
        var pod = Pod("Failed", exitCode: 0);
        Assert.Null(PodFailurePolicyMatch.For(Policy(OnExit("FailJob", "NotIn", 1)), pod).Action);
    }

    [Fact]
    public void PodFailurePolicy_ADeletedRunningPodIsNotFailedUntilItsPhaseIs()
    {
        var job = Job(policy: Policy(OnExit("FailJob", "In", 42)));
        var (pass, settled, _) = Run(job, [Pod("Running", deleted: true)]);
        Assert.Equal(0, settled.Failed);
        Assert.Empty(pass.ReleaseFinalizers);
        // Only failed pods are replaced: not while it terminates.
        Assert.Empty(pass.Create);
    }

    [Fact]
    public void Indexed_CreatesTheLowestPendingIndexes_AndReportsCompletedIndexes()
    {
        var job = Job(parallelism: 2, completions: 5, mode: "Indexed");
        var (pass, settled, _) = Run(job, [Pod("Succeeded", index: 0), Pod("Succeeded", index: 2), Pod("Running", index: 1)]);
        Assert.Equal(new int?[] { 3 }, pass.Create);
        Assert.Equal("0,2", settled.CompletedIndexes);
        Assert.Equal(2, settled.Succeeded);
    }

    [Fact]
    public void Indexed_CompletesWhenEveryIndexSucceeded()
    {
        var job = Job(parallelism: 2, completions: 5, mode: "Indexed", status: new JobStatus { StartTime = Now.AddMinutes(-1), CompletedIndexes = "0-2" });
        var (_, settled, finished) = Run(job, [Pod("Succeeded", index: 3), Pod("Succeeded", index: 4), Pod("Succeeded", index: 4)]);
        Assert.Equal("0-4", settled.CompletedIndexes);
        Assert.Equal(5, settled.Succeeded);
        Assert.Equal("Complete", finished!.Type);
    }

    [Fact]
    public void Indexed_DuplicateAndInvalidIndexesAreRemoved()
    {
        var job = Job(parallelism: 3, completions: 3, mode: "Indexed");
        var pass = JobPlanner.Plan(job, [Pod("Running", index: 0, ready: true), Pod("Pending", index: 0), Pod("Running", index: 7), Pod("Running", index: 1)], Now);
        Assert.Equal(2, pass.DeleteUncounted.Count);
        Assert.DoesNotContain(pass.DeleteUncounted, p => p.Status!.Phase == "Running" && JobPods.CompletionIndex(p) == 0);
        Assert.Empty(pass.Create);
    }

    [Fact]
    public void Indexed_FailIndex_MarksTheIndexFailed_AndDoesNotRetryIt()
    {
        var job = Job(parallelism: 3, completions: 3, mode: "Indexed", policy: Policy(OnExit("FailIndex", "In", 5)));
        var (pass, settled, finished) = Run(job, [Pod("Failed", index: 1, exitCode: 5, finishedAgo: TimeSpan.FromMinutes(5)), Pod("Running", index: 0), Pod("Succeeded", index: 2)]);
        Assert.Equal("1", settled.FailedIndexes);
        Assert.Empty(pass.Create);
        Assert.Null(finished);

        // Every index done, one failed: the job fails.
        var last = Run(job with { Status = settled }, [Pod("Succeeded", index: 0)]);
        Assert.Equal("FailedIndexes", last.Finished!.Reason);
        Assert.Equal("Job has failed indexes", last.Finished.Message);
    }

    [Fact]
    public void Suspend_DeletesActivePodsUncounted_AndSetsSuspended()
    {
        var job = Job(parallelism: 2, completions: 4, suspend: true);
        var (pass, settled, _) = Run(job, Pods(2, "Running"));
        Assert.Equal(2, pass.DeleteUncounted.Count);
        Assert.Empty(pass.Create);
        Assert.Equal(0, settled.Active);
        Assert.Equal(0, settled.Failed);
        var suspended = Condition(settled, "Suspended")!;
        Assert.Equal(("True", "JobSuspended", "Job suspended"), (suspended.Status, suspended.Reason, suspended.Message));
        Assert.Contains(("Normal", "Suspended", "Job suspended"), pass.Events);
    }

    [Fact]
    public void CreatedSuspended_HasNoStartTime_AndResumingSetsIt()
    {
        var created = Run(Job(parallelism: 2, completions: 4, suspend: true, status: new JobStatus()), []);
        Assert.Null(created.Settled.StartTime);

        var later = Now.AddMinutes(5);
        var resumed = Run(Job(parallelism: 2, completions: 4, status: created.Settled with { StartTime = Now.AddMinutes(-10) }), [], later);
        Assert.Equal(2, resumed.Pass.Create.Count);
        var condition = Condition(resumed.Settled, "Suspended")!;
        Assert.Equal(("False", "JobResumed"), (condition.Status, condition.Reason));
        Assert.Equal(later, resumed.Settled.StartTime);
    }

    [Fact]
    public void FinishedJob_ReleasesLeftoverFinalizers_AndCountsDownItsTtl()
    {
        var finishedAt = Now.AddSeconds(-10);
        var status = new JobStatus { Conditions = [new Condition { Type = "Complete", Status = "True", LastTransitionTime = finishedAt }] };
        var leftover = Pod("Succeeded");
        var pass = JobPlanner.Plan(Job(ttl: 100, status: status), [leftover], Now);
        Assert.Equal(new[] { leftover }, pass.ReleaseFinalizers);
        Assert.Empty(pass.Create);
        Assert.Equal(TimeSpan.FromSeconds(90), pass.LookAgainIn);
        Assert.Equal(TimeSpan.Zero, JobPlanner.TtlLeft(Job(ttl: 5, status: status), Now));
        Assert.Null(JobPlanner.TtlLeft(Job(status: status), Now));
    }

    [Fact]
    public void ManyFinishedPods_AreRecordedAtMost500APass()
    {
        var (pass, settled, finished) = Run(Job(parallelism: 10, completions: 600), Pods(600, "Succeeded"));
        Assert.True(pass.ReachedMaxUncounted);
        Assert.Equal(500, pass.ReleaseFinalizers.Count);
        Assert.Null(finished);
        Assert.Equal(500, settled.Succeeded);
    }
}
