using System.Text;
using Bunit;
using Microsoft.JSInterop;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Controls;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

/// <summary>
/// The pod page's terminal, with the cluster's exec faked and xterm.js replaced by bUnit's JS interop: what the
/// component asks the browser's terminal to write is what the user would see.
/// </summary>
public sealed class TerminalTests
{
    private readonly FakeClusterFeed _feed = new FakeClusterFeed()
        .With(ResourceKinds.Pod, Pod("web-1", containers: [Container("app"), Container("sidecar")]));

    private readonly FakeClusterBackend _backend = new();

    [Fact]
    public async Task Writer_OpensTheTab_ShellStartsInTheFirstContainerWithATerminal()
    {
        await using var ctx = Create(_feed, _backend);

        var (page, session, _, _) = await OpenTerminal(ctx);

        Assert.Equal(new ExecCall("default", "web-1", "app", Terminal.ShellCommand, Tty: true), session.Call);
        page.WaitForAssertion(() => Assert.Equal("connected to app", page.Find("#terminal-state").TextContent), Patience);
    }

    [Fact]
    public async Task ContainerChosen_NewShellThereAndTheOldSessionClosed()
    {
        await using var ctx = Create(_feed, _backend);
        ctx.RenderProviders();
        var (page, first, terminal, _) = await OpenTerminal(ctx);
        var select = page.FindComponent<MudBlazor.MudSelect<string>>();

        await select.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("sidecar"));

