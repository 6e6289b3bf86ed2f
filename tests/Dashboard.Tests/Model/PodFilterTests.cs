using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class PodFilterTests
{
    private static readonly IReadOnlyList<PodRow> Rows =
    [
        PodRow.From(Pod("web-1", labels: new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }, node: "node-a")),
        PodRow.From(Pod("web-2", ns: "staging", labels: new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }, node: "node-b")),
        PodRow.From(Pod("db-1", phase: "Pending", labels: new Dictionary<string, string> { ["app"] = "db", ["tier"] = "back" }, node: null)),
        PodRow.From(Pod("batch-1", phase: "Failed", node: "node-b")),
    ];

    [Theory]
    [InlineData(null, "web-1,web-2,db-1,batch-1")]
    [InlineData("", "web-1,web-2,db-1,batch-1")]
    [InlineData("default", "web-1,db-1,batch-1")]
    [InlineData("staging", "web-2")]
    [InlineData("nowhere", "")]
    public void Apply_Namespace_KeepsOnlyItsPods(string? ns, string expected) =>
        Assert.Equal(expected, Names(new PodFilter(Namespace: ns).Apply(Rows)));

    [Theory]
    [InlineData("app=web", "web-1,web-2")]
    [InlineData("app==db", "db-1")]
    [InlineData("app!=web", "db-1,batch-1")]
    [InlineData("app=web,tier=front", "web-1,web-2")]
    [InlineData("app=web,tier=back", "")]
    [InlineData("tier in (back,middle)", "db-1")]
    [InlineData("tier notin (front)", "db-1,batch-1")]
    [InlineData("app", "web-1,web-2,db-1")]
    [InlineData("!app", "batch-1")]
    [InlineData(" ", "web-1,web-2,db-1,batch-1")]
    public void Apply_LabelSelector_KeepsMatchingPods(string selector, string expected)
    {
        var filter = new PodFilter(LabelSelector: selector);

        Assert.Null(filter.SelectorError);
        Assert.Equal(expected, Names(filter.Apply(Rows)));
    }

    [Theory]
    [InlineData("app=(web")]
    [InlineData("=web")]
    [InlineData("app=web,")]
    [InlineData("app=has space")]
    public void SelectorError_InvalidSelector_ExplainsAndFilterIgnoresSelector(string selector)
    {
        var filter = new PodFilter(LabelSelector: selector);

        Assert.False(string.IsNullOrEmpty(filter.SelectorError));
        Assert.Equal("web-1,web-2,db-1,batch-1", Names(filter.Apply(Rows)));
    }

    [Theory]
    [InlineData("WEB", "web-1,web-2")] // name, case-insensitive
    [InlineData("pending", "db-1")] // status
    [InlineData("node-b", "web-2,batch-1")] // node
    [InlineData("tier=back", "db-1")] // label text
    [InlineData("failed", "batch-1")]
    [InlineData("zzz", "")]
    [InlineData("", "web-1,web-2,db-1,batch-1")]
    public void Apply_Text_MatchesNameStatusNodeOrLabels(string text, string expected) =>
        Assert.Equal(expected, Names(new PodFilter(Text: text).Apply(Rows)));

    [Fact]
    public void Apply_AllCriteria_MustAllMatch() =>
        Assert.Equal("web-1", Names(new PodFilter("default", "app=web", "node-a").Apply(Rows)));

    private static string Names(IEnumerable<PodRow> rows) => string.Join(",", rows.Select(r => r.Name));
}
