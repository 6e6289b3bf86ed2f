using OrleansOrchestrator.Silo.Controllers.Deployments;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Deployments;

/// <summary>Kubernetes' sync_test.go TestScale (proportional scaling), through a paused pass and through a scaling event.</summary>
public class RolloutPlannerScaleTests
{
    // name, replicas, maxSurge, replicas before, maxSurge before, new ReplicaSet, old ReplicaSets (newest first), expected sizes.
    // A ReplicaSet is name=size; name=size@n overrides its desired-replicas annotation (otherwise the size before).
    public static TheoryData<string, int, int, int, int, string, string, string> TestScaleCases => new()
    {
        { "normal scaling event: 10 -> 12", 12, 0, 10, 0, "foo-v1=10", "", "foo-v1=12" },
        { "normal scaling event: 10 -> 5", 5, 0, 10, 0, "foo-v1=10", "", "foo-v1=5" },
        { "proportional scaling: 5 -> 10", 10, 0, 5, 0, "foo-v2=2", "foo-v1=3", "foo-v2=4,foo-v1=6" },
        { "proportional scaling: 5 -> 3", 3, 0, 5, 0, "foo-v2=2", "foo-v1=3", "foo-v2=1,foo-v1=2" },
        { "proportional scaling: 9 -> 4", 4, 0, 9, 0, "foo-v2=8", "foo-v1=1", "foo-v2=4,foo-v1=0" },
        { "proportional scaling: 7 -> 10", 10, 0, 7, 0, "foo-v3=2", "foo-v2=3,foo-v1=2", "foo-v3=3,foo-v2=4,foo-v1=3" },
        { "proportional scaling: 13 -> 8", 8, 0, 13, 0, "foo-v3=2", "foo-v2=8,foo-v1=3", "foo-v3=1,foo-v2=5,foo-v1=2" },
        { "leftover distribution: 3 -> 4", 4, 0, 3, 0, "foo-v3=1", "foo-v2=1,foo-v1=1", "foo-v3=2,foo-v2=1,foo-v1=1" },
        { "leftover distribution: 3 -> 2", 2, 0, 3, 0, "foo-v3=1", "foo-v2=1,foo-v1=1", "foo-v3=1,foo-v2=1,foo-v1=0" },
        { "proportional scaling (no new rs): 4 -> 5", 5, 0, 4, 0, "", "foo-v2=2,foo-v1=2", "foo-v2=3,foo-v1=2" },
        { "proportional scaling: 6 -> 0", 0, 0, 6, 0, "foo-v3=3", "foo-v2=2,foo-v1=1", "foo-v3=0,foo-v2=0,foo-v1=0" },
        { "proportional scaling: 0 -> 6", 6, 0, 6, 0, "foo-v3=0", "foo-v2=0,foo-v1=0", "foo-v3=6,foo-v2=0,foo-v1=0" },
        { "failed rs update", 5, 0, 5, 0, "foo-v3=2", "foo-v2=1@3,foo-v1=1", "foo-v3=2,foo-v2=2,foo-v1=1" },
        { "deployment with surge pods", 20, 2, 10, 2, "foo-v2=6", "foo-v1=6", "foo-v2=11,foo-v1=11" },
        { "change both surge and size", 50, 6, 10, 3, "foo-v2=5", "foo-v1=8", "foo-v2=22,foo-v1=34" },
        { "change both size and template", 14, 0, 10, 0, "", "foo-v2=7,foo-v1=3", "foo-v2=10,foo-v1=4" },
        { "saturated but broken new replica set does not affect old pods", 2, 1, 2, 1, "foo-v2=2", "foo-v1=1", "foo-v2=2,foo-v1=1" },
    };

    /// <summary>The cases in which the annotations reveal the resize, so that an unpaused pass takes the scaling path too.</summary>
    public static IEnumerable<object[]> ScalingEventCases => TestScaleCases.Where(row =>
        RolloutPlanner.IsScalingEvent(Input((int)row[1], (int)row[2], (int)row[3], (int)row[4], (string)row[5], (string)row[6])));

