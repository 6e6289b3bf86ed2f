using OrleansOrchestrator.Contracts.Selection;

namespace OrleansOrchestrator.Contracts.Tests.Selection;

public class LabelRequirementTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "front" };

    public static TheoryData<LabelOperator, string[], bool> OnWebPod => new()
    {
        { LabelOperator.Equals, ["web"], true },
        { LabelOperator.Equals, ["api"], false },
        { LabelOperator.NotEquals, ["api"], true },
        { LabelOperator.NotEquals, ["web"], false },
        { LabelOperator.In, ["api", "web"], true },
        { LabelOperator.In, ["api", "db"], false },
        { LabelOperator.NotIn, ["api", "db"], true },
        { LabelOperator.NotIn, ["api", "web"], false },
        { LabelOperator.Exists, [], true },
        { LabelOperator.DoesNotExist, [], false },
    };

    [Theory]
    [MemberData(nameof(OnWebPod))]
    public void Matches_KeyPresent_FollowsOperator(LabelOperator op, string[] values, bool expected)
    {
        Assert.Equal(expected, new LabelRequirement("app", op, values).Matches(Web));
    }

    // Kubernetes: != and notin also select objects that do not have the label at all; =, in and exists do not.
    public static TheoryData<LabelOperator, string[], bool> OnUnlabelledPod => new()
    {
        { LabelOperator.Equals, ["web"], false },
        { LabelOperator.NotEquals, ["web"], true },
        { LabelOperator.In, ["web"], false },
        { LabelOperator.NotIn, ["web"], true },
        { LabelOperator.Exists, [], false },
        { LabelOperator.DoesNotExist, [], true },
    };

    [Theory]
    [MemberData(nameof(OnUnlabelledPod))]
    public void Matches_KeyAbsent_NegativeOperatorsMatch(LabelOperator op, string[] values, bool expected)
    {
        var requirement = new LabelRequirement("canary", op, values);

        Assert.Equal(expected, requirement.Matches(Web));
        Assert.Equal(expected, requirement.Matches(null));
        Assert.Equal(expected, requirement.Matches(new Dictionary<string, string>()));
    }

    [Fact]
    public void Matches_EmptyLabelValue_EqualsEmptyButStillExists()
    {
        var labels = new Dictionary<string, string> { ["canary"] = "" };

        Assert.True(new LabelRequirement("canary", LabelOperator.Equals, [""]).Matches(labels));
        Assert.True(new LabelRequirement("canary", LabelOperator.Exists, []).Matches(labels));
        Assert.False(new LabelRequirement("canary", LabelOperator.DoesNotExist, []).Matches(labels));
    }

    [Fact]
    public void Matches_ValueDiffersOnlyInCase_NoMatch()
    {
        Assert.False(new LabelRequirement("app", LabelOperator.Equals, ["Web"]).Matches(Web));
        Assert.False(new LabelRequirement("App", LabelOperator.Exists, []).Matches(Web));
    }
}
