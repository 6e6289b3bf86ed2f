using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Deployments;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Deployments;

/// <summary>Kubernetes' progress_test.go (TestSyncRolloutStatus, TestRequeueStuckDeployment) and deployment_util_test.go (TestDeploymentComplete, TestDeploymentProgressing, TestDeploymentTimedOut).</summary>
public class DeploymentStatusCalculatorTests
{
    private static readonly DateTimeOffset TestTime = new(2017, 2, 15, 18, 49, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = TestTime.AddHours(1);

    private static readonly Condition FailedTimedOut = new()
    {
        Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded",
    };

    private static readonly Condition NewRsAvailable = new()
    {
        Type = "Progressing", Status = "True", Reason = "NewReplicaSetAvailable", LastUpdateTime = TestTime, LastTransitionTime = TestTime,
    };

    private static readonly Condition ReplicaSetUpdated = new()
    {
        Type = "Progressing", Status = "True", Reason = "ReplicaSetUpdated", LastUpdateTime = TestTime, LastTransitionTime = TestTime,
    };

    /// <summary>Kubernetes' <c>currentDeployment</c>: a Recreate deployment named progress-test with a status.</summary>
    private static DeploymentStatusInput Current(
        int? progressDeadlineSeconds, int replicas, int statusReplicas, int updatedReplicas, int availableReplicas, params Condition[] conditions) => new()
    {
        DeploymentName = "progress-test",
        Replicas = replicas,
        Strategy = "Recreate",
        ProgressDeadlineSeconds = progressDeadlineSeconds,
        CurrentStatus = new DeploymentStatus
        {
            Replicas = statusReplicas,
            UpdatedReplicas = updatedReplicas,
            AvailableReplicas = availableReplicas,
            Conditions = conditions,
        },
        Now = Now,
    };

    /// <summary>Kubernetes' <c>newRSWithAvailable</c>.</summary>
    private static ReplicaSetState WithAvailable(string name, int spec, int status, int available) => Rs.Make(name, spec, status, available);

    private static Condition? Progressing(DeploymentStatus status) => status.Conditions?.SingleOrDefault(c => c.Type == "Progressing");

    private static Condition? Available(DeploymentStatus status) => status.Conditions?.SingleOrDefault(c => c.Type == "Available");

    [Fact]
    public void Compute_NoProgressDeadline_RemovesProgressingAndEstimatesNothing()
    {
        var input = Current(null, 3, 2, 2, 2, ReplicaSetUpdated) with
        {
            OldReplicaSets = [WithAvailable("bar", 0, 1, 1)],
            NewReplicaSet = WithAvailable("foo", 3, 2, 2),
        };

        Assert.Null(Progressing(DeploymentStatusCalculator.Compute(input)));
    }

    [Fact]
    public void Compute_OnlyOneActiveReplicaSet_DoesNotEstimateProgress()
    {
        var input = Current(60, 3, 3, 3, 3, NewRsAvailable) with { OldReplicaSets = [WithAvailable("bar", 3, 3, 3)] };

        Assert.Equal(NewRsAvailable, Progressing(DeploymentStatusCalculator.Compute(input)));
    }

    [Theory]
    [InlineData("ReplicaSetUpdated", true)] // Progressing=True already: lastTransitionTime stays
    [InlineData("ProgressDeadlineExceeded", false)] // Progressing=False: everything updated
    [InlineData(null, false)] // no condition yet: created
    public void Compute_Progress_ReplicaSetUpdated(string? currentReason, bool keepsTransitionTime)
    {
        var conditions = currentReason switch
        {
            "ReplicaSetUpdated" => new[] { ReplicaSetUpdated },
            "ProgressDeadlineExceeded" => [FailedTimedOut],
            _ => [],
        };
        var input = Current(60, 3, 2, 2, 2, conditions) with
        {
            OldReplicaSets = [WithAvailable("bar", 0, 1, 1)],
            NewReplicaSet = WithAvailable("foo", 3, 2, 2),
        };

        var condition = Progressing(DeploymentStatusCalculator.Compute(input))!;

        Assert.Equal(("True", "ReplicaSetUpdated", "ReplicaSet \"foo\" is progressing."), (condition.Status, condition.Reason, condition.Message));
        Assert.Equal(Now, condition.LastUpdateTime);
        Assert.Equal(keepsTransitionTime ? TestTime : Now, condition.LastTransitionTime);
    }

    [Theory]
    [InlineData("ReplicaSetUpdated", true)]
    [InlineData("ProgressDeadlineExceeded", false)]
    [InlineData(null, false)]
    public void Compute_Complete_NewReplicaSetAvailable(string? currentReason, bool keepsTransitionTime)
    {
        var conditions = currentReason switch
        {
            "ReplicaSetUpdated" => new[] { ReplicaSetUpdated },
            "ProgressDeadlineExceeded" => [FailedTimedOut],
            _ => [],
        };
        var input = Current(60, 3, 3, 3, 3, conditions) with { NewReplicaSet = WithAvailable("foo", 3, 3, 3) };

        var condition = Progressing(DeploymentStatusCalculator.Compute(input))!;

        Assert.Equal(("True", "NewReplicaSetAvailable", "ReplicaSet \"foo\" has successfully progressed."), (condition.Status, condition.Reason, condition.Message));
        Assert.Equal(Now, condition.LastUpdateTime);
        Assert.Equal(keepsTransitionTime ? TestTime : Now, condition.LastTransitionTime);
    }

    [Fact]
    public void Compute_CompleteWithoutNewReplicaSet_NamesTheDeployment()
    {
        var input = Current(60, 0, 3, 3, 3, ReplicaSetUpdated) with { OldReplicaSets = [WithAvailable("foo", 0, 0, 0)] };

        var condition = Progressing(DeploymentStatusCalculator.Compute(input))!;

        Assert.Equal(("True", "NewReplicaSetAvailable"), (condition.Status, condition.Reason));
        Assert.Equal("Deployment \"progress-test\" has successfully progressed.", condition.Message);
    }

    [Fact]
    public void Compute_NoProgressPastTheDeadline_ProgressDeadlineExceeded()
    {
        var input = Current(60, 3, 2, 2, 2, ReplicaSetUpdated) with { NewReplicaSet = WithAvailable("foo", 3, 2, 2) };

        var condition = Progressing(DeploymentStatusCalculator.Compute(input))!;

        Assert.Equal(("False", "ProgressDeadlineExceeded", "ReplicaSet \"foo\" has timed out progressing."), (condition.Status, condition.Reason, condition.Message));
        Assert.Equal((Now, Now), (condition.LastUpdateTime, condition.LastTransitionTime));
    }

    [Fact]
    public void Compute_AlreadyTimedOut_ConditionUnchanged()
    {
        var timedOut = FailedTimedOut with { Message = "ReplicaSet \"foo\" has timed out progressing.", LastUpdateTime = TestTime, LastTransitionTime = TestTime };
        var input = Current(60, 3, 2, 2, 2, timedOut) with { NewReplicaSet = WithAvailable("foo", 3, 2, 2) };

        Assert.Equal(timedOut, Progressing(DeploymentStatusCalculator.Compute(input)));
    }

    [Fact]
    public void Compute_NoProgressWithinTheDeadline_ConditionUnchanged()
    {
        var input = Current(60, 3, 2, 2, 2, ReplicaSetUpdated) with
        {
            NewReplicaSet = WithAvailable("foo", 3, 2, 2),
            Now = TestTime.AddSeconds(60),
        };

        Assert.Equal(ReplicaSetUpdated, Progressing(DeploymentStatusCalculator.Compute(input)));
    }

    [Fact]
    public void Compute_Paused_DeploymentPausedAndNoEstimate()
    {
        var input = Current(60, 3, 2, 2, 2, ReplicaSetUpdated) with
        {
            Paused = true,
            EstimateProgress = false,
            NewReplicaSet = WithAvailable("foo", 3, 2, 2),
        };

        var condition = Progressing(DeploymentStatusCalculator.Compute(input))!;

        Assert.Equal(("Unknown", "DeploymentPaused", "Deployment is paused"), (condition.Status, condition.Reason, condition.Message));
        Assert.Equal((Now, Now), (condition.LastUpdateTime, condition.LastTransitionTime));
    }

    [Fact]
    public void Compute_ResumedAfterAPauseLongerThanTheDeadline_DoesNotTimeOut()
    {
        var paused = new Condition
        {
            Type = "Progressing", Status = "Unknown", Reason = "DeploymentPaused", Message = "Deployment is paused", LastUpdateTime = TestTime, LastTransitionTime = TestTime,
        };
        var input = Current(60, 3, 2, 2, 2, paused) with { NewReplicaSet = WithAvailable("foo", 3, 2, 2) };

        var condition = Progressing(DeploymentStatusCalculator.Compute(input))!;

        Assert.Equal(("Unknown", "DeploymentResumed", "Deployment is resumed"), (condition.Status, condition.Reason, condition.Message));
        Assert.Equal(Now, condition.LastUpdateTime);
    }

    [Fact]
    public void Compute_PausedAfterTimingOut_KeepsTheTimeout()
    {
        var input = Current(60, 3, 2, 2, 2, FailedTimedOut) with { Paused = true, EstimateProgress = false };

        Assert.Equal(FailedTimedOut, Progressing(DeploymentStatusCalculator.Compute(input)));
    }

    [Fact]
    public void Compute_NewReplicaSetCreatedThisPass_NewReplicaSetCreated()
    {
        var input = Current(600, 3, 3, 0, 3, NewRsAvailable) with
        {
            NewReplicaSet = WithAvailable("web-5d4f8", 1, 0, 0),
            OldReplicaSets = [WithAvailable("web-7c9b6", 3, 3, 3)],
            CreatedNewReplicaSet = true,
        };

        var condition = Progressing(DeploymentStatusCalculator.Compute(input))!;

        Assert.Equal(("True", "NewReplicaSetCreated", "Created new replica set \"web-5d4f8\""), (condition.Status, condition.Reason, condition.Message));
        Assert.Equal(TestTime, condition.LastTransitionTime); // True before, True after
        Assert.Equal(Now, condition.LastUpdateTime);
    }

    [Fact]
    public void Compute_NewReplicaSetFoundWithoutProgressingCondition_FoundNewReplicaSet()
    {
        var input = Current(600, 3, 3, 1, 3) with
        {
            NewReplicaSet = WithAvailable("web-5d4f8", 1, 1, 0),
            OldReplicaSets = [WithAvailable("web-7c9b6", 2, 2, 2)],
        };

        var condition = Progressing(DeploymentStatusCalculator.Compute(input))!;

        Assert.Equal(("True", "FoundNewReplicaSet", "Found new replica set \"web-5d4f8\""), (condition.Status, condition.Reason, condition.Message));
    }

    [Theory]
    [InlineData(8, "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")]
    [InlineData(7, "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")]
    public void Compute_Availability_AgainstDesiredMinusMaxUnavailable(int available, string status, string reason, string message)
    {
        var input = new DeploymentStatusInput
        {
            Replicas = 10,
            MaxSurge = 3,
            MaxUnavailable = 2,
            NewReplicaSet = Rs.Make("web-new", 10, 10, available),
            Now = Now,
        };

        var condition = Available(DeploymentStatusCalculator.Compute(input))!;

        Assert.Equal((status, reason, message), (condition.Status, condition.Reason, condition.Message));
    }

    [Fact]
    public void Compute_AvailabilityUnchanged_ConditionKeepsItsTimes()
    {
        var available = new Condition
        {
            Type = "Available", Status = "True", Reason = "MinimumReplicasAvailable", Message = "Deployment has minimum availability.",
            LastUpdateTime = TestTime, LastTransitionTime = TestTime,
        };
        var input = new DeploymentStatusInput
        {
            Replicas = 2,
            NewReplicaSet = Rs.Make("web-new", 2, 2, 2),
            CurrentStatus = new DeploymentStatus { Conditions = [available] },
            Now = Now,
        };

        Assert.Equal(available, Available(DeploymentStatusCalculator.Compute(input)));
    }

    [Fact]
    public void Compute_Counts_FromTheReplicaSets()
    {
        var input = new DeploymentStatusInput
        {
            Generation = 7,
            Replicas = 4,
            NewReplicaSet = Rs.Make("web-new", 3, 2, 1) with { ReadyReplicas = 2 },
            OldReplicaSets = [Rs.Make("web-old", 2, 3, 3) with { ReadyReplicas = 3 }, Rs.Make("web-older", 0)],
            CurrentStatus = new DeploymentStatus { CollisionCount = 2 },
            Now = Now,
        };

        var status = DeploymentStatusCalculator.Compute(input);

        Assert.Equal(7, status.ObservedGeneration);
        Assert.Equal(5, status.Replicas);
        Assert.Equal(2, status.UpdatedReplicas);
        Assert.Equal(5, status.ReadyReplicas);
        Assert.Equal(4, status.AvailableReplicas);
        Assert.Equal(1, status.UnavailableReplicas);
        Assert.Equal(2, status.CollisionCount);
    }

    [Fact]
    public void Compute_MoreAvailableThanWanted_NoNegativeUnavailable()
    {
        var input = new DeploymentStatusInput { Replicas = 2, NewReplicaSet = Rs.Make("web-new", 2, 4, 4), Now = Now };

        Assert.Equal(0, DeploymentStatusCalculator.Compute(input).UnavailableReplicas);
    }

    [Fact]
    public void Compute_ReplicaFailureOnTheNewReplicaSet_Reported()
    {
        var failure = new Condition { Type = "ReplicaFailure", Status = "True", Reason = "FailedCreate", Message = "quota", LastTransitionTime = TestTime };
        var input = new DeploymentStatusInput
        {
            Replicas = 2,
            NewReplicaSet = Rs.Make("web-new", 2) with { ReplicaFailure = failure },
            Now = Now,
        };

        var condition = DeploymentStatusCalculator.Compute(input).Conditions!.Single(c => c.Type == "ReplicaFailure");

        Assert.Equal(("True", "FailedCreate", "quota", TestTime, TestTime), (condition.Status, condition.Reason, condition.Message, condition.LastUpdateTime, condition.LastTransitionTime));
    }

    [Fact]
    public void Compute_SubSecondClock_StoredWithWholeSeconds()
    {
        var input = new DeploymentStatusInput { Replicas = 1, NewReplicaSet = Rs.Make("web-new", 1, 1, 1), Now = Now.AddMilliseconds(750) };

        var condition = Available(DeploymentStatusCalculator.Compute(input))!;

        Assert.Equal(Now, condition.LastTransitionTime);
    }

    [Fact]
    public void Compute_SamePassTwice_StatusEquals()
    {
        var input = Current(600, 3, 3, 1, 2, ReplicaSetUpdated) with
        {
            NewReplicaSet = WithAvailable("foo", 2, 1, 0),
            OldReplicaSets = [WithAvailable("bar", 2, 2, 2)],
        };

        var first = DeploymentStatusCalculator.Compute(input);
        var second = DeploymentStatusCalculator.Compute(input with { CurrentStatus = first, Now = Now.AddSeconds(5) });

        Assert.True(DeploymentStatusCalculator.StatusEquals(first, second));
        Assert.False(DeploymentStatusCalculator.StatusEquals(first, first with { ReadyReplicas = 9 }));
        Assert.False(DeploymentStatusCalculator.StatusEquals(first, first with { Conditions = [] }));
    }

    [Theory]
    [InlineData(5, 5, 5, 4, false)] // min but not all pods become available
    [InlineData(5, 5, 5, 3, false)] // min availability is not honored
    [InlineData(5, 5, 5, 5, true)]
    [InlineData(5, 5, 4, 5, false)] // all pods are available but not updated
    [InlineData(1, 2, 1, 1, false)] // still running old pods
    [InlineData(1, 1, 1, 0, false)] // one replica deployment never comes up
    public void IsComplete_KubernetesTable(int desired, int current, int updated, int available, bool expected)
    {
        var status = new DeploymentStatus { Replicas = current, UpdatedReplicas = updated, AvailableReplicas = available };

        Assert.Equal(expected, DeploymentStatusCalculator.IsComplete(desired, 0, status));
    }

    [Fact]
    public void IsComplete_OlderGeneration_False()
    {
        var status = new DeploymentStatus { ObservedGeneration = 1, Replicas = 2, UpdatedReplicas = 2, AvailableReplicas = 2 };

        Assert.False(DeploymentStatusCalculator.IsComplete(2, 2, status));
    }

    [Theory]
    [InlineData(10, 4, 4, 4, 10, 6, 4, 4, true)] // updated pods
    [InlineData(10, 4, 4, 4, 10, 4, 4, 4, false)]
    [InlineData(10, 4, 6, 6, 8, 4, 6, 6, true)] // old pods removed
    [InlineData(10, 7, 3, 3, 10, 6, 3, 3, false)] // less new pods
    [InlineData(10, 4, 7, 7, 8, 8, 5, 5, true)] // less overall but more new pods
    [InlineData(10, 10, 9, 8, 10, 10, 10, 8, true)] // more ready pods
    [InlineData(10, 10, 10, 9, 10, 10, 10, 10, true)] // more available pods
    public void IsProgressing_KubernetesTable(int current, int updated, int ready, int available, int newCurrent, int newUpdated, int newReady, int newAvailable, bool expected)
    {
        var before = new DeploymentStatus { Replicas = current, UpdatedReplicas = updated, ReadyReplicas = ready, AvailableReplicas = available };
        var after = new DeploymentStatus { Replicas = newCurrent, UpdatedReplicas = newUpdated, ReadyReplicas = newReady, AvailableReplicas = newAvailable };

        Assert.Equal(expected, DeploymentStatusCalculator.IsProgressing(before, after));
    }

    [Theory]
    [InlineData(null, "", 9, false)] // no progressDeadlineSeconds
    [InlineData(int.MaxValue, "", 9, false)] // infinite progressDeadlineSeconds
    [InlineData(10, "", 9, true)] // 00:01:20 - 00:01:09 => 11s
    [InlineData(10, "", 11, false)] // 00:01:20 - 00:01:11 => 9s
    [InlineData(10, "", 10, false)] // exactly at the deadline
    [InlineData(10, "NewReplicaSetAvailable", 0, false)] // the previous rollout completed
    [InlineData(10, "ProgressDeadlineExceeded", 19, true)]
    public void IsTimedOut_KubernetesTable(int? progressDeadlineSeconds, string reason, int fromSecond, bool expected)
    {
        var from = new DateTimeOffset(2016, 1, 1, 0, 1, fromSecond, TimeSpan.Zero);
        var status = new DeploymentStatus { Conditions = [new Condition { Type = "Progressing", Status = "True", Reason = reason, LastUpdateTime = from }] };

        Assert.Equal(expected, DeploymentStatusCalculator.IsTimedOut(progressDeadlineSeconds, status, new DateTimeOffset(2016, 1, 1, 0, 1, 20, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("no progressDeadlineSeconds specified", false, 4, 3, 3, 2, "", 0, null)]
    [InlineData("no progressing condition found", true, 4, 3, 3, 2, "", 0, null)]
    [InlineData("complete deployment does not need to be requeued", true, 3, 3, 3, 3, "stuck", 0, null)]
    [InlineData("already failed deployment does not need to be requeued", true, 3, 3, 3, 0, "failed", 0, null)]
    [InlineData("stuck deployment - 30s", true, 3, 3, 3, 1, "stuck", 30 * TimeSpan.TicksPerSecond, 30.0)]
    [InlineData("stuck deployment - 1s", true, 3, 3, 3, 1, "stuck", 59 * TimeSpan.TicksPerSecond, 1.0)]
    [InlineData("failed deployment - less than a second => now", true, 3, 3, 3, 1, "stuck", 59 * TimeSpan.TicksPerSecond + 1, 0.0)]
    [InlineData("failed deployment - now", true, 3, 3, 3, 1, "stuck", 60 * TimeSpan.TicksPerSecond, 0.0)]
    [InlineData("failed deployment - 1s after deadline", true, 3, 3, 3, 1, "stuck", 61 * TimeSpan.TicksPerSecond, 0.0)]
    [InlineData("failed deployment - 60s after deadline", true, 3, 3, 3, 1, "stuck", 120 * TimeSpan.TicksPerSecond, 0.0)]
    public void RecheckAfter_KubernetesTestRequeueStuckDeployment(
        string name, bool hasDeadline, int replicas, int statusReplicas, int updated, int available, string condition, long ticksAfterLastUpdate, double? expectedSeconds)
    {
        Condition[] conditions = condition switch
        {
            "stuck" => [new Condition { Type = "Progressing", Status = "True", LastUpdateTime = TestTime }],
            "failed" => [FailedTimedOut],
            _ => [],
        };
        var input = new DeploymentStatusInput
        {
            Replicas = replicas,
            Strategy = "Recreate",
            ProgressDeadlineSeconds = hasDeadline ? 60 : null,
            Now = TestTime.AddTicks(ticksAfterLastUpdate),
        };
        var status = new DeploymentStatus { Replicas = statusReplicas, UpdatedReplicas = updated, AvailableReplicas = available, Conditions = conditions };

        var after = DeploymentStatusCalculator.RecheckAfter(input, status);

        Assert.True(expectedSeconds is null ? after is null : after == TimeSpan.FromSeconds(expectedSeconds.Value), $"{name}: {after}");
    }

    [Fact]
    public void Compute_DeploymentAfterFirstStep_CreatedConditionAndCounts()
    {
        var deployment = Samples.Deployment(replicas: 3) with
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "default", Generation = 1 },
        };
        deployment = deployment with { Spec = deployment.Spec with { ProgressDeadlineSeconds = 600 } };
        var step = RolloutPlanner.Plan(RolloutInput.For(deployment, null, []));

        var status = DeploymentStatusCalculator.Compute(deployment, null, [], step, Now);

        Assert.True(step.CreateNewReplicaSet);
        Assert.Equal(3, step.NewReplicaSetReplicas);
        Assert.Equal((1L, 0, 0, 0, 3), (status.ObservedGeneration!.Value, status.Replicas!.Value, status.UpdatedReplicas!.Value, status.AvailableReplicas!.Value, status.UnavailableReplicas!.Value));
        Assert.Equal(("False", "MinimumReplicasUnavailable"), (Available(status)!.Status, Available(status)!.Reason));
        Assert.Equal(("True", "NewReplicaSetCreated", $"Created new replica set \"{step.NewReplicaSetName}\""),
            (Progressing(status)!.Status, Progressing(status)!.Reason, Progressing(status)!.Message));
    }
}
