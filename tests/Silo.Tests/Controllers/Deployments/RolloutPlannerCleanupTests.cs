using OrleansOrchestrator.Silo.Controllers.Deployments;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Deployments;

/// <summary>Kubernetes' sync_test.go TestDeploymentController_cleanupDeployment, plus revision order.</summary>
public class RolloutPlannerCleanupTests
{
    // ReplicaSets as name:spec:status, revisions in list order.
    [Theory]
    [InlineData("foo-1:0:0,foo-2:0:0,foo-3:0:0", 1, "foo-1,foo-2")]
    [InlineData("foo-1:0:0,foo-2:0:1,foo-3:1:0,foo-4:1:1", 0, "foo-1")] // only spec = status = 0 goes
    [InlineData("foo-1:0:0,foo-2:0:0", 0, "foo-1,foo-2")]
    [InlineData("foo-1:1:1,foo-2:1:1", 0, "")]
    [InlineData("foo-1:0:0,foo-2:0:0,foo-3:0:0", int.MaxValue, "")] // unlimited history
    [InlineData("foo-1:0:0,foo-2:0:0,foo-3:0:0", null, "")] // no limit set
    [InlineData("foo-1:0:0,foo-2:0:0,foo-3:0:0", 3, "")]
    [InlineData("foo-1:1:1,foo-2:0:0,foo-3:0:0", 1, "foo-2")] // the busy oldest is skipped, not replaced
    public void ToDelete_KubernetesTable_EmptyOldestBeyondTheLimit(string replicaSets, int? limit, string expected)
    {
        var states = replicaSets.Split(',').Select((text, i) =>
        {
            var parts = text.Split(':');
            return Rs.Make(parts[0], int.Parse(parts[1]), int.Parse(parts[2]), revision: i + 1);
        });

        var toDelete = RolloutPlanner.ToDelete(states, limit);

        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), toDelete);
    }

    [Fact]
    public void ToDelete_AlreadyBeingDeleted_NeitherCountedNorPicked()
    {
        var states = new[] { Rs.Make("foo-1", 0) with { IsDeleting = true } };

        Assert.Empty(RolloutPlanner.ToDelete(states, 0));
    }

    [Fact]
    public void ToDelete_StatusNotYetObserved_Kept()
    {
        var states = new[] { Rs.Make("foo-1", 0) with { Generation = 3, ObservedGeneration = 2 }, Rs.Make("foo-2", 0, revision: 2) };

        Assert.Equal(["foo-2"], RolloutPlanner.ToDelete(states, 0));
    }

    [Fact]
    public void ToDelete_RevisionsOutOfCreationOrder_LowestRevisionFirst()
    {
        // A rollback gave the oldest ReplicaSet the highest revision.
        var states = new[]
        {
            Rs.Make("web-a", 0, created: Rs.Older, revision: 5),
            Rs.Make("web-b", 0, created: Rs.Old, revision: 2),
            Rs.Make("web-c", 0, created: Rs.New, revision: 4),
        };

        Assert.Equal(["web-b", "web-c"], RolloutPlanner.ToDelete(states, 1));
    }

    [Fact]
    public void NextRevision_OldReplicaSets_OneAboveTheHighest()
    {
        Assert.Equal(1, RolloutPlanner.NextRevision([]));
        Assert.Equal(8, RolloutPlanner.NextRevision([Rs.Make("a", 0, revision: 7), Rs.Make("b", 0, revision: 3)]));
    }
}
