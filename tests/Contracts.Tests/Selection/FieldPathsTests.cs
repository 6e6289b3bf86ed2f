using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;

namespace OrleansOrchestrator.Contracts.Tests.Selection;

public class FieldPathsTests
{
    [Fact]
    public void IsSupported_MetadataNameAndNamespace_EveryKind()
    {
        foreach (var kind in ResourceKinds.All)
        {
            Assert.True(FieldPaths.IsSupported(kind, "metadata.name"), kind.Kind);
            Assert.True(FieldPaths.IsSupported(kind, "metadata.namespace"), kind.Kind);
        }
    }

    [Fact]
    public void IsSupported_AnotherKindsField_False()
    {
        Assert.True(FieldPaths.IsSupported(ResourceKinds.Pod, "spec.nodeName"));
        Assert.False(FieldPaths.IsSupported(ResourceKinds.Deployment, "spec.nodeName"));
        Assert.False(FieldPaths.IsSupported(ResourceKinds.Pod, "metadata.uid"));
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
            new[] { "metadata.name", "metadata.namespace" }.Concat(FieldPaths.KindFields(ResourceKinds.Pod)).Select(f => FieldPaths.Get(pod, f)));
    }

    [Fact]
    public void Get_UnsetPodFields_EmptyStrings()
    {
        var pod = new Pod();

        foreach (var field in new[] { "metadata.name", "metadata.namespace" }.Concat(FieldPaths.KindFields(ResourceKinds.Pod)))
            Assert.Equal("", FieldPaths.Get(pod, field));
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
            FieldPaths.KindFields(ResourceKinds.Event).Select(f => FieldPaths.Get(ev, f)));
    }

    [Fact]
    public void Get_NodeUnschedulable_TrueFalseAndUnsetIsFalse()
    {
        Assert.Equal("true", FieldPaths.Get(new Node { Spec = new NodeSpec { Unschedulable = true } }, "spec.unschedulable"));
        Assert.Equal("false", FieldPaths.Get(new Node { Spec = new NodeSpec { Unschedulable = false } }, "spec.unschedulable"));
        Assert.Equal("false", FieldPaths.Get(new Node(), "spec.unschedulable"));
    }

    [Fact]
    public void Get_ReplicaCounts_DecimalStringZeroWhenNoStatus()
    {
        Assert.Equal("3", FieldPaths.Get(new ReplicaSet { Status = new ReplicaSetStatus { Replicas = 3 } }, "status.replicas"));
        Assert.Equal("0", FieldPaths.Get(new ReplicaSet(), "status.replicas"));
        Assert.Equal("0", FieldPaths.Get(new StatefulSet(), "status.replicas"));
    }

    [Fact]
    public void Get_SecretTypeAndNamespacePhase_FromTheObject()
    {
        Assert.Equal("kubernetes.io/tls", FieldPaths.Get(new Secret { Type = "kubernetes.io/tls" }, "type"));
        Assert.Equal("Terminating", FieldPaths.Get(new Namespace { Status = new NamespaceStatus { Phase = "Terminating" } }, "status.phase"));
    }

    [Fact]
    public void Get_ClusterScopedObject_EmptyNamespace()
    {
        Assert.Equal("", FieldPaths.Get(new Node { Metadata = new ObjectMeta { Name = "n1" } }, "metadata.namespace"));
    }
}
