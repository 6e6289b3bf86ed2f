using Bunit;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.WorkloadObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class StoragePagesTests
{
    private readonly FakeClusterBackend _backend = new();
    private readonly FakeClusterFeed _feed = new FakeClusterFeed()
        .With(ResourceKinds.PersistentVolumeClaim, Claim("data", volume: "pvc-1", capacity: "5Gi"), Claim("logs", phase: "Pending", volume: null))
        .With(ResourceKinds.Pod, PodWithClaims("db-0", ["data"]))
        .With(ResourceKinds.PersistentVolume, LocalVolume("pvc-1", claim: "data", node: "node-b"));

    [Fact]
    public async Task Claims_StatusVolumeCapacityAndUsers()
    {
        await using var ctx = Create(_feed, _backend);

        var page = ctx.Render<PersistentVolumeClaims>();

        page.WaitForAssertion(() => Assert.Equal(["data", "logs"], page.FindAll(".pvc-name").Select(e => e.TextContent.Trim())), Patience);
        Assert.Equal(["Bound", "Pending"], page.FindAll(".pvc-status [data-status]").Select(e => e.GetAttribute("data-status")));
        Assert.Equal(["pvc-1"], page.FindAll(".pvc-volume").Select(e => e.TextContent.Trim()));
        Assert.Equal(["db-0"], page.FindAll(".pvc-user").Select(e => e.TextContent.Trim()));
        Assert.Contains(page.FindAll("#pvcs-grid td"), td => td.TextContent.Trim() == "5Gi");
    }

    [Fact]
    public async Task Claims_PodStartsUsingOne_UsedByFollows()
    {
        await using var ctx = Create(_feed, _backend);
        var page = ctx.Render<PersistentVolumeClaims>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll(".pvc-user")), Patience);

        _feed.Upsert(PodWithClaims("db-1", ["logs"]));

        page.WaitForAssertion(() => Assert.Equal(["db-0", "db-1"], page.FindAll(".pvc-user").Select(e => e.TextContent.Trim())), Patience);
    }

    [Fact]
    public async Task ClaimDetail_DeleteAsked()
    {
        await using var ctx = Create(_feed, _backend);
        var (_, dialogs) = ctx.RenderProviders();
        var page = ctx.Render<PersistentVolumeClaimDetail>(p => p.Add(d => d.Namespace, "default").Add(d => d.Name, "data"));
        page.WaitForElement("#delete", Patience);
        Assert.Contains("db-0", page.Find("#pvc-pods").TextContent);

        await dialogs.AnswerMessageBoxAsync(page.Find("#delete"), "Delete persistentvolumeclaim default/data?", "Delete");

        page.WaitForAssertion(() => Assert.Equal(("delete", ResourceKinds.PersistentVolumeClaim, "data"), Assert.Single(_backend.Calls) is var c ? (c.Verb, c.Kind, c.Name) : default), Patience);
    }

    [Fact]
    public async Task Volumes_ClaimAndNodeFromAffinity_NotFilteredByNamespace()
    {
        await using var ctx = Create(_feed, _backend);

        var page = ctx.Render<PersistentVolumes>();

        page.WaitForAssertion(() => Assert.Equal("pvc-1", page.Find(".pv-name").TextContent.Trim()), Patience);
        Assert.Equal("default/data", page.Find(".pv-claim").TextContent.Trim());
        Assert.Contains(page.FindAll("#pvs-grid td"), td => td.TextContent.Trim() == "node-b");
    }

    [Fact]
    public async Task Volumes_KindNotServed_SaysWhy()
    {
        await using var ctx = Create(new FakeClusterFeed().Forbid(ResourceKinds.PersistentVolume), _backend);

        var page = ctx.Render<PersistentVolumes>();

        page.WaitForAssertion(() => Assert.Contains("persistentvolumes is forbidden", page.Markup), Patience);
        Assert.Equal("false", page.Find("#pvs-grid").GetAttribute("data-loaded"));
    }

    [Fact]
    public async Task VolumeDetail_NodeAndClaim()
    {
        await using var ctx = Create(_feed, _backend);

        var page = ctx.Render<PersistentVolumeDetail>(p => p.Add(d => d.Name, "pvc-1"));

        page.WaitForAssertion(() => Assert.Equal("node-b", page.Find("#pv-node").TextContent.Trim()), Patience);
        Assert.Contains("default/data", page.Find("#pv-summary").TextContent);
    }
}
