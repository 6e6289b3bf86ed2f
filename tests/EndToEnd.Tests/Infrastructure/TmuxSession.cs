namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A program run in a real pseudo-terminal (a detached tmux session on a server of its own), typed into and read
/// as a user at a terminal would: for <c>kubectl exec -it</c> and <c>attach -it</c>, which need a terminal.
/// </summary>
public sealed class TmuxSession : IAsyncDisposable
{
    private readonly string _server = $"oo-e2e-{Guid.NewGuid():N}";

    private TmuxSession() { }

    public static async Task<TmuxSession> Start(string command, int columns, int rows)
    {
        var session = new TmuxSession();
        await session.Tmux("new-session", "-d", "-s", "main", "-x", $"{columns}", "-y", $"{rows}", command);
        return session;
    }

    /// <summary>Types <paramref name="text"/> and Enter.</summary>
    public Task TypeLine(string text) => Tmux("send-keys", "-t", "main", "-l", text + "\r");

    /// <summary>The screen as the user sees it, with the scrollback.</summary>
    public Task<string> Screen() => Tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "main");

    public Task Resize(int columns, int rows) => Tmux("resize-window", "-t", "main", "-x", $"{columns}", "-y", $"{rows}");

    /// <summary>Waits until the screen has a line that is exactly <paramref name="line"/> (output, not the echo of a command).</summary>
    public async Task WaitForLine(string line, TimeSpan? timeout = null)
    {
        var screen = "";
        try
        {
            await Eventually.True(async () => (screen = await Screen()).Split('\n').Any(l => l.TrimEnd() == line), $"the line \"{line}\" on the terminal", timeout ?? TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; the terminal shows:\n{screen}", e);
        }
    }

    private async Task<string> Tmux(params string[] arguments)
    {
        var (code, output) = await TestImages.Run("tmux", ["-L", _server, .. arguments]);
        if (code != 0) throw new InvalidOperationException($"tmux {string.Join(' ', arguments)} failed ({code}): {output}");
        return output;
    }

    public async ValueTask DisposeAsync() => await TestImages.Run("tmux", "-L", _server, "kill-server");
}
