using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Deployments;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Deployments;

/// <summary>Kubernetes' rolling_test.go tables, through <see cref="RolloutPlanner.Plan"/> where the planner's one pass is the controller's.</summary>
public class RolloutPlannerRollingUpdateTests
{
    private static RolloutInput Rolling(int replicas, IntOrString maxSurge, IntOrString maxUnavailable, ReplicaSetState? newReplicaSet, params ReplicaSetState[] old) => new()
    {
        Replicas = replicas,
        MaxSurge = maxSurge,
        MaxUnavailable = maxUnavailable,
        NewReplicaSet = newReplicaSet,
        NewReplicaSetName = newReplicaSet?.Name ?? "web-new",
        OldReplicaSets = old,
    };

    [Theory]
    [InlineData(10, 0, 10, 0, false, 0)] // should not scale up when old replica set is fully saturated
    [InlineData(10, 2, 10, 0, true, 2)] // should scale up according to the maxSurge when old replica set is fully saturated
    [InlineData(10, 2, 5, 0, true, 7)] // should scale up according to the maxSurge
    [InlineData(10, 2, 10, 2, false, 0)] // should not scale when maxSurge is fully saturated
    [InlineData(10, 2, 2, 11, true, 10)] // should scale down when there are replicas above maxSurge
    public void Plan_ReconcileNewReplicaSet_KubernetesTable(int replicas, int maxSurge, int oldReplicas, int newReplicas, bool scaleExpected, int expectedNewReplicas)
    {
        var input = Rolling(replicas, maxSurge, 0, Rs.Make("foo-v2", newReplicas, created: Rs.New), Rs.Make("foo-v1", oldReplicas));

        var step = RolloutPlanner.Plan(input);

        Assert.Equal(RolloutPath.RollingUpdate, step.Path);
        if (scaleExpected) Assert.Equal(expectedNewReplicas, step.Scale["foo-v2"]);
        else Assert.False(step.Scale.ContainsKey("foo-v2"));
    }

    [Theory]
    [InlineData(10, 0, 10, 0, 10, 0, true, 9)]
    [InlineData(10, 2, 10, 0, 10, 0, true, 8)]
    [InlineData(10, 2, 10, 0, 8, 0, true, 8)] // unhealthy replicas from old replica sets cleaned up
    [InlineData(10, 2, 10, 0, 9, 0, true, 8)] // 1 unhealthy replica cleaned up, and 1 ready pod scaled down
    [InlineData(10, 2, 8, 2, 8, 0, false, 8)] // the unavailable pods from the newRS would not make us scale down old RSs
    public void Plan_ReconcileOldReplicaSets_KubernetesTable(
        int replicas, int maxUnavailable, int oldReplicas, int newReplicas, int readyOld, int readyNew, bool scaleExpected, int expectedOldReplicas)
    {
        var input = Rolling(replicas, 0, maxUnavailable,
            Rs.Make("foo-new", newReplicas, newReplicas, readyNew, created: Rs.New),
            Rs.Make("foo-old", oldReplicas, oldReplicas, readyOld));

        var step = RolloutPlanner.Plan(input);

        Assert.False(step.Scale.ContainsKey("foo-new"));
        if (scaleExpected) Assert.Equal(expectedOldReplicas, step.Scale["foo-old"]);
        else Assert.True(step.IsEmpty);
    }

    [Theory]
    [InlineData(10, 8, 1, 1)]
    [InlineData(10, 8, 3, 2)]
    [InlineData(10, 8, 0, 0)]
    [InlineData(10, 10, 3, 0)]
    public void CleanupUnhealthyReplicas_KubernetesTable_OnlyUnavailablePods(int oldReplicas, int readyPods, int maxCleanupCount, int expectedCleaned)
    {
        var old = new PlannedReplicaSet(Rs.Make("foo-v2", oldReplicas, oldReplicas, readyPods));
        var step = new StepBuilder(10, 12);

        var (cleaned, failed) = RolloutPlanner.CleanupUnhealthyReplicas([old], maxCleanupCount, step);

        Assert.False(failed);
        Assert.Equal(expectedCleaned, cleaned);
        Assert.Equal(oldReplicas - expectedCleaned, old.Spec);
    }

    [Fact]
    public void CleanupUnhealthyReplicas_MoreAvailableThanSpec_FailsLikeKubernetes()
    {
        // A scale-down still in progress: 8 wanted, 10 still available.
        var old = new PlannedReplicaSet(Rs.Make("foo-v1", 8, 10, 10));

        var (cleaned, failed) = RolloutPlanner.CleanupUnhealthyReplicas([old], 5, new StepBuilder(10, 12));

        Assert.True(failed);
        Assert.Equal(0, cleaned);
        Assert.Equal(8, old.Spec);
    }

    [Theory]
    [InlineData(10, 0, 10, 10, true, 9)]
    [InlineData(10, 2, 10, 10, true, 8)]
    [InlineData(10, 2, 8, 10, false, 10)]
    [InlineData(10, 2, 10, 0, false, 0)]
    [InlineData(10, 2, 1, 10, false, 10)]
    public void ScaleDownOldReplicaSetsForRollingUpdate_KubernetesTable(
        int replicas, int maxUnavailable, int readyPods, int oldReplicas, bool scaleExpected, int expectedOldReplicas)
    {
        var old = new PlannedReplicaSet(Rs.Make("foo-v2", oldReplicas, oldReplicas, readyPods));
        var minAvailable = replicas - RolloutMath.MaxUnavailable("RollingUpdate", 0, maxUnavailable, replicas);
        var step = new StepBuilder(replicas, replicas);

        var scaled = RolloutPlanner.ScaleDownOldReplicaSetsForRollingUpdate([old], null, minAvailable, step);

        Assert.Equal(scaleExpected, scaled > 0);
        Assert.Equal(expectedOldReplicas, old.Spec);
        Assert.Equal(scaleExpected, step.Changed);
    }

