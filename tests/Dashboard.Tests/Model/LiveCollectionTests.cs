using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;
using OrleansOrchestrator.Dashboard.ServiceClient;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class LiveCollectionTests
{
    [Fact]
    public void Load_Snapshot_HoldsEachObjectByNamespaceAndName()
    {
        var pods = new LiveCollection<Pod>();

        pods.Load([Pod("a"), Pod("a", ns: "other"), Pod("b")]);

        Assert.Equal(3, pods.Count);
        Assert.Equal("other", pods.Find("other", "a")!.Metadata.Namespace);
        Assert.Null(pods.Find("default", "missing"));
    }

    [Fact]
    public void Load_ObjectsOfAnotherKind_Ignored()
    {
        var pods = new LiveCollection<Pod>();

        pods.Load([Pod("a"), Node("node-a")]);

        Assert.Equal(["a"], pods.Items.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void Load_Again_ReplacesEverything()
    {
        var pods = new LiveCollection<Pod>();
        pods.Load([Pod("a"), Pod("b")]);

        pods.Load([Pod("c")]);

        Assert.Equal(["c"], pods.Items.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void Apply_UpsertAndDelete_AddReplaceAndRemove()
    {
        var pods = new LiveCollection<Pod>();
        pods.Load([Pod("a")]);

        pods.Apply(new ResourceChange(ChangeType.Upsert, Pod("b")));
        pods.Apply(new ResourceChange(ChangeType.Upsert, Pod("a", phase: "Failed").WithVersion("2")));
        pods.Apply(new ResourceChange(ChangeType.Delete, Pod("b")));

        var only = Assert.Single(pods.Items);
        Assert.Equal(("a", "Failed", "2"), (only.Metadata.Name, only.Status!.Phase, only.Metadata.ResourceVersion));
    }

    [Fact]
    public void Apply_EachChange_BumpsRevision()
    {
        var pods = new LiveCollection<Pod>();
        pods.Load([]);
        var before = pods.Revision;

        pods.Apply(new ResourceChange(ChangeType.Upsert, Pod("a")));
        pods.Apply(new ResourceChange(ChangeType.Delete, Pod("a")));

        Assert.Equal(before + 2, pods.Revision);
    }

    [Fact]
    public void Apply_ObjectOfAnotherKind_Ignored()
    {
        var pods = new LiveCollection<Pod>();
        pods.Load([]);
        var before = pods.Revision;

        pods.Apply(new ResourceChange(ChangeType.Upsert, Node("node-a")));

        Assert.Equal((0, before), (pods.Count, pods.Revision));
    }

    public static TheoryData<string, string[], string[], string[]> ResyncCases => new()
    {
        // name, before (name@version), listing (name@version), expected changes (type name@version)
        { "nothing changed", ["a@1", "b@1"], ["a@1", "b@1"], [] },
        { "one changed", ["a@1", "b@1"], ["a@1", "b@2"], ["Upsert b@2"] },
        { "one added", ["a@1"], ["a@1", "c@1"], ["Upsert c@1"] },
        { "one deleted", ["a@1", "b@1"], ["a@1"], ["Delete b@1"] },
        { "all at once", ["a@1", "b@1", "c@1"], ["a@1", "c@5", "d@1"], ["Delete b@1", "Upsert c@5", "Upsert d@1"] },
        { "from empty", [], ["a@1"], ["Upsert a@1"] },
        { "to empty", ["a@1"], [], ["Delete a@1"] },
    };

    [Theory]
    [MemberData(nameof(ResyncCases))]
    public void Resync_FreshListing_ReturnsExactlyTheDifferingChanges(string scenario, string[] before, string[] listing, string[] expected)
    {
        var pods = new LiveCollection<Pod>();
        pods.Load(before.Select(Parse));

        var changes = pods.Resync(listing.Select(Parse));

        Assert.True(expected.Order().SequenceEqual(changes.Select(c => $"{c.Type} {c.Object.Metadata.Name}@{c.Object.Metadata.ResourceVersion}").Order()), scenario);
        Assert.Equal(listing.Order(), pods.Items.Select(p => $"{p.Metadata.Name}@{p.Metadata.ResourceVersion}").Order());
    }

    private static Pod Parse(string nameAtVersion) =>
        nameAtVersion.Split('@') is [var name, var version] ? Pod(name, resourceVersion: version) : throw new ArgumentException(nameAtVersion);
}
