using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Tests.Kinds;

/// <summary>The selectable fields each kind declares, and field selectors evaluated through them.</summary>
public class SelectableFieldsTests
{
    [Fact]
    public void IsSupported_MetadataNameAndNamespace_EveryKind()
    {
        foreach (var kind in KindRegistry.All.Select(s => s.Kind))
        {
            Assert.True(KindRegistry.IsSelectable(kind, "metadata.name"), kind.Kind);
            Assert.True(KindRegistry.IsSelectable(kind, "metadata.namespace"), kind.Kind);
        }
    }

    [Fact]
    public void IsSupported_AnotherKindsField_False()
    {
        Assert.True(KindRegistry.IsSelectable(ResourceKinds.Pod, "spec.nodeName"));
        Assert.False(KindRegistry.IsSelectable(ResourceKinds.Deployment, "spec.nodeName"));
        Assert.False(KindRegistry.IsSelectable(ResourceKinds.Pod, "metadata.uid"));
    }

    [Fact]
    public void Get_EveryPodField_ValueFromThePod()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "web-1", Namespace = "prod" },
            Spec = new PodSpec { NodeName = "n1", RestartPolicy = "Always", SchedulerName = "default-scheduler", ServiceAccountName = "runner" },
            Status = new PodStatus { Phase = "Running", PodIP = "10.1.0.7", NominatedNodeName = "n2" },
        };

        Assert.Equal(
            ["web-1", "prod", "n1", "Always", "default-scheduler", "runner", "Running", "10.1.0.7", "n2"],
            new[] { "metadata.name", "metadata.namespace" }.Concat(KindRegistry.For(ResourceKinds.Pod).SelectableFields).Select(f => KindRegistry.FieldValue(pod, f)));
    }

    [Fact]
    public void Get_UnsetPodFields_EmptyStrings()
    {
        var pod = new Pod();

        foreach (var field in new[] { "metadata.name", "metadata.namespace" }.Concat(KindRegistry.For(ResourceKinds.Pod).SelectableFields))
            Assert.Equal("", KindRegistry.FieldValue(pod, field));
    }

    [Fact]
    public void Get_EventFields_FromInvolvedObjectAndSource()
    {
        var ev = new Event
        {
            InvolvedObject = new ObjectReference { Kind = "Pod", Namespace = "default", Name = "web-1", Uid = "u-1", ApiVersion = "v1", ResourceVersion = "42", FieldPath = "spec.containers{app}" },
            Reason = "Pulled",
            ReportingComponent = "kubelet",
            Source = new EventSource { Component = "kubelet", Host = "n1" },
            Type = "Normal",
        };

        Assert.Equal(
            ["Pod", "default", "web-1", "u-1", "v1", "42", "spec.containers{app}", "Pulled", "kubelet", "kubelet", "Normal"],
            KindRegistry.For(ResourceKinds.Event).SelectableFields.Select(f => KindRegistry.FieldValue(ev, f)));
    }

    [Fact]
    public void Get_NodeUnschedulable_TrueFalseAndUnsetIsFalse()
    {
        Assert.Equal("true", KindRegistry.FieldValue(new Node { Spec = new NodeSpec { Unschedulable = true } }, "spec.unschedulable"));
        Assert.Equal("false", KindRegistry.FieldValue(new Node { Spec = new NodeSpec { Unschedulable = false } }, "spec.unschedulable"));
        Assert.Equal("false", KindRegistry.FieldValue(new Node(), "spec.unschedulable"));
    }

    [Fact]
    public void Get_ReplicaCounts_DecimalStringZeroWhenNoStatus()
    {
        Assert.Equal("3", KindRegistry.FieldValue(new ReplicaSet { Status = new ReplicaSetStatus { Replicas = 3 } }, "status.replicas"));
        Assert.Equal("0", KindRegistry.FieldValue(new ReplicaSet(), "status.replicas"));
        Assert.Equal("0", KindRegistry.FieldValue(new StatefulSet(), "status.replicas"));
    }

    [Fact]
    public void Get_SecretTypeAndNamespacePhase_FromTheObject()
    {
        Assert.Equal("kubernetes.io/tls", KindRegistry.FieldValue(new Secret { Type = "kubernetes.io/tls" }, "type"));
        Assert.Equal("Terminating", KindRegistry.FieldValue(new Namespace { Status = new NamespaceStatus { Phase = "Terminating" } }, "status.phase"));
    }

    [Fact]
    public void Get_ClusterScopedObject_EmptyNamespace()
    {
        Assert.Equal("", KindRegistry.FieldValue(new Node { Metadata = new ObjectMeta { Name = "n1" } }, "metadata.namespace"));
    }

    private static Pod PodOn(string? node, string phase, params (string Key, string Value)[] labels) => new()
    {
        Metadata = new ObjectMeta { Name = "web-1", Namespace = "default", Labels = labels.ToDictionary(l => l.Key, l => l.Value) },
        Spec = new PodSpec { NodeName = node },
        Status = new PodStatus { Phase = phase },
    };

    private static ObjectFilter Parse(string labels, string fields) =>
        new(SelectorParser.ParseLabels(labels), SelectorParser.ParseFields(fields, field => KindRegistry.IsSelectable(ResourceKinds.Pod, field)));

    [Fact]
    public void Everything_AnyObject_Matches()
    {
        Assert.True(ObjectFilter.Everything.IsEverything);
        Assert.True(ObjectFilter.Everything.Matches(new Pod(), KindRegistry.FieldValue));
        Assert.True(ObjectFilter.Everything.Matches(PodOn("n1", "Running", ("app", "web")), KindRegistry.FieldValue));
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

        Assert.True(filter.Matches(PodOn("n1", "Running", ("app", "web"), ("tier", "front")), KindRegistry.FieldValue));
    }

    [Fact]
    public void Matches_OneLabelFails_False()
    {
        var filter = Parse("app=web,tier in (front,back)", "spec.nodeName=n1");

        Assert.False(filter.Matches(PodOn("n1", "Running", ("app", "web"), ("tier", "db")), KindRegistry.FieldValue));
    }

    [Fact]
    public void Matches_OneFieldFails_False()
    {
        var filter = Parse("app=web", "spec.nodeName=n1,status.phase!=Failed");

        Assert.False(filter.Matches(PodOn("n1", "Failed", ("app", "web")), KindRegistry.FieldValue));
        Assert.False(filter.Matches(PodOn("n2", "Running", ("app", "web")), KindRegistry.FieldValue));
    }

    [Fact]
    public void Matches_EmptyNodeNameSelector_OnlyUnscheduledPods()
    {
        var filter = Parse("", "spec.nodeName=");

        Assert.True(filter.Matches(PodOn(null, "Pending"), KindRegistry.FieldValue));
        Assert.False(filter.Matches(PodOn("n1", "Running"), KindRegistry.FieldValue));
    }

    [Fact]
    public void Matches_MetadataNameSelector_OnlyThatObject()
    {
        // kubectl rollout status lists with ?fieldSelector=metadata.name=<x>.
        var filter = new ObjectFilter([], SelectorParser.ParseFields("metadata.name=web", field => KindRegistry.IsSelectable(ResourceKinds.Deployment, field)));

        Assert.True(filter.Matches(new Deployment { Metadata = new ObjectMeta { Name = "web" } }, KindRegistry.FieldValue));
        Assert.False(filter.Matches(new Deployment { Metadata = new ObjectMeta { Name = "web-2" } }, KindRegistry.FieldValue));
    }

    [Fact]
    public void ParseFields_KubectlDescribeNodeQuery_ThreeRequirements()
    {
        var requirements = SelectorParser.ParseFields("spec.nodeName=n1,status.phase!=Succeeded,status.phase!=Failed", field => KindRegistry.IsSelectable(ResourceKinds.Pod, field));

        Assert.Equal(
            [new FieldRequirement("spec.nodeName", false, "n1"), new FieldRequirement("status.phase", true, "Succeeded"), new FieldRequirement("status.phase", true, "Failed")],
            requirements);
    }

    [Fact]
    public void ParseFields_KubectlDescribeEventQuery_AllInvolvedObjectFieldsAccepted()
    {
        var requirements = SelectorParser.ParseFields(
            "involvedObject.name=web,involvedObject.namespace=default,involvedObject.kind=Pod,involvedObject.uid=1234", field => KindRegistry.IsSelectable(ResourceKinds.Event, field));

        Assert.Equal(["involvedObject.name", "involvedObject.namespace", "involvedObject.kind", "involvedObject.uid"], requirements.Select(r => r.Field));
    }

    public static TheoryData<string, string> SupportedFields => new()
    {
        { "Deployment", "metadata.name" },
        { "Deployment", "metadata.namespace" },
        { "Node", "spec.unschedulable" },
        { "Namespace", "status.phase" },
        { "Secret", "type" },
        { "ReplicaSet", "status.replicas" },
        { "StatefulSet", "status.replicas" },
        { "Event", "reason" },
        { "Event", "type" },
        { "Pod", "spec.restartPolicy" },
        { "Pod", "spec.schedulerName" },
        { "Pod", "spec.serviceAccountName" },
        { "Pod", "status.nominatedNodeName" },
    };

    [Theory]
    [MemberData(nameof(SupportedFields))]
    public void ParseFields_FieldSupportedByKind_Accepted(string kindName, string field)
    {
        var kind = ResourceKinds.All.Single(k => k.Kind == kindName);

        var requirement = Assert.Single(SelectorParser.ParseFields($"{field}=x", f => KindRegistry.IsSelectable(kind, f)));

        Assert.Equal(field, requirement.Field);
    }

    public static TheoryData<string, string> UnsupportedFields => new()
    {
        { "Deployment", "status.phase" },
        { "Deployment", "spec.replicas" },
        { "Service", "spec.nodeName" },
        { "Pod", "spec.foo" },
        { "Pod", "metadata.labels" },
        { "Pod", "type" },
        { "ConfigMap", "data" },
        { "Node", "status.phase" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedFields))]
    public void ParseFields_FieldNotSupportedByKind_FormatExceptionNamingTheField(string kindName, string field)
    {
        var kind = ResourceKinds.All.Single(k => k.Kind == kindName);

        var error = Assert.Throws<FormatException>(() => SelectorParser.ParseFields($"{field}=x", f => KindRegistry.IsSelectable(kind, f)));

        Assert.Contains($"\"{field}\"", error.Message, StringComparison.Ordinal);
    }
}
