using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Scheduling;
using static OrleansOrchestrator.Silo.Tests.Controllers.Scheduling.SchedulingSamples;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Scheduling;

public class NodeAffinityTests
{
    private static readonly Node Labelled = Node("node-a", labels: new Dictionary<string, string> { ["zone"] = "a", ["cores"] = "8", ["disk"] = "ssd" });

    public static TheoryData<string, string, string[], bool> Operators => new()
    {
        { "zone", "In", ["a", "b"], true },
        { "zone", "In", ["b"], false },
        { "missing", "In", ["a"], false },
        { "zone", "NotIn", ["b"], true },
        { "zone", "NotIn", ["a"], false },
        { "missing", "NotIn", ["a"], true },
        { "zone", "Exists", [], true },
        { "missing", "Exists", [], false },
        { "zone", "DoesNotExist", [], false },
        { "missing", "DoesNotExist", [], true },
        { "cores", "Gt", ["4"], true },
        { "cores", "Gt", ["8"], false },
        { "cores", "Lt", ["16"], true },
        { "cores", "Lt", ["8"], false },
        { "zone", "Gt", ["1"], false },
        { "missing", "Lt", ["100"], false },
        { "cores", "Gt", ["4", "5"], false },
        { "cores", "Gt", ["four"], false },
        { "zone", "In", [], false },
        { "zone", "Exists", ["a"], false },
        { "zone", "Equals", ["a"], false },
    };

    [Theory]
    [MemberData(nameof(Operators))]
    public void Matches_Operator(string key, string op, string[] values, bool expected)
    {
        Assert.Equal(expected, NodeAffinityMatcher.Matches(Term(Req(key, op, values)), Labelled));
    }

    [Theory]
    [InlineData("In", "node-a", true)]
    [InlineData("In", "node-b", false)]
    [InlineData("NotIn", "node-b", true)]
    [InlineData("NotIn", "node-a", false)]
    [InlineData("Exists", "node-a", false)]
    public void Matches_MetadataNameField(string op, string value, bool expected)
    {
        Assert.Equal(expected, NodeAffinityMatcher.Matches(FieldTerm(Req("metadata.name", op, value)), Labelled));
    }

    [Fact]
    public void Matches_EmptyTerm_NoNode()
    {
        Assert.False(NodeAffinityMatcher.Matches(new NodeSelectorTerm(), Labelled));
    }

    [Fact]
    public void Matches_ExpressionsWithinTerm_AllMustHold()
    {
        Assert.False(NodeAffinityMatcher.Matches(Term(Req("zone", "In", "a"), Req("disk", "In", "hdd")), Labelled));
        Assert.True(NodeAffinityMatcher.Matches(new NodeSelectorTerm { MatchExpressions = [Req("zone", "In", "a")], MatchFields = [Req("metadata.name", "In", "node-a")] }, Labelled));
    }

    [Fact]
    public void Filter_TermsOred_AnyTermEnough()
    {
        var pod = Pod().Requiring(Term(Req("zone", "In", "b")), Term(Req("disk", "In", "ssd")));

        Assert.Null(SchedulingPlanner.Filter(pod, NodeView.From(Labelled, [])));
    }

    [Fact]
    public void Filter_NoTermMatches_AffinityReason()
    {
        var pod = Pod().Requiring(Term(Req("zone", "In", "b")), Term(Req("disk", "DoesNotExist")));

        Assert.Equal("node(s) didn't match Pod's node affinity/selector", SchedulingPlanner.Filter(pod, NodeView.From(Labelled, [])));
    }

    [Fact]
    public void Filter_NodeSelectorAndAffinity_BothMustHold()
    {
        var pod = Pod().WithNodeSelector(("disk", "ssd")).Requiring(Term(Req("zone", "In", "b")));

        Assert.NotNull(SchedulingPlanner.Filter(pod, NodeView.From(Labelled, [])));
        Assert.Null(SchedulingPlanner.Filter(pod.Requiring(Term(Req("zone", "In", "a"))), NodeView.From(Labelled, [])));
    }

    [Fact]
    public void PinnedNodeNames_DaemonSetStyle_NamesOfEveryTerm()
    {
        var pod = Pod().Requiring(FieldTerm(Req("metadata.name", "In", "n1")), FieldTerm(Req("metadata.name", "In", "n2")));

        Assert.Equal(["n1", "n2"], NodeAffinityMatcher.PinnedNodeNames(pod.Spec)!.Order());
    }

    [Fact]
    public void PinnedNodeNames_OneTermWithoutNames_AnyNode()
    {
        var pod = Pod().Requiring(FieldTerm(Req("metadata.name", "In", "n1")), Term(Req("zone", "In", "a")));

        Assert.Null(NodeAffinityMatcher.PinnedNodeNames(pod.Spec));
    }

    [Fact]
    public void PinnedNodeNames_ContradictoryFieldsInOneTerm_Empty()
    {
        var pod = Pod().Requiring(new NodeSelectorTerm { MatchFields = [Req("metadata.name", "In", "n1"), Req("metadata.name", "In", "n2")] });

        Assert.Empty(NodeAffinityMatcher.PinnedNodeNames(pod.Spec)!);
    }

    [Fact]
    public void PreferredWeight_MatchingTerms_Summed()
    {
        var pod = Pod().Preferring((10, Term(Req("zone", "In", "a"))), (5, Term(Req("disk", "In", "ssd"))), (7, Term(Req("disk", "In", "hdd"))));

        Assert.Equal(15, NodeAffinityMatcher.PreferredWeight(pod.Spec, Labelled));
    }
}
