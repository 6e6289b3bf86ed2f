using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansOrchestrator.Contracts.Streaming;
using OrleansOrchestrator.Silo.Api.Streaming;

namespace OrleansOrchestrator.Silo.Tests.Api.Streaming;

/// <summary>
/// A test-only API server for the real kubectl: just what kubectl exec/port-forward ask for (discovery, the pod, the
/// exec and portforward subresources), with the unit under test — <see cref="SpdyUpgrade"/>, <see cref="SpdyExec"/>,
/// <see cref="SpdyPortForward"/> — behind them. Its fake agent (the part outside the unit) speaks v5 on loopback
/// WebSockets: "cmd" writes to stdout and stderr and exits 3, "cat" echoes stdin; port-forward connects each WebSocket
/// to a small HTTP server standing in for the pod's port (<see cref="PodPort"/>). Remote port 9 fails to open.
/// </summary>
public sealed class KubectlStreamingServer : IAsyncDisposable
{
    public const int FailingPort = 9;
    public const string FailingPortMessage = "error forwarding port 9 to pod p: nothing listens on port 9 in the pod";

    private readonly WebApplication _app;
    private readonly string _directory = Directory.CreateTempSubdirectory("spdy-kubectl-").FullName;
    private int _tunnels;
    private int _spdyPortForwards;
    private int _agentConnectionsOpen;

    private KubectlStreamingServer(WebApplication app) => _app = app;

    public int ApiPort { get; private set; }
    public int PodPort { get; private set; }
    public int Tunnels => Volatile.Read(ref _tunnels);
    public int SpdyPortForwards => Volatile.Read(ref _spdyPortForwards);
    public int AgentConnectionsOpen => Volatile.Read(ref _agentConnectionsOpen);