        page.WaitForAssertion(() => Assert.Equal(2, _backend.Sessions.Count), Patience);
        Assert.Equal("sidecar", _backend.Sessions[1].Call.Container);
        Assert.True(first.Disposed);
        Assert.Single(terminal.Invocations["reset"]);
        page.WaitForAssertion(() => Assert.Equal("connected to sidecar", page.Find("#terminal-state").TextContent), Patience);
    }

    [Fact]
    public async Task OneContainer_NoContainerChoice()
    {
        var feed = new FakeClusterFeed().With(ResourceKinds.Pod, Pod("web-1", containers: [Container("app")]));
        await using var ctx = Create(feed, _backend);

        var (page, _, _, _) = await OpenTerminal(ctx);

        Assert.Empty(page.FindComponents<MudBlazor.MudSelect<string>>());
    }

    [Fact]
    public async Task Viewer_NoTerminalTab()
    {
        await using var ctx = Create(_feed, _backend, FakeClusterBackend.ReadOnlyGroup);
        SetUpTerminalScript(ctx);
        var page = RenderWeb1(ctx);

        page.WaitForAssertion(() => Assert.Contains(page.FindAll(".mud-tab"), t => t.TextContent.Trim() == "Logs"), Patience);
        Assert.DoesNotContain(page.FindAll(".mud-tab"), t => t.TextContent.Trim() == "Terminal");
        Assert.Empty(page.FindComponents<Terminal>());
        Assert.Empty(_backend.Sessions);
    }

    [Fact]
    public async Task Keystrokes_AndResizes_ReachTheSession()
    {
        await using var ctx = Create(_feed, _backend);
        var (page, session, _, _) = await OpenTerminal(ctx);
        var terminal = page.FindComponent<Terminal>();

        await terminal.InvokeAsync(() => terminal.Instance.Input("hostname\r"));
        await terminal.InvokeAsync(() => terminal.Instance.Input("é"));
        await terminal.InvokeAsync(() => terminal.Instance.Resized(132, 43));

        Assert.Equal(Encoding.UTF8.GetBytes("hostname\ré"), session.Input);
        Assert.Equal((132, 43), session.Sizes[^1]);
    }

    [Fact]
    public async Task Input_NotFromTheScript_Dropped()
    {
        await using var ctx = Create(_feed, _backend);
        var (page, session, _, _) = await OpenTerminal(ctx);
        var terminal = page.FindComponent<Terminal>();

        await terminal.InvokeAsync(() => terminal.Instance.Input(new string('x', Terminal.MaxInputChars + 1)));
        await terminal.InvokeAsync(() => terminal.Instance.Resized(0, -5));
        await terminal.InvokeAsync(() => terminal.Instance.Input("ok"));

        Assert.Equal("ok"u8.ToArray(), session.Input);
        Assert.DoesNotContain((0, -5), session.Sizes);
    }

    [Fact]
    public async Task Output_WrittenToTheTerminal_TheNextOnlyAfterTheBrowserTookThePrevious()
    {
        await using var ctx = Create(_feed, _backend);
        var (page, session, _, write) = await OpenTerminal(ctx);

        session.Write("/ # "u8.ToArray());
        session.Write("web-1\r\n"u8.ToArray());

        // The first write is pending in the browser: the second piece stays with the session, not in a queue here.
        page.WaitForAssertion(() => Assert.Single(write.Invocations), Patience);
        Assert.Equal(1, session.Unread);
        Assert.Equal("/ # ", Text(write.Invocations.First()));

        write.SetVoidResult();

        page.WaitForAssertion(() => Assert.Equal(["/ # ", "web-1\r\n"], write.Invocations.Select(Text)), Patience);
    }

    [Fact]
    public async Task SessionEnds_TheStatusMessageInTheTerminal_AndReconnectStartsANewOne()
    {
        await using var ctx = Create(_feed, _backend);
        var (page, session, _, write) = await OpenTerminal(ctx, writesComplete: true);

        session.End(new ExecOutcome(false, "command terminated with exit code 137", 137));

        page.WaitForAssertion(() => Assert.Contains(write.Invocations, w => Text(w).Contains("session ended: command terminated with exit code 137")), Patience);
        Assert.Equal("session ended: command terminated with exit code 137", page.Find("#terminal-state").TextContent);
        Assert.True(session.Disposed);

        await page.Find("#terminal-reconnect").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(2, _backend.Sessions.Count), Patience);
        page.WaitForAssertion(() => Assert.Equal("connected to app", page.Find("#terminal-state").TextContent), Patience);
    }

    [Fact]
    public async Task Refused_TheApisMessageInTheTerminal()
    {
        _backend.ExecRefusal = new ActionFailedException(400, "cannot exec into a container in a completed pod; current phase is Succeeded");
        await using var ctx = Create(_feed, _backend);
        var (_, write) = SetUpTerminalScript(ctx);
        write.SetVoidResult();
        var page = RenderWeb1(ctx);

        await page.OpenTabAsync("Terminal");

        page.WaitForAssertion(() => Assert.Equal("session ended: cannot exec into a container in a completed pod; current phase is Succeeded",
            page.Find("#terminal-state").TextContent), Patience);
        Assert.Contains(write.Invocations, w => Text(w).Contains("session ended: cannot exec into a container in a completed pod"));
    }

    [Fact]
    public async Task UnexpectedFailure_ShownNotStuckConnecting()
    {
        _backend.ExecRefusal = new InvalidOperationException("boom");
        await using var ctx = Create(_feed, _backend);
        SetUpTerminalScript(ctx);
        var page = RenderWeb1(ctx);

        await page.OpenTabAsync("Terminal");

        page.WaitForAssertion(() => Assert.Equal("session ended: the terminal failed (boom)", page.Find("#terminal-state").TextContent), Patience);
        Assert.NotNull(page.Find("#terminal-reconnect"));
    }

    [Fact]
    public async Task LeavingTheTab_ClosesTheSessionAndFreesTheTerminal()
    {
        await using var ctx = Create(_feed, _backend);
        var (page, session, terminal, _) = await OpenTerminal(ctx);

        await page.OpenTabAsync("Events");

        // Closing is not a render: bUnit's render-driven wait would look only once; this one polls.
        await Eventually.True(() => session.Disposed, "the terminal's session to close", Patience);
        Assert.Single(terminal.Invocations["dispose"]);
    }

    [Fact]
    public async Task ClosingTheCircuit_ClosesTheSession()
    {
        var ctx = Create(_feed, _backend);
        var (_, session, _, _) = await OpenTerminal(ctx);

        await ctx.DisposeAsync();

        Assert.True(session.Disposed);
    }

    /// <summary>The pod page with its Terminal tab open and the first session started.</summary>
    private static async Task<OpenedTerminal> OpenTerminal(BunitContext ctx, bool writesComplete = false)
    {
        var (script, write) = SetUpTerminalScript(ctx);
        if (writesComplete) write.SetVoidResult();
        var page = RenderWeb1(ctx);
        await page.OpenTabAsync("Terminal");
        return new OpenedTerminal(page, await SessionStarted(page), script, write);
    }

    private sealed record OpenedTerminal(IRenderedComponent<PodDetail> Page, FakeExecSession Session, BunitJSInterop Script, JSRuntimeInvocationHandler Write);

    /// <summary>The script module and the terminal object it returns; writes stay pending until the test completes them.</summary>
    private static (BunitJSInterop Terminal, JSRuntimeInvocationHandler Write) SetUpTerminalScript(BunitContext ctx)
    {
        var module = ctx.JSInterop.SetupModule(Terminal.ModulePath);
        var terminal = module.SetupModule("open", _ => true);
        terminal.Mode = JSRuntimeMode.Loose;
        return (terminal, terminal.SetupVoid("write", _ => true));
    }

    private static async Task<FakeExecSession> SessionStarted(IRenderedComponent<PodDetail> page)
    {
        page.WaitForAssertion(() => Assert.Single(page.FindComponents<Terminal>()), Patience);
        var backend = (FakeClusterBackend)page.Services.GetService(typeof(IClusterBackend))!;
        await Eventually.True(() => backend.Sessions.Count == 1, "the terminal's session to start", Patience);
        return backend.Sessions[0];
    }

    private static string Text(JSRuntimeInvocation write) => Encoding.UTF8.GetString((byte[])write.Arguments[0]!);

    private static IRenderedComponent<PodDetail> RenderWeb1(BunitContext ctx) =>
        ctx.Render<PodDetail>(p => p.Add(d => d.Namespace, "default").Add(d => d.Name, "web-1"));
}
