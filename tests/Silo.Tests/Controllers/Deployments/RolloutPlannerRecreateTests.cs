using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Deployments;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Deployments;

/// <summary>Kubernetes' recreate.go behaviour and recreate_test.go (TestScaleDownOldReplicaSets, TestOldPodsRunning).</summary>
public class RolloutPlannerRecreateTests
{
    private static RolloutInput Recreate(int replicas, ReplicaSetState? newReplicaSet, params ReplicaSetState[] old) => new()
    {
        Replicas = replicas,
        Strategy = "Recreate",
        NewReplicaSet = newReplicaSet,
        NewReplicaSetName = newReplicaSet?.Name ?? "foo-new",
        OldReplicaSets = old,
    };

    [Fact]
    public void Plan_OldReplicaSetsWithPods_ScalesThemAllToZeroFirst()
    {
        var input = Recreate(3, null, Rs.Make("foo-0", 3, 3, 3), Rs.Make("foo-1", 1, 1, 1, Rs.Older), Rs.Make("foo-2", 0));

        var step = RolloutPlanner.Plan(input);

        Assert.Equal(RolloutPath.Recreate, step.Path);
        Assert.Equal(new Dictionary<string, int> { ["foo-0"] = 0, ["foo-1"] = 0 }, step.Scale);
        Assert.False(step.CreateNewReplicaSet);
        Assert.Equal(["Scaled down replica set foo-0 from 3 to 0", "Scaled down replica set foo-1 from 1 to 0"], step.Events);
    }

    [Fact]
    public void Plan_OldReplicaSetStillCountsPods_Waits()
    {
        var input = Recreate(3, null, Rs.Make("foo-0", 0, status: 2));

        Assert.True(RolloutPlanner.Plan(input).IsEmpty);
    }

    [Fact]
    public void Plan_OldPodsStillRunning_Waits()
    {
        var input = Recreate(3, null, Rs.Make("foo-0", 0)) with { OldPodsRunning = true };

        Assert.True(RolloutPlanner.Plan(input).IsEmpty);
    }

    [Fact]
    public void Plan_OldPodsGone_CreatesTheNewReplicaSetAtFullSize()
    {
        var input = Recreate(3, null, Rs.Make("foo-0", 0));

        var step = RolloutPlanner.Plan(input);

        Assert.True(step.CreateNewReplicaSet);
        Assert.Equal(("foo-new", 3), (step.NewReplicaSetName, step.NewReplicaSetReplicas));
        Assert.Empty(step.Scale);
        Assert.Equal(["Scaled up replica set foo-new from 0 to 3"], step.Events);
        Assert.Equal((3, 3), (step.DesiredReplicasAnnotation, step.MaxReplicasAnnotation));
    }

    [Fact]
    public void Plan_NewReplicaSetExistsAndOldPodsGone_ScalesItToDesired()
    {
        var input = Recreate(3, Rs.Make("foo-new", 0, created: Rs.New), Rs.Make("foo-0", 0));

        var step = RolloutPlanner.Plan(input);

        Assert.Equal(new Dictionary<string, int> { ["foo-new"] = 3 }, step.Scale);
    }

    [Fact]
    public void Plan_NewReplicaSetRunsWhileAnOldOneHasPods_StopsTheOldOneWithoutTouchingTheNew()
    {
        var input = Recreate(3, Rs.Make("foo-new", 1, 1, 1, Rs.New), Rs.Make("foo-0", 2, 2, 2));

        var step = RolloutPlanner.Plan(input);

        Assert.Equal(new Dictionary<string, int> { ["foo-0"] = 0 }, step.Scale);
    }

    [Fact]
    public void Plan_RecreateDoneAndStatusComplete_CleanUp()
    {
        var input = Recreate(3, Rs.Make("foo-new", 3, 3, 3, Rs.New), Rs.Make("foo-0", 0)) with
        {
            Generation = 2,
            Status = new DeploymentStatus { ObservedGeneration = 2, Replicas = 3, UpdatedReplicas = 3, AvailableReplicas = 3 },
        };

        var step = RolloutPlanner.Plan(input);

        Assert.True(step.IsEmpty);
        Assert.True(step.CleanUp);
    }

    [Fact]
    public void Plan_RecreateSimulation_NeverRunsOldAndNewPodsTogether()
    {
        var old = Rs.Make("foo-0", 4, 4, 4, revision: 1, desiredAnnotation: 4, maxAnnotation: 4);
        ReplicaSetState? current = null;
        var passes = 0;
        for (; passes < 20; passes++)
        {
            var step = RolloutPlanner.Plan(Recreate(4, current, old));
            if (step.IsEmpty) break;
            old = Settle(step.ApplyTo(old));
            current = current is null ? step.CreatedReplicaSet(2, Rs.New) : step.ApplyTo(current);
            if (current is not null) current = Settle(current);

            Assert.False(old.StatusReplicas > 0 && current?.StatusReplicas > 0, $"pass {passes}: old and new pods together");
        }

        Assert.Equal(2, passes);
        Assert.Equal(0, old.SpecReplicas);
        Assert.Equal(4, current?.SpecReplicas);
    }

    /// <summary>The ReplicaSet controller catches up at once: pods made or deleted, all available.</summary>
    private static ReplicaSetState Settle(ReplicaSetState replicaSet) =>
        replicaSet with { StatusReplicas = replicaSet.SpecReplicas, AvailableReplicas = replicaSet.SpecReplicas };
}
