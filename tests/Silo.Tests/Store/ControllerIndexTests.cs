using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Tests.Store;

public class ControllerIndexTests
{
    private static Pod Pod(string name, string? controllerUid = null, string? ownerUid = null)
    {
        var references = new List<OwnerReference>();
        if (controllerUid is not null)
            references.Add(new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = controllerUid, Controller = true });
        if (ownerUid is not null)
            references.Add(new OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "cm", Uid = ownerUid });
        var pod = Samples.Pod(name);
        return pod with { Metadata = pod.Metadata with { OwnerReferences = references.Count == 0 ? null : references } };
    }

    [Fact]
    public void Replace_Created_IndexedByController_OrAsOrphan()
    {
        var index = new ControllerIndex();

        index.Replace("a", null, Pod("a", controllerUid: "rs-1"));
        index.Replace("b", null, Pod("b", controllerUid: "rs-1"));
        index.Replace("c", null, Pod("c", controllerUid: "rs-2"));
        index.Replace("d", null, Pod("d"));
        index.Replace("e", null, Pod("e", ownerUid: "cm-1")); // an owner that is not the controller leaves it an orphan

        Assert.Equal(["a", "b"], index.ControlledBy("rs-1").Order());
        Assert.Equal(["c"], index.ControlledBy("rs-2"));
        Assert.Empty(index.ControlledBy("rs-3"));
        Assert.Equal(["d", "e"], index.Orphans.Order());
    }

    [Fact]
    public void Replace_Adopted_MovesFromOrphansToController()
    {
        var index = new ControllerIndex();
        index.Replace("a", null, Pod("a"));

        index.Replace("a", Pod("a"), Pod("a", controllerUid: "rs-1"));

        Assert.Empty(index.Orphans);
        Assert.Equal(["a"], index.ControlledBy("rs-1"));
    }

    [Fact]
    public void Replace_Released_MovesFromControllerToOrphans()
    {
        var index = new ControllerIndex();
        index.Replace("a", null, Pod("a", controllerUid: "rs-1"));

        index.Replace("a", Pod("a", controllerUid: "rs-1"), Pod("a"));

        Assert.Empty(index.ControlledBy("rs-1"));
        Assert.Equal(["a"], index.Orphans);
    }

    [Fact]
    public void Replace_Deleted_ForgetsTheObject()
    {
        var index = new ControllerIndex();
        index.Replace("a", null, Pod("a", controllerUid: "rs-1"));
        index.Replace("b", null, Pod("b"));

        index.Replace("a", Pod("a", controllerUid: "rs-1"), null);
        index.Replace("b", Pod("b"), null);

        Assert.Empty(index.ControlledBy("rs-1"));
        Assert.Empty(index.Orphans);
    }

    [Fact]
    public void Replace_SameController_StaysIndexedOnce()
    {
        var index = new ControllerIndex();
        index.Replace("a", null, Pod("a", controllerUid: "rs-1"));

        index.Replace("a", Pod("a", controllerUid: "rs-1"), Pod("a", controllerUid: "rs-1"));

        Assert.Equal(["a"], index.ControlledBy("rs-1"));
        Assert.Empty(index.Orphans);
    }
}
