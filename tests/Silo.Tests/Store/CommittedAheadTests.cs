using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Tests.Store;

public class CommittedAheadTests
{
    private static Pod Pod(string name, string app = "web") =>
        Samples.Pod(name) with { Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = Samples.Labels(("app", app)) } };

    private static bool IsWeb(KubeObject obj) => obj.Metadata.Labels?.GetValueOrDefault("app") == "web";

    private static string[] Names(IEnumerable<KubeObject> objects) => objects.Select(o => o.Metadata.Name!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Latest_NothingAhead_IsTheReleasedList()
    {
        var ahead = new CommittedAhead();

        Assert.Equal(["a", "b"], Names(ahead.Latest([Pod("a"), Pod("b")], IsWeb)));
    }

    [Fact]
    public void Latest_CreatedAhead_CountsTheNewObjectsThatMatch()
    {
        var ahead = new CommittedAhead();
        ahead.Committed("c", 11, Pod("c"));
        ahead.Committed("d", 12, Pod("d", app: "db"));

        Assert.Equal(["a", "c"], Names(ahead.Latest([Pod("a")], IsWeb)));
    }

    [Fact]
    public void Latest_DeletedOrChangedAhead_ReplacesTheReleasedState()
    {
        var ahead = new CommittedAhead();
        ahead.Committed("a", 11, null);
        ahead.Committed("b", 12, Pod("b", app: "db"));  // relabelled: out of the selection
        ahead.Committed("c", 13, Pod("c") with { Spec = Samples.PodSpec(Samples.Container(image: "nginx:2")) });

        var latest = ahead.Latest([Pod("a"), Pod("b"), Pod("c")], IsWeb);

        Assert.Equal(["c"], Names(latest));
        Assert.Equal("nginx:2", ((Pod)latest[0]).Spec.Containers[0].Image);
    }

    [Fact]
    public void Released_UpToTheNewestCommit_LeavesTheReleasedListInCharge()
    {
        var ahead = new CommittedAhead();
        ahead.Committed("a", 11, Pod("a"));
        ahead.Committed("a", 14, null);

        ahead.Released("a", 11); // an older change of it released: the deletion is still ahead
        Assert.Empty(ahead.Latest([Pod("a")], IsWeb));

        ahead.Released("a", 14);
        Assert.Equal(0, ahead.Count);
        Assert.Equal(["a"], Names(ahead.Latest([Pod("a")], IsWeb)));
    }

    [Fact]
    public void Committed_OlderThanKnown_IsIgnored()
    {
        var ahead = new CommittedAhead();
        ahead.Committed("a", 14, null);
        ahead.Committed("a", 11, Pod("a"));

        Assert.Empty(ahead.Latest([], IsWeb));
    }
}
