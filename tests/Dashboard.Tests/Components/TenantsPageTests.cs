using Bunit;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Layout;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class TenantsPageTests
{
    private static Tenant Tenant(string name, IReadOnlyDictionary<string, string>? hard = null, IReadOnlyDictionary<string, string>? used = null, bool deleting = false) => new()
    {
        ApiVersion = ResourceKinds.Tenant.ApiVersion,
        Kind = ResourceKinds.Tenant.Kind,
        Metadata = new ObjectMeta
        {
            Name = name, Uid = "uid-" + name, ResourceVersion = "1", CreationTimestamp = DateTimeOffset.UtcNow.AddHours(-1),
            DeletionTimestamp = deleting ? DateTimeOffset.UtcNow : null,
        },
        Spec = new TenantSpec { Quota = hard is null ? null : new TenantQuota { Hard = hard }, Admins = ["carol"] },
        Status = new TenantStatus { Phase = "Active", Quota = hard is null ? null : new TenantQuotaStatus { Hard = hard, Used = used } },
    };

    private readonly FakeClusterFeed _feed = new FakeClusterFeed().With(ResourceKinds.Tenant,
        Tenant("acme", new Dictionary<string, string> { ["pods"] = "3", ["requests.memory"] = "4Gi" }, new Dictionary<string, string> { ["pods"] = "2", ["requests.memory"] = "1Gi" }),
        Tenant("bravo"),
        Tenant("gone", deleting: true));

    private readonly FakeClusterBackend _backend = new();

    [Fact]
    public async Task Render_Tenants_QuotaUsedOverHard_AndTheirPhase()
    {
        await using var ctx = Create(_feed, _backend);

        var page = ctx.Render<Tenants>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".allocation").Count), Patience);
        Assert.Equal(["pods: 2 / 3", "requests.memory: 1 / 4 GiB"], page.FindAll(".allocation").Select(Text));
        Assert.Equal(["Active", "Active", "Terminating"], page.FindAll("[data-status]").Select(c => c.GetAttribute("data-status")));
        Assert.Contains("no quota", page.Markup);
        // A tenant already going has no delete button.
        Assert.Equal(["acme", "bravo"], page.FindAll(".tenant-delete").Select(b => b.GetAttribute("data-tenant")));
    }

    [Fact]
    public async Task Create_SendsATenantWithTheLimitsGivenAndItsAdministrators()
    {
        await using var ctx = Create(_feed, _backend);
        ctx.RenderProviders();
        var page = ctx.Render<Tenants>();
        page.WaitForElement("#tenant-create", Patience);

        page.Find("#tenant-name").Input("delta");
        page.Find("#tenant-admins").Input("dora, dan");
        page.Find("[data-resource='pods']").Input("5");
        page.Find("[data-resource='requests.cpu']").Input("2");
        await page.Find("#tenant-create").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Single(_backend.Calls), Patience);
        var call = _backend.Calls[0];
        Assert.Equal(("create", ResourceKinds.Tenant, "delta"), (call.Verb, call.Kind, call.Name));
        var created = Assert.IsType<Tenant>(call.Created);
        Assert.Equal(new Dictionary<string, string> { ["pods"] = "5", ["requests.cpu"] = "2" }, created.Spec.Quota!.Hard);
        Assert.Equal(["dora", "dan"], created.Spec.Admins!);
    }

    [Fact]
    public async Task Delete_AsksFirst_ThenDeletesTheTenant()
    {
        await using var ctx = Create(_feed, _backend);
        var (_, dialogs) = ctx.RenderProviders();
        var page = ctx.Render<Tenants>();
        page.WaitForElement(".tenant-delete[data-tenant='bravo']", Patience);

        await dialogs.AnswerMessageBoxAsync(page.Find(".tenant-delete[data-tenant='bravo']"), "Delete tenant bravo? Everything of it goes", "Delete");

        page.WaitForAssertion(() => Assert.Single(_backend.Calls), Patience);
        Assert.Equal(("delete", ResourceKinds.Tenant, "bravo"), (_backend.Calls[0].Verb, _backend.Calls[0].Kind, _backend.Calls[0].Name));
    }

    [Fact]
    public async Task Render_WhoMayNotCreateTenants_SeesNoForm()
    {
        _backend.Authorize = (_, verb, _, _) => verb is "get" or "list" or "watch";
        await using var ctx = Create(_feed, _backend);

        var page = ctx.Render<Tenants>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".allocation").Count), Patience);
        Assert.Empty(page.FindAll("#tenant-form"));
        Assert.Empty(page.FindAll(".tenant-delete"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NavMenu_OffersTenants_OnlyToTheOperator(bool maySee)
    {
        var backend = new FakeClusterBackend { Authorize = (_, _, kind, _) => maySee || kind != ResourceKinds.Tenant };
        await using var ctx = Create(new FakeClusterFeed(), backend);

        var menu = ctx.Render<NavMenu>();

        menu.WaitForAssertion(() => Assert.Contains("href=\"/pods\"", menu.Markup), Patience);
        Assert.Equal(maySee, menu.FindAll("a[href='/tenants']").Count == 1);
    }

    private static string Text(AngleSharp.Dom.IElement allocation) =>
        string.Join(" ", allocation.QuerySelector(".mud-typography")!.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