    [Theory]
    [MemberData(nameof(TestScaleCases))]
    public void Plan_PausedDeploymentResized_KubernetesTestScale(
        string name, int replicas, int maxSurge, int replicasBefore, int maxSurgeBefore, string newReplicaSet, string oldReplicaSets, string expected)
    {
        var input = Input(replicas, maxSurge, replicasBefore, maxSurgeBefore, newReplicaSet, oldReplicaSets) with { Paused = true };

        AssertResizedTo(expected, input, name);
    }

    [Theory]
    [MemberData(nameof(ScalingEventCases))]
    public void Plan_ScalingEventDuringRollout_KubernetesTestScale(
        string name, int replicas, int maxSurge, int replicasBefore, int maxSurgeBefore, string newReplicaSet, string oldReplicaSets, string expected)
    {
        var input = Input(replicas, maxSurge, replicasBefore, maxSurgeBefore, newReplicaSet, oldReplicaSets);

        AssertResizedTo(expected, input, name);
    }

    [Fact]
    public void Plan_ProportionalScaleUp_EventsAndAnnotationsForEveryReplicaSet()
    {
        var input = Input(4, 0, 3, 0, "foo-v3=1", "foo-v2=1,foo-v1=1");

        var step = RolloutPlanner.Plan(input);

        Assert.Equal(["Scaled up replica set foo-v3 from 1 to 2"], step.Events);
        // Sizes unchanged but annotations say 3: they must be rewritten, or every pass stays a scaling event.
        Assert.Equal(["foo-v2", "foo-v1"], step.AnnotateOnly);
        Assert.Equal((4, 4), (step.DesiredReplicasAnnotation, step.MaxReplicasAnnotation));
        Assert.False(RolloutPlanner.IsScalingEvent(input with
        {
            NewReplicaSet = step.ApplyTo(input.NewReplicaSet!),
            OldReplicaSets = input.OldReplicaSets.Select(step.ApplyTo).ToList(),
        }));
    }

    [Fact]
    public void Plan_ScaleDown_EventsSayDown()
    {
        var step = RolloutPlanner.Plan(Input(3, 0, 5, 0, "foo-v2=2", "foo-v1=3"));

        Assert.Equal(["Scaled down replica set foo-v1 from 3 to 2", "Scaled down replica set foo-v2 from 2 to 1"], step.Events);
    }

    [Fact]
    public void Plan_PausedWithSaturatedNewReplicaSet_EmptiesTheOldOnes()
    {
        var input = new RolloutInput
        {
            Replicas = 3,
            Paused = true,
            NewReplicaSet = Rs.Make("web-new", 3, 3, 3, Rs.New, desiredAnnotation: 3),
            OldReplicaSets = [Rs.Make("web-old", 2, 2, 2, desiredAnnotation: 3)],
        };

        var step = RolloutPlanner.Plan(input);

        Assert.Equal(new Dictionary<string, int> { ["web-old"] = 0 }, step.Scale);
        Assert.True(step.CleanUp);
    }

    [Fact]
    public void Plan_PausedWithTemplateChange_NeverCreatesTheNewReplicaSet()
    {
        var input = new RolloutInput
        {
            Replicas = 3,
            Paused = true,
            NewReplicaSetName = "web-new",
            OldReplicaSets = [Rs.Make("web-old", 3, 3, 3, desiredAnnotation: 3, maxAnnotation: 4)],
        };

        var step = RolloutPlanner.Plan(input);

        Assert.True(step.IsEmpty);
        Assert.True(step.CleanUp);
    }

    [Fact]
    public void Plan_ResizedRecreateWithTwoActiveReplicaSets_KeepsSizesAndRefreshesAnnotations()
    {
        var input = new RolloutInput
        {
            Replicas = 6,
            Strategy = "Recreate",
            NewReplicaSet = Rs.Make("web-new", 2, created: Rs.New, desiredAnnotation: 4),
            OldReplicaSets = [Rs.Make("web-old", 2, desiredAnnotation: 4)],
        };

        var step = RolloutPlanner.Plan(input);

        Assert.Equal(RolloutPath.Scale, step.Path);
        Assert.Empty(step.Scale);
        Assert.Equal(["web-old", "web-new"], step.AnnotateOnly);
        var next = input with { NewReplicaSet = step.ApplyTo(input.NewReplicaSet!), OldReplicaSets = input.OldReplicaSets.Select(step.ApplyTo).ToList() };
        Assert.Equal(new Dictionary<string, int> { ["web-old"] = 0 }, RolloutPlanner.Plan(next).Scale);
    }

