using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Scheduling;
using static OrleansOrchestrator.Silo.Tests.Controllers.Scheduling.SchedulingSamples;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Scheduling;

public class TaintTolerationTests
{
    public static TheoryData<string?, string?, string?, string?, bool> Matrix => new()
    {
        // key, operator, value, effect → tolerates dedicated=gpu:NoSchedule?
        { "dedicated", "Equal", "gpu", "NoSchedule", true },
        { "dedicated", null, "gpu", "NoSchedule", true },
        { "dedicated", "", "gpu", "NoSchedule", true },
        { "dedicated", "Equal", "cpu", "NoSchedule", false },
        { "dedicated", "Equal", null, "NoSchedule", false },
        { "dedicated", "Exists", null, "NoSchedule", true },
        { "dedicated", "Exists", null, null, true },
        { "dedicated", "Exists", null, "NoExecute", false },
        { "dedicated", "Exists", null, "PreferNoSchedule", false },
        { "other", "Exists", null, null, false },
        { null, "Exists", null, null, true },
        { "", "Exists", null, "NoSchedule", true },
        { "", "Exists", null, "NoExecute", false },
        { "dedicated", "Gt", "gpu", null, false },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Tolerates_Matrix(string? key, string? op, string? value, string? effect, bool expected)
    {
        Assert.Equal(expected, Tolerations.Tolerates(Toleration(key, op, value, effect), Taint("dedicated", "gpu", "NoSchedule")));
    }

    [Theory]
    [InlineData("NoSchedule", false)]
    [InlineData("NoExecute", false)]
    [InlineData("PreferNoSchedule", true)]
    public void Filter_UntoleratedTaintByEffect_OnlyPreferNoScheduleAdmits(string effect, bool fits)
    {
        var node = NodeView.From(Node(taints: [Taint("dedicated", "gpu", effect)]), []);

        var reason = SchedulingPlanner.Filter(Pod(), node);

        Assert.Equal(fits ? null : "node(s) had untolerated taint {dedicated: gpu}", reason);
    }

    [Fact]
    public void Filter_TaintWithoutValue_EmptyValueInMessage()
    {
        var node = NodeView.From(Node(taints: [Taint("node-role.kubernetes.io/control-plane", null, "NoSchedule")]), []);

        Assert.Equal("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }", SchedulingPlanner.Filter(Pod(), node));
    }

    [Fact]
    public void Filter_SeveralTaintsOneTolerated_FirstUntoleratedReported()
    {
        var node = NodeView.From(Node(taints: [Taint("a", "1", "NoSchedule"), Taint("b", "2", "NoExecute"), Taint("c", "3", "NoSchedule")]), []);
        var pod = Pod().Tolerating(Toleration("a", "Equal", "1"));

        Assert.Equal("node(s) had untolerated taint {b: 2}", SchedulingPlanner.Filter(pod, node));
    }

    [Fact]
    public void Filter_AllTaintsTolerated_Fits()
    {
        var node = NodeView.From(Node(taints: [Taint("a", "1", "NoSchedule"), Taint("b", "2", "NoExecute")]), []);
        var pod = Pod().Tolerating(Toleration("a", "Equal", "1", "NoSchedule"), Toleration("b", "Exists"));

        Assert.Null(SchedulingPlanner.Filter(pod, node));
    }

    [Fact]
    public void CountIntolerablePreferNoSchedule_TolerationForOtherEffect_Ignored()
    {
        var taints = new[] { Taint("a", "1", "PreferNoSchedule"), Taint("b", "1", "PreferNoSchedule"), Taint("c", "1", "NoSchedule") };
        var tolerations = new[] { Toleration("a", "Exists", effect: "NoSchedule"), Toleration("b", "Exists") };

        Assert.Equal(1, Tolerations.CountIntolerablePreferNoSchedule(taints, tolerations));
    }
}
