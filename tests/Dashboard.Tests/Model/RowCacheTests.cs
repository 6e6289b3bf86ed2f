using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public class RowCacheTests
{
    private static Pod Pod(string name, string version, string phase = "Running") =>
        new() { Metadata = new ObjectMeta { Name = name, Namespace = "default", ResourceVersion = version }, Status = new PodStatus { Phase = phase } };

    [Fact]
    public void Rows_UnchangedVersions_AreReusedAndChangedOnesRecomputed()
    {
        var cache = new RowCache<Pod, PodRow>(PodRow.From);
        Assert.Equal(["a", "b", "c"], cache.Rows([Pod("a", "1"), Pod("b", "2"), Pod("c", "3")]).Select(r => r.Name).Order());
        Assert.Equal(3, cache.Computed);

        var rows = cache.Rows([Pod("a", "1"), Pod("b", "5", "Failed"), Pod("c", "3")]).ToList();
        Assert.Equal(4, cache.Computed);
        Assert.Equal("Failed", rows.Single(r => r.Name == "b").Status);
    }

    [Fact]
    public void Rows_DeletedObject_IsDroppedAndComesBackComputedAfresh()
    {
        var cache = new RowCache<Pod, PodRow>(PodRow.From);
        cache.Rows([Pod("a", "1"), Pod("b", "2")]);
        Assert.Equal(["a"], cache.Rows([Pod("a", "1")]).Select(r => r.Name));
        cache.Rows([Pod("a", "1"), Pod("b", "2")]);
        Assert.Equal(3, cache.Computed);
    }
}
