using Bunit;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Layout;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

/// <summary>The operator's page of a tenant's users and tokens: list, create a user with a password, issue a token shown once, revoke, delete.</summary>
public sealed class UsersAndTokensPageTests
{
    private static User UserNamed(string name, string tenant = DashboardTestContext.Tenant) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = tenant },
        Spec = new UserSpec { Groups = ["view"], PasswordHash = "AQAAAAIAAYagAAAAE" },
    };

    private static AccessToken TokenNamed(string name, string user, string tenant = DashboardTestContext.Tenant) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = tenant, CreationTimestamp = DateTimeOffset.UtcNow },
        Spec = new AccessTokenSpec { User = user },
        Status = new AccessTokenStatus { TokenHash = "sha256:" + new string('a', 64) },
    };

    private static FakeClusterBackend Backend() => new();

    private static FakeClusterFeed Feed() => new FakeClusterFeed()
        .With(ResourceKinds.User, UserNamed("erin"), UserNamed("fay"), UserNamed("mallory", tenant: "globex"))
        .With(ResourceKinds.AccessToken, TokenNamed("erin-laptop", "erin"), TokenNamed("mallory-ci", "mallory", tenant: "globex"));

    [Fact]
    public async Task Render_TheTenantsUsersAndTokens_NotOtherTenants()
    {
        await using var ctx = Create(Feed(), Backend());

        var page = ctx.Render<UsersAndTokens>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tr[data-user]").Count), Patience);
        Assert.Equal(["erin", "fay"], page.FindAll("tr[data-user]").Select(r => r.GetAttribute("data-user")));
        Assert.Equal("1", page.Find("tr[data-user=erin] td:nth-child(4)").TextContent.Trim());
        Assert.Equal(["erin-laptop"], page.FindAll("tr[data-token]").Select(r => r.GetAttribute("data-token")));
        Assert.DoesNotContain("mallory", page.Markup);
    }

    [Fact]
    public async Task LiveChanges_ANewUserAppears_ARevokedTokenGoes()
    {
        var feed = Feed();
        await using var ctx = Create(feed, Backend());
        var page = ctx.Render<UsersAndTokens>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tr[data-token]")), Patience);

        feed.Upsert(UserNamed("gil"));
        feed.Delete(TokenNamed("erin-laptop", "erin"));

        page.WaitForAssertion(() => Assert.Equal(["erin", "fay", "gil"], page.FindAll("tr[data-user]").Select(r => r.GetAttribute("data-user"))), Patience);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("tr[data-token]")), Patience);
    }

    [Fact]
    public async Task AnotherTenant_ShowsItsUsers()
    {
        await using var ctx = Create(Feed(), Backend());
        var page = ctx.Render<UsersAndTokens>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tr[data-user]").Count), Patience);

        page.Find("#users-tenant").Input("globex");
        await page.Find("#users-load").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(["mallory"], page.FindAll("tr[data-user]").Select(r => r.GetAttribute("data-user"))), Patience);
        Assert.Equal(["mallory-ci"], page.FindAll("tr[data-token]").Select(r => r.GetAttribute("data-token")));
    }

    [Fact]
    public async Task CreateUser_SendsThePasswordOnce_AndClearsTheForm()
    {
        var backend = Backend();
        await using var ctx = Create(Feed(), backend);
        var (snackbars, _) = ctx.RenderProviders();
        var page = ctx.Render<UsersAndTokens>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tr[data-user]").Count), Patience);

        page.Find("#new-user-name").Input("gil");
        page.Find("#new-user-groups").Input("view, devs");
        page.Find("#new-user-password").Input("a-long-password");
        await page.Find("#create-user").ClickAsync(new());

        var call = Assert.Single(backend.Calls, c => c.Verb == "create");
        var created = Assert.IsType<User>(call.Created);
        Assert.Equal((ResourceKinds.User, DashboardTestContext.Tenant, "gil"), (call.Kind, call.Namespace, created.Metadata.Name));
        Assert.Equal(["view", "devs"], created.Spec.Groups);
        Assert.Equal("a-long-password", created.Spec.Password);
        snackbars.WaitForAssertion(() => Assert.Contains("User gil created", snackbars.Markup), Patience);
        Assert.Equal("", page.Find("#new-user-password").GetAttribute("value") ?? "");
    }

    [Fact]
    public async Task IssueToken_ShowsTheTokenOnce()
    {
        var backend = Backend();
        backend.Completing = obj => obj is AccessToken t ? t with { Status = new AccessTokenStatus { Token = "acme.0123456789abcdef0123456789abcdef0123456789abcdef" } } : obj;
        await using var ctx = Create(Feed(), backend);
        var page = ctx.Render<UsersAndTokens>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".issue-token").Count), Patience);

        await page.FindAll(".issue-token")[0].ClickAsync(new());

        var call = Assert.Single(backend.Calls, c => c.Verb == "create");
        Assert.Equal("erin", Assert.IsType<AccessToken>(call.Created).Spec.User);
        page.WaitForAssertion(() => Assert.Equal("acme.0123456789abcdef0123456789abcdef0123456789abcdef", page.Find("#issued-token-value").TextContent), Patience);
    }

    [Fact]
    public async Task RevokeAndDeleteUser_AskFirst_ThenDelete()
    {
        var backend = Backend();
        await using var ctx = Create(Feed(), backend);
        var (_, dialogs) = ctx.RenderProviders();
        var page = ctx.Render<UsersAndTokens>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll(".revoke-token")), Patience);

        await dialogs.AnswerMessageBoxAsync(page.Find(".revoke-token"), "Revoke token erin-laptop?", "Revoke");
        await dialogs.AnswerMessageBoxAsync(page.FindAll(".delete-user")[1], "Delete user fay of acme?", "Delete");

        Assert.Equal([("delete", ResourceKinds.AccessToken, "erin-laptop"), ("delete", ResourceKinds.User, "fay")],
            backend.Calls.Where(c => c.Verb == "delete").Select(c => (c.Verb, c.Kind!, c.Name!)));
    }

    [Fact]
    public async Task NotTheOperator_PageSaysSo_AndTheMenuHasNoLink()
    {
        var backend = Backend();
        backend.Authorize = (_, _, kind, _) => kind != ResourceKinds.User && kind != ResourceKinds.AccessToken;
        await using var ctx = Create(Feed(), backend);

        var page = ctx.Render<UsersAndTokens>();
        var menu = ctx.Render<NavMenu>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#users-not-allowed")), Patience);
        Assert.Empty(page.FindAll("tr[data-user]"));
        Assert.DoesNotContain("/users", menu.Markup);
    }

    [Fact]
    public async Task Operator_MenuLinksThePage()
    {
        await using var ctx = Create(Feed(), Backend());

        var menu = ctx.Render<NavMenu>();

        menu.WaitForAssertion(() => Assert.Contains("Users &amp; tokens", menu.Markup), Patience);
    }
}