    [Fact]
    public void Plan_NoNewReplicaSet_CreatesItWithTheSurgeAndScalesOldDownInTheSamePass()
    {
        // Kubernetes creates the new ReplicaSet while getting the ReplicaSets, then reconciles in the same sync.
        var input = Rolling(10, 3, 2, null, Rs.Make("web-old", 10, 10, 10, desiredAnnotation: 10, maxAnnotation: 13));

        var step = RolloutPlanner.Plan(input);

        Assert.True(step.CreateNewReplicaSet);
        Assert.Equal("web-new", step.NewReplicaSetName);
        Assert.Equal(3, step.NewReplicaSetReplicas);
        Assert.Equal(new Dictionary<string, int> { ["web-old"] = 8 }, step.Scale);
        Assert.Equal(["Scaled up replica set web-new from 0 to 3", "Scaled down replica set web-old from 10 to 8"], step.Events);
        Assert.Equal("Scaled up replica set web-new from 0 to 3; Scaled down replica set web-old from 10 to 8", step.Reason);
        Assert.Equal((10, 13), (step.DesiredReplicasAnnotation, step.MaxReplicasAnnotation));
    }

    [Fact]
    public void Plan_NoRoomForTheNewReplicaSet_CreatesItEmptyWithoutAnEvent()
    {
        var input = Rolling(10, 0, 1, null, Rs.Make("web-old", 10, 10, 10));

        var step = RolloutPlanner.Plan(input);

        Assert.True(step.CreateNewReplicaSet);
        Assert.Equal(0, step.NewReplicaSetReplicas);
        Assert.Equal(9, step.Scale["web-old"]);
        Assert.Equal(["Scaled down replica set web-old from 10 to 9"], step.Events);
    }

    [Fact]
    public void Plan_NewReplicaSetCrashLoopsAndAnOldPodFails_KeepsTheOldPods()
    {
        // rolling.go's worked example: 10 replicas, maxUnavailable 2, maxSurge 3; the new pods never become available.
        var input = Rolling(10, 3, 2, Rs.Make("web-new", 5, 5, 0, created: Rs.New), Rs.Make("web-old", 8, 8, 7));

        var step = RolloutPlanner.Plan(input);

        Assert.True(step.IsEmpty);
        Assert.Equal("", step.Reason);
    }

    [Fact]
    public void Plan_RollOverWhileSurged_ScalesBothOldReplicaSetsDown()
    {
        // rolling.go's second example: a new template while 13 pods run; the new ReplicaSet starts at 0, old ones shrink by 5.
        var input = Rolling(10, 3, 2, Rs.Make("web-v3", 0, created: Rs.New),
            Rs.Make("web-v2", 5, 5, 0, created: Rs.Old),
            Rs.Make("web-v1", 8, 8, 8, created: Rs.Older));

        var step = RolloutPlanner.Plan(input);

        // 5 unavailable pods of v2 are cleaned up first (oldest first: v1 has none), then nothing is available above 8.
        Assert.Equal(new Dictionary<string, int> { ["web-v2"] = 0 }, step.Scale);
    }

    [Fact]
    public void Plan_SeveralOldReplicaSets_ScalesTheOldestDownFirst()
    {
        var input = Rolling(6, 0, 3, Rs.Make("web-v3", 0, created: Rs.New),
            Rs.Make("web-v2", 3, 3, 3, created: Rs.Old),
            Rs.Make("web-v1", 3, 3, 3, created: Rs.Older));

        var step = RolloutPlanner.Plan(input);

        Assert.Equal(new Dictionary<string, int> { ["web-v1"] = 0 }, step.Scale);
    }

    [Theory]
    [InlineData(4, 4, true)]
    [InlineData(5, 4, false)] // the status is of an older generation
    public void Plan_RolloutDoneAndNothingToDo_CleanUpWhenTheStatusSaysComplete(long generation, long observedGeneration, bool expected)
    {
        var input = Rolling(3, 1, 0, Rs.Make("web-new", 3, 3, 3, created: Rs.New), Rs.Make("web-old", 0)) with
        {
            Generation = generation,
            Status = new DeploymentStatus { ObservedGeneration = observedGeneration, Replicas = 3, UpdatedReplicas = 3, AvailableReplicas = 3 },
        };

        var step = RolloutPlanner.Plan(input);

        Assert.True(step.IsEmpty);
        Assert.Equal(expected, step.CleanUp);
    }

    [Fact]
    public void Plan_UnknownStrategy_Throws()
    {
        var input = Rolling(3, 1, 0, Rs.Make("web-new", 3)) with { Strategy = "BlueGreen" };

        Assert.Throws<ArgumentException>(() => RolloutPlanner.Plan(input));
    }

    [Fact]
    public void Plan_NoNewReplicaSetAndNoName_Throws()
    {
        var input = Rolling(3, 1, 0, null, Rs.Make("web-old", 3)) with { NewReplicaSetName = null };

        Assert.Throws<ArgumentException>(() => RolloutPlanner.Plan(input));
    }
}
