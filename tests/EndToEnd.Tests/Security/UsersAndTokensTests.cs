using System.Text;
using Microsoft.Playwright;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansOrchestrator.EndToEnd.Tests.Security;

/// <summary>
/// The operator administers users and tokens through the API with kubectl, no restart: a User with a password and an
/// AccessToken made with <c>kubectl create -f</c>, whose token (shown once) works at once and stops at once when the
/// AccessToken is deleted — for kubectl and for a signed-in browser; the user signs in to the dashboard with the
/// password, ten wrong ones in a row lock the next attempts out; neither the password nor the token is in the store's files.
/// </summary>
public sealed class UsersAndTokensTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>, IAsyncLifetime
{
    private const string Password = "correct-horse-battery-staple-41";

    // An open page re-checks its session every 2 s here (30 s by default).
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "1", "--session-recheck", "2"]);

    public async Task InitializeAsync()
    {
        TokenFiles.WriteUsers(_silo);
        await _silo.Start();
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Operator => new("1.32", _silo.KubeconfigPath, TokenFiles.Admin);

    private Kubectl As(string token) => new("1.32", _silo.KubeconfigPath, token);

    private static string UserManifest(string name) => $"""
        apiVersion: tenancy.orleans-orchestrator.io/v1
        kind: User
        metadata:
          name: {name}
          namespace: team-b
        spec:
          groups: [view]
          password: {Password}
        """;

    private static string TokenManifest(string name, string user) => $"""
        apiVersion: tenancy.orleans-orchestrator.io/v1
        kind: AccessToken
        metadata:
          name: {name}
          namespace: team-b
        spec:
          user: {user}
        """;

    private async Task<string> IssueToken(string name, string user) =>
        (await Operator.Ok("create -f - -o jsonpath={.status.token}", TokenManifest(name, user))).Trim('\'');

    [Fact]
    public async Task OperatorCreatesUserAndToken_TokenWorksAtOnce_DeletedTokenIsRefusedAtTheNextCall_AndNothingSecretIsStored()
    {
        await Operator.Ok("create -f -", UserManifest("erin"));
        var token = await IssueToken("erin-laptop", "erin");
        Assert.StartsWith("team-b.", token);

        // No restart: the token signs in as erin of tenant team-b with the user's groups (view: reads, no writes).
        var erin = As(token);
        Assert.Contains("namespace/default", await erin.Ok("get namespaces -o name"));
        var write = await erin.Run("create configmap nope --from-literal=a=b");
        Assert.NotEqual(0, write.ExitCode);
        Assert.Contains("forbidden", write.Stderr);
        Assert.Contains("User \"erin\"", write.Stderr);

        // Shown once: listed or read, the token is not there (only its hash); nor is the password.
        var yaml = await Operator.Ok("get accesstoken erin-laptop -n team-b -o yaml");
        Assert.DoesNotContain(token, yaml);
        Assert.Contains("tokenHash: sha256:", yaml);
        Assert.DoesNotContain(Password, await Operator.Ok("get user erin -n team-b -o yaml"));
        Assert.Contains("erin-laptop", await Operator.Ok("get accesstokens -n team-b"));
        Assert.Matches(@"(?m)^team-b +erin +view +set ", await Operator.Ok("get users -A"));

        // Users and tokens are the operator's: a tenant's own user gets no further than for nodes.
        var bob = await As(TokenFiles.OtherTenant).Run("get users -n team-b");
        Assert.NotEqual(0, bob.ExitCode);
        Assert.Contains("forbidden", bob.Stderr);

        await Operator.Ok("delete accesstoken erin-laptop -n team-b");
        var refused = await erin.Run("get namespaces");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("You must be logged in to the server", refused.Stderr);

        // Deleting a user revokes their tokens at once and deletes them.
        var second = await IssueToken("erin-ci", "erin");
        Assert.Contains("namespace/default", await As(second).Ok("get namespaces -o name"));
        await Operator.Ok("delete user erin -n team-b");
        Assert.Contains("You must be logged in to the server", (await As(second).Run("get namespaces")).Stderr);
        await Eventually.True(async () => !(await Operator.Ok("get accesstokens -n team-b -o name")).Contains("erin-ci"),
            "the deleted user's token collected", TimeSpan.FromSeconds(30));

        // A token of a user that does not exist is not made.
        var nobody = await Operator.Run("create -f -", TokenManifest("ghost", "nobody"));
        Assert.NotEqual(0, nobody.ExitCode);
        Assert.Contains("spec.user", nobody.Stderr);

        var files = Directory.EnumerateFiles(_silo.DataDir, "store.db*").ToList();
        Assert.NotEmpty(files);
        Assert.False(Contains(files, Password), "a user's password is readable in the store's files");
        Assert.False(Contains(files, token), "an issued token is readable in the store's files");
        Assert.False(Contains(files, second), "an issued token is readable in the store's files");
        Assert.True(Contains(files, "erin-laptop"), "the raw search should find what is stored in the clear");
    }

    [Fact]
    public async Task TokenDeleted_SignedInBrowserGoesToSignIn()
    {
        await Operator.Ok("create -f -", UserManifest("fay"));
        var token = await IssueToken("fay-browser", "fay");
        var page = await browser.SignIn(_silo.DashboardPort, token);
        await Expect(page.Locator("#signed-in-user")).ToContainTextAsync("fay");

        await Operator.Ok("delete accesstoken fay-browser -n team-b");

        // Without any click: the open page's next check (every 2 s here) finds the token gone.
        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
        await page.GotoAsync($"http://127.0.0.1:{_silo.DashboardPort}/pods");
        await Expect(page.Locator("#token")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task PasswordSignIn_Works_AndTenWrongPasswordsInARowLockTheNextAttemptsOut()
    {
        await Operator.Ok("create -f -", UserManifest("gil"));
        await Operator.Ok("create -f -", UserManifest("hal"));

        var page = await browser.SignInPage(_silo.DashboardPort);
        await SignInWithPassword(page, "gil@team-b", Password);
        await DashboardBrowser.WaitInteractive(page);
        await Expect(page.Locator("#signed-in-user")).ToContainTextAsync("gil");

        var guesser = await browser.SignInPage(_silo.DashboardPort);
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            await SignInWithPassword(guesser, "hal@team-b", $"wrong-guess-{attempt}");
            await Expect(guesser.Locator(".sign-in-error")).ToContainTextAsync("not accepted");
        }
        // The eleventh, with the right password, is refused unchecked, with the same words as a wrong one.
        await SignInWithPassword(guesser, "hal@team-b", Password);
        await Expect(guesser.Locator(".sign-in-error")).ToContainTextAsync("not accepted");
        Assert.Contains("/login", guesser.Url);
        await DashboardBrowser.Screenshot(guesser, "password-locked-out");

        // A password session ends with its user, as a token's does.
        await Operator.Ok("delete user gil -n team-b");
        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OperatorPage_CreatesAUser_IssuesATokenThatWorks_AndRevokesIt()
    {
        var page = await browser.SignIn(_silo.DashboardPort, TokenFiles.Admin, "/users");
        await page.ClickAsync("#nav-users");
        await page.FillAsync("#users-tenant", "team-b");
        await page.ClickAsync("#users-load");
        await page.FillAsync("#new-user-name", "ivy");
        await page.FillAsync("#new-user-groups", "view");
        await page.FillAsync("#new-user-password", Password);
        await page.ClickAsync("#create-user");
        await Expect(page.Locator("tr[data-user=ivy]")).ToBeVisibleAsync();
        Assert.Contains("ivy", await Operator.Ok("get users -n team-b -o name"));

        await page.Locator("tr[data-user=ivy] .issue-token").ClickAsync();
        var token = await page.Locator("#issued-token-value").TextContentAsync();
        Assert.StartsWith("team-b.", token);
        Assert.Contains("namespace/default", await As(token!).Ok("get namespaces -o name"));
        await DashboardBrowser.Screenshot(page, "users-and-tokens");

        await page.Locator("tr[data-token] .revoke-token").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Expect(page.Locator("tr[data-token]")).ToHaveCountAsync(0);
        Assert.Contains("You must be logged in to the server", (await As(token!).Run("get namespaces")).Stderr);
    }

    [Fact]
    public async Task NotTheOperator_HasNoUsersPage()
    {
        var page = await browser.SignIn(_silo.DashboardPort, TokenFiles.Viewer, "/users");
        await Expect(page.Locator("#users-not-allowed")).ToBeVisibleAsync();
        await Expect(page.Locator("#nav-users")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task HostileInput_IsRefusedWithKubernetesStatuses_NeverA500_AndNothingIsStored()
    {
        using var api = new ApiClient(_silo, TokenFiles.Admin);
        const string users = "/apis/tenancy.orleans-orchestrator.io/v1/namespaces/team-b/users";
        const string tokens = "/apis/tenancy.orleans-orchestrator.io/v1/namespaces/team-b/accesstokens";

        // A password too long (or too short) is refused with a 422 that does not repeat it.
        var longPassword = new string('p', 2000);
        var (code, body) = await api.Send(HttpMethod.Post, users, $$$"""{"metadata":{"name":"long"},"spec":{"password":"{{{longPassword}}}"}}""");
        Assert.Equal(422, code);
        Assert.DoesNotContain(longPassword, body!.ToJsonString());
        Assert.Equal(404, (await api.Send(HttpMethod.Get, $"{users}/long")).Code);
        Assert.Equal(422, (await api.Send(HttpMethod.Post, users, """{"metadata":{"name":"short"},"spec":{"password":"abc"}}""")).Code);
        var manyGroups = string.Join(",", Enumerable.Range(0, 100).Select(i => $"\"g{i}\""));
        Assert.Equal(422, (await api.Send(HttpMethod.Post, users, $$$"""{"metadata":{"name":"many"},"spec":{"groups":[{{{manyGroups}}}]}}""")).Code);

        // A client cannot choose its token: a hash or a token it sends is replaced by the server's.
        await Operator.Ok("create -f -", UserManifest("jo"));
        var chosen = "team-b." + new string('0', 48);
        var chosenHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(chosen)));
        (code, body) = await api.Send(HttpMethod.Post, tokens,
            $$$"""{"metadata":{"name":"chosen"},"spec":{"user":"jo"},"status":{"token":"{{{chosen}}}","tokenHash":"sha256:{{{chosenHash}}}"}}""");
        Assert.Equal(201, code);
        Assert.NotEqual(chosen, body!["status"]!["token"]!.GetValue<string>());
        Assert.Contains("You must be logged in to the server", (await As(chosen).Run("get namespaces")).Stderr);
        Assert.Equal(422, (await api.Send(HttpMethod.Put, $"{tokens}/chosen", """{"metadata":{"name":"chosen"},"spec":{"user":"someone-else"}}""")).Code);

        // Tokens that look issued, for tenants that do not exist or of absurd length: 401, the silo unharmed.
        foreach (var forged in new[] { "nowhere." + new string('a', 48), new string('x', 8 * 1024) + "." + new string('a', 48), "team-b." + new string('a', 48) })
        {
            using var stranger = new ApiClient(_silo, forged);
            Assert.Equal(401, (await stranger.Send(HttpMethod.Get, "/api/v1/namespaces")).Code);
        }

        // Non-operators: as for nodes, 403.
        using var bob = new ApiClient(_silo, TokenFiles.OtherTenant);
        Assert.Equal(403, (await bob.Send(HttpMethod.Post, users, """{"metadata":{"name":"bobby"},"spec":{"password":"a-long-password"}}""")).Code);
        Assert.Equal(403, (await bob.Send(HttpMethod.Get, tokens)).Code);
    }

    private static async Task SignInWithPassword(IPage page, string user, string password)
    {
        await page.FillAsync("#user", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in-password");
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    private static bool Contains(IEnumerable<string> files, string value)
    {
        var needle = Encoding.UTF8.GetBytes(value);
        return files.Any(f => ReadShared(f).AsSpan().IndexOf(needle) >= 0);
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