    [Fact]
    public void Plan_SingleReplicaSetWithStaleAnnotationsAtTheRightSize_RefreshesThem()
    {
        var input = new RolloutInput
        {
            Replicas = 5,
            NewReplicaSet = Rs.Make("web-new", 5, 5, 5, desiredAnnotation: 3, maxAnnotation: 4),
        };

        var step = RolloutPlanner.Plan(input);

        Assert.Equal(RolloutPath.Scale, step.Path);
        Assert.Empty(step.Scale);
        Assert.Equal(["web-new"], step.AnnotateOnly);
    }

    [Theory]
    [InlineData(5, 5, null, false)]
    [InlineData(5, 3, null, true)]
    [InlineData(0, 3, null, false)] // ReplicaSets without pods do not count
    [InlineData(5, null, null, false)] // nor do ReplicaSets without the annotation
    [InlineData(5, 5, 4, true)]
    public void IsScalingEvent_DesiredReplicasAnnotation_DiffersFromSpec(int oldSize, int? oldDesired, int? newDesired, bool expected)
    {
        var input = new RolloutInput
        {
            Replicas = 5,
            NewReplicaSet = Rs.Make("web-new", 1, desiredAnnotation: newDesired),
            OldReplicaSets = [Rs.Make("web-old", oldSize, desiredAnnotation: oldDesired)],
        };

        Assert.Equal(expected, RolloutPlanner.IsScalingEvent(input));
    }

    private static RolloutInput Input(int replicas, int maxSurge, int replicasBefore, int maxSurgeBefore, string newReplicaSet, string oldReplicaSets)
    {
        var maxBefore = replicasBefore + RolloutMath.MaxSurge("RollingUpdate", maxSurgeBefore, 0, replicasBefore);
        ReplicaSetState Parse(string text, DateTimeOffset created)
        {
            var (name, size) = (text.Split('=')[0], text.Split('=')[1]);
            var desired = size.Contains('@') ? int.Parse(size.Split('@')[1]) : replicasBefore;
            var max = size.Contains('@') ? desired + RolloutMath.MaxSurge("RollingUpdate", maxSurgeBefore, 0, desired) : maxBefore;
            return Rs.Make(name, int.Parse(size.Split('@')[0]), created: created, desiredAnnotation: desired, maxAnnotation: max);
        }

        var olds = oldReplicaSets.Split(',', StringSplitOptions.RemoveEmptyEntries);
        return new RolloutInput
        {
            Replicas = replicas,
            MaxSurge = maxSurge,
            MaxUnavailable = 0,
            NewReplicaSet = newReplicaSet.Length == 0 ? null : Parse(newReplicaSet, Rs.New),
            NewReplicaSetName = "foo-new",
            OldReplicaSets = olds.Select((text, i) => Parse(text, i == 0 ? Rs.Old : Rs.Older)).ToList(),
        };
    }

    private static void AssertResizedTo(string expected, RolloutInput input, string name)
    {
        var step = RolloutPlanner.Plan(input);

        Assert.Equal(RolloutPath.Scale, step.Path);
        Assert.False(step.CreateNewReplicaSet);
        Assert.True(Sizes(expected).SequenceEqual(After(input, step)), name);
    }

    private static IEnumerable<(string, int)> Sizes(string expected) =>
        expected.Split(',').Select(pair => (pair.Split('=')[0], int.Parse(pair.Split('=')[1])));

    private static IEnumerable<(string, int)> After(RolloutInput input, RolloutStep step) =>
        new[] { input.NewReplicaSet }.Concat(input.OldReplicaSets).OfType<ReplicaSetState>()
            .Select(rs => (rs.Name, step.ApplyTo(rs).SpecReplicas));
}
