using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Tests.Admission;

public class NodeRestrictionTests
{
    private static readonly Actor NodeA = Actor.Node("node-a");

    private static Pod PodOn(string? node) => new()
    {
        Metadata = new ObjectMeta { Name = "web-1", Namespace = "default" },
        Spec = new PodSpec { NodeName = node, Containers = [new Container { Name = "c", Image = "x" }] },
    };

    private static async Task<StoreError?> Validate(AdmissionOperation operation, Subresource subresource, KubeObject obj, KubeObject? old, Actor actor) =>
        await new NodeRestriction().Validate(new AdmissionRequest(operation, ResourceKinds.Of(obj), subresource, "t", obj, old, actor));

    [Fact]
    public async Task Node_WritesStatusOfAndRemovesItsOwnPods()
    {
        var pod = PodOn("node-a");

        Assert.Null(await Validate(AdmissionOperation.Update, Subresource.Status, pod, pod, NodeA));
        Assert.Null(await Validate(AdmissionOperation.Delete, Subresource.Main, pod, pod, NodeA));
    }

    [Fact]
    public async Task Node_ChangingAnotherNodesPodOrAnyPodsSpec_Forbidden()
    {
        var elsewhere = PodOn("node-b");
        var mine = PodOn("node-a");

        var status = await Validate(AdmissionOperation.Update, Subresource.Status, elsewhere, elsewhere, NodeA);
        Assert.Equal(403, status!.Code);
        Assert.Equal("pods \"web-1\" is forbidden: node \"node-a\" may only update the status of, and remove, pods bound to it", status.Message);
        Assert.Equal(403, (await Validate(AdmissionOperation.Delete, Subresource.Main, elsewhere, elsewhere, NodeA))!.Code);
        Assert.Equal(403, (await Validate(AdmissionOperation.Update, Subresource.Main, mine, mine, NodeA))!.Code);
        Assert.Equal(403, (await Validate(AdmissionOperation.Create, Subresource.Main, mine, null, NodeA))!.Code);
        // Rebinding a pod to itself by sending it as a status write of a pod bound elsewhere is judged by the stored pod.
        Assert.Equal(403, (await Validate(AdmissionOperation.Update, Subresource.Status, mine, elsewhere, NodeA))!.Code);
    }

    [Fact]
    public async Task Node_WritesOnlyItsOwnNodeObject()
    {
        Node NodeNamed(string name) => new() { Metadata = new ObjectMeta { Name = name } };

        Assert.Null(await Validate(AdmissionOperation.Create, Subresource.Main, NodeNamed("node-a"), null, NodeA));
        Assert.Null(await Validate(AdmissionOperation.Update, Subresource.Status, NodeNamed("node-a"), NodeNamed("node-a"), NodeA));
        Assert.Equal(403, (await Validate(AdmissionOperation.Update, Subresource.Status, NodeNamed("node-b"), NodeNamed("node-b"), NodeA))!.Code);
    }

    [Fact]
    public async Task Node_RecordsEvents_ButWritesNoOtherKind()
    {
        var ev = new Event { Metadata = new ObjectMeta { Name = "web-1.1", Namespace = "default" } };
        var config = new ConfigMap { Metadata = new ObjectMeta { Name = "settings", Namespace = "default" } };

        Assert.Null(await Validate(AdmissionOperation.Create, Subresource.Main, ev, null, NodeA));
        Assert.Equal("configmaps \"settings\" is forbidden: node \"node-a\" may not write configmaps",
            (await Validate(AdmissionOperation.Create, Subresource.Main, config, null, NodeA))!.Message);
    }

    [Fact]
    public async Task OtherWriters_AreNotRestricted()
    {
        var elsewhere = PodOn("node-b");

        Assert.Null(await Validate(AdmissionOperation.Update, Subresource.Main, elsewhere, elsewhere, SystemActors.Scheduler));
        Assert.Null(await Validate(AdmissionOperation.Delete, Subresource.Main, elsewhere, elsewhere, new Actor("alice", ["system:masters"])));
        // A user may not pass as a node by name alone: the identity needs the nodes' group.
        Assert.Null(await Validate(AdmissionOperation.Update, Subresource.Main, elsewhere, elsewhere, new Actor("system:node:node-a", [])));
    }
}
