using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;

namespace OrleansOrchestrator.Contracts.Tests.Selection;

public class ObjectFilterTests
{
    private static Pod PodOn(string? node, string phase, params (string Key, string Value)[] labels) => new()
    {
        Metadata = new ObjectMeta { Name = "web-1", Namespace = "default", Labels = labels.ToDictionary(l => l.Key, l => l.Value) },
        Spec = new PodSpec { NodeName = node },
        Status = new PodStatus { Phase = phase },
    };

    private static ObjectFilter Parse(string labels, string fields) =>
        new(SelectorParser.ParseLabels(labels), SelectorParser.ParseFields(fields, ResourceKinds.Pod));

    [Fact]
    public void Everything_AnyObject_Matches()
    {
        Assert.True(ObjectFilter.Everything.IsEverything);
        Assert.True(ObjectFilter.Everything.Matches(new Pod()));
        Assert.True(ObjectFilter.Everything.Matches(PodOn("n1", "Running", ("app", "web"))));
    }

    [Fact]
    public void IsEverything_AnyRequirement_False()
    {
        Assert.False(Parse("app=web", "").IsEverything);
        Assert.False(Parse("", "metadata.name=x").IsEverything);
    }

    [Fact]
    public void Matches_LabelsAndFieldsBothHold_True()
    {
        var filter = Parse("app=web,tier in (front,back)", "spec.nodeName=n1,status.phase!=Failed");

        Assert.True(filter.Matches(PodOn("n1", "Running", ("app", "web"), ("tier", "front"))));
    }

    [Fact]
    public void Matches_OneLabelFails_False()
    {
        var filter = Parse("app=web,tier in (front,back)", "spec.nodeName=n1");

        Assert.False(filter.Matches(PodOn("n1", "Running", ("app", "web"), ("tier", "db"))));
    }

    [Fact]
    public void Matches_OneFieldFails_False()
    {
        var filter = Parse("app=web", "spec.nodeName=n1,status.phase!=Failed");

        Assert.False(filter.Matches(PodOn("n1", "Failed", ("app", "web"))));
        Assert.False(filter.Matches(PodOn("n2", "Running", ("app", "web"))));
    }

    [Fact]
    public void Matches_EmptyNodeNameSelector_OnlyUnscheduledPods()
    {
        var filter = Parse("", "spec.nodeName=");

        Assert.True(filter.Matches(PodOn(null, "Pending")));
        Assert.False(filter.Matches(PodOn("n1", "Running")));
    }

    [Fact]
    public void Matches_MetadataNameSelector_OnlyThatObject()
    {
        // kubectl rollout status lists with ?fieldSelector=metadata.name=<x>.
        var filter = new ObjectFilter([], SelectorParser.ParseFields("metadata.name=web", ResourceKinds.Deployment));

        Assert.True(filter.Matches(new Deployment { Metadata = new ObjectMeta { Name = "web" } }));
        Assert.False(filter.Matches(new Deployment { Metadata = new ObjectMeta { Name = "web-2" } }));
    }
}