    public static async Task<KubectlStreamingServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var server = new KubectlStreamingServer(app);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var ports = app.Urls.Select(url => new Uri(url).Port).ToArray();
        server.ApiPort = ports[0];
        server.PodPort = ports[1];
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (context.Connection.LocalPort == PodPort)
        {
            await context.Response.WriteAsync($"hello from the pod: {path}");
            return;
        }
        switch (path)
        {
            case "/api":
                await Json(context, """{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}""");
                return;
            case "/apis":
                await Json(context, """{"kind":"APIGroupList","apiVersion":"v1","groups":[]}""");
                return;
            case "/api/v1":
                await Json(context, """{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list"],"shortNames":["po"]},{"name":"pods/exec","singularName":"","namespaced":true,"kind":"PodExecOptions","verbs":["create","get"]},{"name":"pods/portforward","singularName":"","namespaced":true,"kind":"PodPortForwardOptions","verbs":["create","get"]}]}""");
                return;
            case "/api/v1/namespaces/default/pods/p":
                await Json(context, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default","uid":"0b7f0c59-2d1e-4d7e-9a35-1f2f3c4d5e6f"},"spec":{"containers":[{"name":"c","image":"busybox"}]},"status":{"phase":"Running","containerStatuses":[{"name":"c","ready":true,"restartCount":0,"image":"busybox","imageID":"","state":{"running":{}}}]}}""");
                return;
            case "/api/v1/namespaces/default/pods/p/exec":
                await ExecAsync(context);
                return;
            case "/api/v1/namespaces/default/pods/p/portforward":
                await PortForwardAsync(context);
                return;
            case "/agent/exec":
                await FakeAgentExecAsync(context);
                return;
            case "/agent/portForward":
                await FakeAgentPortForwardAsync(context);
                return;
        }
        context.Response.StatusCode = 404;
        await Json(context, """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}""");
    }

    private static Task Json(HttpContext context, string json)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }

    private async Task ExecAsync(HttpContext context)
    {
        if (!SpdyUpgrade.IsSpdyUpgrade(context.Request))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("this test server speaks SPDY only");
            return;
        }
        var query = context.Request.Query;
        var request = new ExecRequest(query["container"].ToString(), query["command"].Select(c => c ?? "").ToList(),
            query["stdin"] == "true", query["stdout"] == "true", query["stderr"] == "true", query["tty"] == "true");
        Stream connection;
        string protocol;
        try
        {
            (connection, protocol) = await SpdyUpgrade.Accept(context, SpdyExec.Protocols);
        }
        catch (PodStreamException)
        {
            return;
        }
        var agent = await ConnectAgentAsync($"/agent/exec?{context.Request.QueryString.Value?.TrimStart('?')}", StreamChannels.V5, context.RequestAborted);
        await SpdyExec.Serve(connection, protocol, request, agent, context.RequestAborted);
    }

    private async Task PortForwardAsync(HttpContext context)
    {
        if (SpdyPortForward.IsTunnelRequest(context))
        {
            Interlocked.Increment(ref _tunnels);
            WebSocket tunnel;
            try { tunnel = await SpdyPortForward.AcceptTunnel(context); }
            catch (PodStreamException) { return; }
            await SpdyPortForward.ServeTunnel(tunnel, OpenAgentAsync, context.RequestAborted);
            return;
        }
        if (!SpdyUpgrade.IsSpdyUpgrade(context.Request))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("expected a SPDY upgrade or the SPDY WebSocket tunnel");
            return;
        }
        Interlocked.Increment(ref _spdyPortForwards);
        Stream connection;
        try
        {
            (connection, _) = await SpdyUpgrade.Accept(context, SpdyPortForward.Protocols);
        }
        catch (PodStreamException)
        {
            return;
        }
        await SpdyPortForward.Serve(connection, OpenAgentAsync, context.RequestAborted);
    }

    private async Task<WebSocket> OpenAgentAsync(int port, CancellationToken ct)
    {
        if (port == FailingPort)
            throw new PodStreamException(FailingPortMessage);
        return await ConnectAgentAsync($"/agent/portForward?port={port}", null, ct);
    }

    private async Task<WebSocket> ConnectAgentAsync(string pathAndQuery, string? subProtocol, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        if (subProtocol is not null)
            socket.Options.AddSubProtocol(subProtocol);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{ApiPort}{pathAndQuery}"), ct);
        return socket;
    }

    /// <summary>The agent's side of exec, as the contract describes it: v5 channels, one Status, a normal close.</summary>
    private static async Task FakeAgentExecAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync(StreamChannels.V5);
        var command = context.Request.Query["command"].Select(c => c ?? "").ToList();
        var ct = context.RequestAborted;
        string status;
        if (command.FirstOrDefault() == "cat")
        {
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close || result.Count == 0)
                    break;
                if (buffer[0] == StreamChannels.Close && result.Count >= 2 && buffer[1] == StreamChannels.Stdin)
                    break;
                if (buffer[0] == StreamChannels.Stdin)
                {
                    buffer[0] = StreamChannels.Stdout;
                    await socket.SendAsync(buffer.AsMemory(0, result.Count), WebSocketMessageType.Binary, true, ct);
                }
            }
            status = ExecStatus.Success();
        }
        else
        {
            await Send(socket, StreamChannels.Stdout, "out: " + string.Join(' ', command) + "\n", ct);
            await Send(socket, StreamChannels.Stderr, "err\n", ct);
            status = ExecStatus.Exited(3, command);
        }
        await Send(socket, StreamChannels.Error, status, ct);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
        await DrainUntilCloseAsync(socket, ct);
    }

    private static Task Send(WebSocket socket, byte channel, string text, CancellationToken ct) =>
        socket.SendAsync(new ReadOnlyMemory<byte>([channel, .. Encoding.UTF8.GetBytes(text)]), WebSocketMessageType.Binary, true, ct).AsTask();

    /// <summary>The agent's side of port-forward: the WebSocket's bytes to and from a TCP connection to the "pod".</summary>
    private async Task FakeAgentPortForwardAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, PodPort);
        Interlocked.Increment(ref _agentConnectionsOpen);
        try
        {
            var ct = context.RequestAborted;
            var network = tcp.GetStream();
            var toPod = Task.Run(async () =>
            {
                var buffer = new byte[32 * 1024];
                while (true)
                {
                    var result = await socket.ReceiveAsync(buffer, ct);
                    if (result.MessageType == WebSocketMessageType.Close)
                        break;
                    await network.WriteAsync(buffer.AsMemory(0, result.Count), ct);
                }
                tcp.Client.Shutdown(SocketShutdown.Send);
            }, ct);
            var fromPod = new byte[32 * 1024];
            while (true)
            {
                var read = await network.ReadAsync(fromPod, ct);
                if (read == 0)
                    break;
                await socket.SendAsync(fromPod.AsMemory(0, read), WebSocketMessageType.Binary, true, ct);
            }
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
            try { await toPod; } catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException) { }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException) { }
        finally
        {
            Interlocked.Decrement(ref _agentConnectionsOpen);
        }
    }

    private static async Task DrainUntilCloseAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.CloseSent)
                if ((await socket.ReceiveAsync(buffer, ct)).MessageType == WebSocketMessageType.Close)
                    break;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
    }

    /// <summary>
    /// Starts kubectl against this server (no kubeconfig of the machine's, a private discovery cache). For debugging,
    /// SPDY_TESTS_KUBECTL_ARGS adds arguments (e.g. -v=8 shows the upgrade's headers in the failure message).
    /// </summary>
    public Kubectl Start(string version, string arguments, bool redirectStdin = false)
    {
        var info = new ProcessStartInfo($"/usr/lib/google-cloud-sdk/bin/kubectl.{version}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
        };
        info.Environment["KUBECONFIG"] = Path.Combine(_directory, "no-kubeconfig");
        info.Environment["HOME"] = _directory;
        foreach (var argument in $"--server=http://127.0.0.1:{ApiPort} --token=x --cache-dir={_directory}/cache --namespace=default --request-timeout=60s {Environment.GetEnvironmentVariable("SPDY_TESTS_KUBECTL_ARGS")} {arguments}".Split(' ', StringSplitOptions.RemoveEmptyEntries))
            info.ArgumentList.Add(argument);
        return new Kubectl(Process.Start(info)!);
    }

    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>A running kubectl whose output is collected as it comes; killed (with its children) on disposal.</summary>
public sealed class Kubectl : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _reading;

    public Kubectl(Process process)
    {
        Process = process;
        _reading = Task.WhenAll(Collect(process.StandardOutput, _stdout), Collect(process.StandardError, _stderr));
    }

    public Process Process { get; }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    private static async Task Collect(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
            lock (into) into.Append(buffer, 0, read);
    }

    /// <summary>Waits for kubectl to exit by itself (killing it after <paramref name="timeout"/>) and for all its output.</summary>
    public async Task<int> ExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl did not exit within {timeout}; stdout: {Stdout}; stderr: {Stderr}");
        }
        await _reading;
        return Process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
                Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        Process.Dispose();
    }
}
