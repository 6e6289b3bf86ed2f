using Bunit;
using OrleansOrchestrator.Dashboard.Components.Layout;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

/// <summary>The audit page shows the signed-in user's tenant's newest requests: who, what, which object, the answer.</summary>
public sealed class AuditPageTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static AuditEntry Entry(string user, string verb, string resource, string? ns, string? name, int code, string agent = "kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9", string? subresource = null, bool started = false) =>
        new(Now, user, verb, resource, ns, name, subresource, code, agent, TimeSpan.FromMilliseconds(12), started);

    private static List<string[]> Rows(IRenderedComponent<Audit> page) =>
        [.. page.FindAll(".audit-table tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToArray())];

    [Fact]
    public async Task Render_TenantsRequests_NewestFirstWithUserVerbObjectCodeAndClient()
    {
        var backend = new FakeClusterBackend();
        backend.Audit(Tenant, Entry("alice", "create", "deployments", "default", "web", 201));
        backend.Audit(Tenant, Entry("bob", "delete", "secrets", "default", "db-password", 403, agent: "dashboard"));
        backend.Audit(Tenant, Entry("alice", "create", "pods", "default", "web-1", 101, subresource: "exec", started: true));
        await using var ctx = Create(new FakeClusterFeed(), backend);

        var page = ctx.Render<Audit>();

        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count), Patience);
        var rows = Rows(page);
        Assert.Equal(["alice", "create", "pods/exec default/web-1", "101 (started)", "kubectl/v1.32.0", "12 ms"], rows[0][1..]);
        Assert.Equal(["bob", "delete", "secrets default/db-password", "403", "dashboard", "12 ms"], rows[1][1..]);
        Assert.Equal(["alice", "create", "deployments default/web", "201", "kubectl/v1.32.0", "12 ms"], rows[2][1..]);
        // A refusal reads as one at a glance.
        Assert.Equal(["Good", "Warning", "Good"], page.FindAll(".audit-table [data-status]").Select(c => ToneOf(c.ClassName)));
    }

    [Fact]
    public async Task Render_OtherTenantsRequests_NotShown()
    {
        var backend = new FakeClusterBackend();
        backend.Audit("globex", Entry("mallory", "delete", "deployments", "prod", "api", 200));
        await using var ctx = Create(new FakeClusterFeed(), backend);

        var page = ctx.Render<Audit>();

        page.WaitForAssertion(() => Assert.Contains("No requests recorded yet.", page.Markup), Patience);
        Assert.DoesNotContain("mallory", page.Markup);
    }

    [Fact]
    public async Task Render_AsksForABoundedNumber_AndRefreshShowsNewRequests()
    {
        var backend = new FakeClusterBackend();
        backend.Audit(Tenant, Entry("alice", "get", "pods", "default", "web-1", 200));
        await using var ctx = Create(new FakeClusterFeed(), backend);
        var page = ctx.Render<Audit>();
        page.WaitForAssertion(() => Assert.Single(Rows(page)), Patience);

        backend.Audit(Tenant, Entry("alice", "patch", "deployments", "default", "web", 422));
        await page.Find("#audit-refresh").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("deployments default/web", Rows(page)[0][3]), Patience);
        Assert.All(backend.AuditLimits, limit => Assert.Equal(Audit.Shown, limit));
    }

    [Fact]
    public async Task Render_UserWithoutTheClusterWidePermission_SeesNotAllowed_NoRequestsAndNoTrailAsked()
    {
        var backend = new FakeClusterBackend { MayAudit = _ => false };
        backend.Audit(Tenant, Entry("alice", "delete", "secrets", "prod", "db-password", 200));
        await using var ctx = Create(new FakeClusterFeed(), backend);

        var page = ctx.Render<Audit>();

        page.WaitForAssertion(() => Assert.Contains("You are not allowed to read the audit trail", page.Find("#audit-not-allowed").TextContent), Patience);
        Assert.Empty(page.FindAll(".audit-table"));
        Assert.Empty(page.FindAll("#audit-refresh"));
        Assert.DoesNotContain("db-password", page.Markup);
        Assert.Empty(backend.AuditLimits);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NavMenu_OffersTheAuditTrail_OnlyToWhoMayReadIt(bool allowed)
    {
        await using var ctx = Create(new FakeClusterFeed(), new FakeClusterBackend { MayAudit = _ => allowed });

        var menu = ctx.Render<NavMenu>();

        menu.WaitForAssertion(() => Assert.Contains("href=\"/pods\"", menu.Markup), Patience);
        menu.WaitForAssertion(() => Assert.Equal(allowed, menu.FindAll("a[href='/audit']").Count == 1), Patience);
    }

    private static string ToneOf(string? classes) =>
        classes is null ? "" : classes.Contains("success", StringComparison.Ordinal) ? "Good" : classes.Contains("warning", StringComparison.Ordinal) ? "Warning" : classes.Contains("error", StringComparison.Ordinal) ? "Bad" : "Neutral";
}
