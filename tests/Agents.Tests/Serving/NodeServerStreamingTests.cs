using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Runtime.Docker;
using OrleansOrchestrator.Agents.Runtime.Simulated;
using OrleansOrchestrator.Agents.Serving;
using OrleansOrchestrator.Agents.Tests.Runtime.Docker;
using OrleansOrchestrator.Contracts.Streaming;
using Xunit.Abstractions;
using ContainerSpec = OrleansOrchestrator.Agents.Runtime.ContainerSpec;

namespace OrleansOrchestrator.Agents.Tests.Serving;

/// <summary>
/// The node server's exec, attach and port-forward on the real Docker engine, driven by a real WebSocket client with
/// the node's token, as the API server drives it. Each test has its own node and cluster names and removes its
/// containers and networks afterwards.
/// </summary>
public sealed class NodeServerStreamingTests(DockerEngineFixture engine, ITestOutputHelper output) : IClassFixture<DockerEngineFixture>, IAsyncLifetime
{
    /// <summary>busybox with every applet (stty, dd, …), built once from /bin/busybox.</summary>
    private const string FullImage = "orleans-orchestrator-test/busybox-full:1";

    private const string Token = "test-token";
    private static readonly TimeSpan ConditionTimeout = TimeSpan.FromSeconds(20);

    private readonly string _cluster = $"agents-streams-{Guid.NewGuid():N}"[..23];
    private readonly string _node = $"stream-node-{Guid.NewGuid():N}"[..22];
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));
    private readonly List<NodeServer> _servers = [];
    private DockerRuntime _runtime = null!;
    private NodeServer _server = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        try
        {
            await engine.Docker.Images.InspectImageAsync(FullImage, Ct);
        }
        catch (Docker.DotNet.DockerImageNotFoundException)
        {
            var applets = (await RunHost(BusyboxImage.DefaultBusyboxPath, "--list")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            await BusyboxImage.Import(engine.Docker, FullImage, BusyboxImage.DefaultBusyboxPath, applets, ["""CMD ["/bin/sh"]"""], Ct);
        }

        _runtime = new DockerRuntime(_cluster, _node);
        _server = NewServer(new NodeServerOptions());
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        await engine.RemoveEverythingOf(_node);
        await engine.RemoveNetworksOf(_cluster);
        _runtime.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Exec_sends_stdout_and_stderr_on_their_channels_and_ends_with_the_exit_code()
    {
        var (pod, _) = await RunPod("exit-code", "sleep 600");

        using var socket = await Connect(AgentStreamPaths.Exec(_node, pod.Uid, Exec("app", ["sh", "-c", "echo out; echo err >&2; exit 3"], stdin: false)));
        var session = await ReadToEnd(socket);

        Assert.Equal(StreamChannels.V5, socket.SubProtocol);
        Assert.Equal("out\n", session.Stdout);
        Assert.Equal("err\n", session.Stderr);
        using var status = JsonDocument.Parse(session.Status!);
        Assert.Equal("Failure", status.RootElement.GetProperty("status").GetString());
        Assert.Equal("NonZeroExitCode", status.RootElement.GetProperty("reason").GetString());
        Assert.Equal("3", status.RootElement.GetProperty("details").GetProperty("causes")[0].GetProperty("message").GetString());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        Assert.Equal(1, session.StatusMessages);
    }

    [Fact]
    public async Task Stdin_reaches_the_command_and_closing_it_ends_cat()
    {
        var (pod, _) = await RunPod("stdin", "sleep 600");

        using var socket = await Connect(AgentStreamPaths.Exec(_node, pod.Uid, Exec("app", ["cat"], stdin: true)));
        await Send(socket, StreamChannels.Stdin, "hello\n"u8.ToArray());
        await Send(socket, StreamChannels.Stdin, "world\n"u8.ToArray());
        await Send(socket, StreamChannels.Close, [StreamChannels.Stdin]);
        var session = await ReadToEnd(socket);

        Assert.Equal("hello\nworld\n", session.Stdout);
        Assert.Equal(ExecStatus.Success(), session.Status);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
    }

    [Fact]
    public async Task A_terminal_takes_the_size_the_client_sends()
    {
        var (pod, _) = await RunPod("tty", "sleep 600");

        using var socket = await Connect(AgentStreamPaths.Exec(_node, pod.Uid, Exec("app", ["sh", "-c", "read go; stty size"], stdin: true, tty: true)));
        await Send(socket, StreamChannels.Resize, """{"Width":123,"Height":45}"""u8.ToArray());
        await Send(socket, StreamChannels.Stdin, "go\r"u8.ToArray());
        var session = await ReadToEnd(socket);

        Assert.Contains("45 123", session.Stdout);
        Assert.Equal("", session.Stderr); // one stream with a terminal
        Assert.Equal(ExecStatus.Success(), session.Status);
    }

    [Fact]
    public async Task Attach_reaches_an_interactive_containers_shell_and_detaching_leaves_it_running()
    {
        var (pod, id) = await RunPod("attach", script: null, stdin: true, tty: true);
        var attach = AgentStreamPaths.Attach(_node, pod.Uid, new ExecRequest("app", [], Stdin: true, Stdout: true, Stderr: false, Tty: true));

        using (var socket = await Connect(attach))
        {
            await Send(socket, StreamChannels.Resize, """{"Width":101,"Height":33}"""u8.ToArray());
            await Send(socket, StreamChannels.Stdin, "echo attached-$((6*7)); stty size\r"u8.ToArray());
            var seen = await ReadStdoutUntil(socket, text => text.Contains("attached-42") && text.Contains("33 101"));
            Assert.Contains("attached-42", seen);

            // Detach: the client closes; the server closes too, and the container lives on.
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Ct);
            Assert.Equal(WebSocketState.Closed, socket.State);
        }

        Assert.True((await engine.Docker.Containers.InspectContainerAsync(id, Ct)).State.Running);

        // The shell's end ends an attach with success and a normal close.
        using (var socket = await Connect(attach))
        {
            await Send(socket, StreamChannels.Stdin, "exit\r"u8.ToArray());
            var session = await ReadToEnd(socket);
            Assert.Equal(ExecStatus.Success(), session.Status);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        }
    }

    [Fact]
    public async Task Port_forward_reaches_a_server_that_listens_on_localhost_inside_the_pod()
    {
        var (pod, _) = await RunPod("forward", "mkdir -p /www && echo hello-from-the-pod > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www");
        var sandbox = Assert.Single(await _runtime.ListSandboxes(Ct));

        // From the host the server is out of reach: it listens on the pod's own loopback only.
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var direct = new TcpClient();
            await direct.ConnectAsync(IPAddress.Parse(sandbox.PodIp!), 8080, Ct);
        });

        var socket = await Eventually.Value(async () =>
        {
            try { return await Connect(AgentStreamPaths.PortForward(_node, pod.Uid, 8080), protocol: null); }
            catch (WebSocketException) { return null; } // httpd is not listening yet
        }, "httpd listens in the pod", ConditionTimeout);
        using (socket)
        {
            await socket.SendAsync("GET /index.html HTTP/1.0\r\n\r\n"u8.ToArray(), WebSocketMessageType.Binary, true, Ct);
            var answer = new MemoryStream();
            var buffer = new byte[4096];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, Ct);
                if (received.MessageType == WebSocketMessageType.Close) break;
                answer.Write(buffer, 0, received.Count);
            }

            var text = Encoding.UTF8.GetString(answer.ToArray());
            Assert.StartsWith("HTTP/1.", text);
            Assert.EndsWith("hello-from-the-pod\n", text);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        }
    }

    [Fact]
    public async Task A_client_that_closes_first_still_gets_the_pods_answer_to_its_end_of_file()
    {
        // wc answers only once its input ends: the client's close must reach it as a TCP half-close.
        var (pod, _) = await RunPod("half-close", "exec nc -l -p 9000 -e wc -c");

        var socket = await Eventually.Value(async () =>
        {
            try { return await Connect(AgentStreamPaths.PortForward(_node, pod.Uid, 9000), protocol: null); }
            catch (WebSocketException) { return null; }
        }, "nc listens in the pod", ConditionTimeout);
        using (socket)
        {
            await socket.SendAsync("12345"u8.ToArray(), WebSocketMessageType.Binary, true, Ct);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, Ct);
            var answer = new StringBuilder();
            var buffer = new byte[1024];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, Ct);
                if (received.MessageType == WebSocketMessageType.Close) break;
                answer.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
            }

            Assert.Equal("5", answer.ToString().Trim());
            Assert.Equal(WebSocketState.Closed, socket.State);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        }
    }

    [Fact]
    public async Task Port_forward_to_a_port_nobody_listens_on_is_a_502_before_the_upgrade()
    {
        var (pod, _) = await RunPod("refused", "sleep 600");

        var (status, message) = await Refusal(AgentStreamPaths.PortForward(_node, pod.Uid, 9999), protocol: null);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal($"error forwarding port 9999 to pod {pod.Uid}: dial tcp4 127.0.0.1:9999: connect: connection refused", message);
    }

    [Fact]
    public async Task An_unknown_container_or_pod_is_a_404_with_the_kubelets_words()
    {
        var (pod, _) = await RunPod("known", "sleep 600");

        var (status, message) = await Refusal(AgentStreamPaths.Exec(_node, pod.Uid, Exec("web", ["ls"], stdin: false)));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("container not found (\"web\")", message);

        (status, message) = await Refusal(AgentStreamPaths.Attach(_node, Guid.NewGuid().ToString(), new ExecRequest("app", [], true, true, false, true)));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("container not found (\"app\")", message);

        var unknownPod = Guid.NewGuid().ToString();
        (status, message) = await Refusal(AgentStreamPaths.PortForward(_node, unknownPod, 80), protocol: null);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal($"pod not found (\"{unknownPod}\")", message);
    }

    [Fact]
    public async Task A_dropped_exec_leaves_no_process_behind()
    {
        var (pod, id) = await RunPod("dropped", "sleep 600");

        // A shell that waits for its child: killing the shell alone would leave the sleep behind.
        var socket = await Connect(AgentStreamPaths.Exec(_node, pod.Uid, Exec("app", ["sh", "-c", "sleep 601; echo done"], stdin: true)));
        await Eventually.True(async () => (await Processes(id)).Any(p => p == "sleep 601"), "the exec'd sleep runs", ConditionTimeout);
        socket.Abort(); // the connection is gone without a close, as when kubectl is killed
        socket.Dispose();

        await Eventually.True(async () => !(await Processes(id)).Any(p => p.Contains("sleep 601")), "the exec'd sleep is gone", ConditionTimeout);
        Assert.Contains(await Processes(id), p => p.Contains("sleep 600")); // the container's own process is untouched
    }

    [Fact]
    public async Task An_idle_exec_is_closed_and_its_command_stopped()
    {
        var server = NewServer(new NodeServerOptions { IdleTimeout = TimeSpan.FromSeconds(1) });
        var (pod, id) = await RunPod("idle", "sleep 600");

        using var socket = await Connect(AgentStreamPaths.Exec(_node, pod.Uid, Exec("app", ["sleep", "601"], stdin: true)), server: server);
        var session = await ReadToEnd(socket);

        using var status = JsonDocument.Parse(session.Status!);
        Assert.Equal("Failure", status.RootElement.GetProperty("status").GetString());
        Assert.Contains("idle timeout", status.RootElement.GetProperty("message").GetString());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        await Eventually.True(async () => !(await Processes(id)).Any(p => p.Contains("sleep 601")), "the exec'd sleep is gone", ConditionTimeout);
    }

    [Fact]
    public async Task An_idle_forwarded_connection_is_closed()
    {
        var server = NewServer(new NodeServerOptions { IdleTimeout = TimeSpan.FromSeconds(1) });
        var (pod, _) = await RunPod("idle-forward", "exec nc -l -p 9000 -e sleep 600");

        var socket = await Eventually.Value(async () =>
        {
            try { return await Connect(AgentStreamPaths.PortForward(_node, pod.Uid, 9000), protocol: null, server: server); }
            catch (WebSocketException) { return null; }
        }, "nc listens in the pod", ConditionTimeout);
        using (socket)
        {
            var received = await socket.ReceiveAsync(new byte[16], Ct);

            Assert.Equal(WebSocketMessageType.Close, received.MessageType);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
            Assert.Equal("idle timeout", socket.CloseStatusDescription);
        }
    }

    [Fact]
    public async Task A_stopping_agent_tells_its_exec_clients_why_and_stops_their_commands()
    {
        var server = NewServer(new NodeServerOptions());
        var (pod, id) = await RunPod("stopping", "sleep 600");
        using var socket = await Connect(AgentStreamPaths.Exec(_node, pod.Uid, Exec("app", ["sleep", "601"], stdin: true)), server: server);
        await Eventually.True(async () => (await Processes(id)).Any(p => p.Contains("sleep 601")), "the exec'd sleep runs", ConditionTimeout);

        var reading = ReadToEnd(socket);
        await server.DisposeAsync();
        var session = await reading;

        using var status = JsonDocument.Parse(session.Status!);
        Assert.Equal("the node agent is stopping", status.RootElement.GetProperty("message").GetString());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        // Waited for by the server's disposal: gone already.
        Assert.DoesNotContain(await Processes(id), p => p.Contains("sleep 601"));
    }

    [Fact]
    public async Task A_v4_client_is_served_on_v4()
    {
        var (pod, _) = await RunPod("v4", "sleep 600");

        using var socket = await Connect(AgentStreamPaths.Exec(_node, pod.Uid, Exec("app", ["echo", "four"], stdin: false)), protocol: StreamChannels.V4);
        var session = await ReadToEnd(socket);

        Assert.Equal(StreamChannels.V4, socket.SubProtocol);
        Assert.Equal("four\n", session.Stdout);
        Assert.Equal(ExecStatus.Success(), session.Status);
    }

    [Fact]
    public async Task A_hundred_megabytes_through_exec_each_way_leave_the_agents_memory_flat()
    {
        const long Size = 100L << 20;
        var (pod, _) = await RunPod("memory", "sleep 600");
        var baselineHeap = GC.GetTotalMemory(forceFullCollection: true);
        var baselineWorkingSet = Process.GetCurrentProcess().WorkingSet64;
        var peakHeap = baselineHeap;
        using var sampling = new CancellationTokenSource();
        // A measurement every 50 ms until the copy is done, not a wait. What is held, not what was allocated: garbage
        // is collected first, or a busy test process's young generation (tens of MB) would read as buffering.
        var sampler = Task.Run(async () =>
        {
            using var every = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            do peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: true));
            while (!sampling.IsCancellationRequested && await every.WaitForNextTickAsync());
        });

        // In: 100 MB into `cat > /tmp/f`, a fixed 32 KB buffer at a time.
        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var socket = await Connect(AgentStreamPaths.Exec(_node, pod.Uid, Exec("app", ["sh", "-c", "cat > /tmp/f"], stdin: true))))
        {
            var message = new byte[1 + 32 * 1024];
            for (long offset = 0; offset < Size; offset += message.Length - 1)
            {
                message[0] = StreamChannels.Stdin;
                Fill(message.AsSpan(1), offset);
                sent.AppendData(message, 1, message.Length - 1);
                await socket.SendAsync(message, WebSocketMessageType.Binary, true, Ct);
            }

            await Send(socket, StreamChannels.Close, [StreamChannels.Stdin]);
            Assert.Equal(ExecStatus.Success(), (await ReadToEnd(socket)).Status);
        }

        // Out: the same bytes back from `cat /tmp/f`, counted and hashed as they come.
        using var received = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long receivedBytes = 0;
        using (var socket = await Connect(AgentStreamPaths.Exec(_node, pod.Uid, Exec("app", ["cat", "/tmp/f"], stdin: false))))
        {
            var buffer = new byte[64 * 1024];
            string? status = null;
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, Ct);
                if (result.MessageType == WebSocketMessageType.Close) break;
                Assert.True(result.EndOfMessage, "the agent sends each piece as one message no larger than its buffer");
                if (buffer[0] == StreamChannels.Stdout)
                {
                    received.AppendData(buffer, 1, result.Count - 1);
                    receivedBytes += result.Count - 1;
                }
                else if (buffer[0] == StreamChannels.Error) status = Encoding.UTF8.GetString(buffer, 1, result.Count - 1);
            }

            Assert.Equal(ExecStatus.Success(), status);
        }

        await sampling.CancelAsync();
        await sampler;
        Assert.Equal(Size, receivedBytes);
        Assert.Equal(sent.GetHashAndReset(), received.GetHashAndReset());
        var heapGrowth = peakHeap - baselineHeap;
        var workingSetGrowth = Process.GetCurrentProcess().WorkingSet64 - baselineWorkingSet;
        output.WriteLine($"streamed {Size >> 20} MB in and {receivedBytes >> 20} MB out; peak managed heap growth {heapGrowth / 1024.0 / 1024:0.0} MB, " +
            $"working set growth {workingSetGrowth / 1024.0 / 1024:0.0} MB (test process: client and server)");
        // Well under the stream's size: nothing is queued or gathered however fast one side writes.
        Assert.True(heapGrowth < 32L << 20, $"the managed heap grew by {heapGrowth >> 20} MB while 200 MB were streamed");
    }

    [Fact]
    public async Task Container_logs_are_still_served_and_the_token_is_checked()
    {
        var (pod, _) = await RunPod("logs", "echo logged-line; sleep 600");
        using var http = new HttpClient { BaseAddress = new Uri(_server.BaseUrl) };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"/containerLogs/{_node}/{pod.Uid}/app", Ct)).StatusCode);
        http.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        await Eventually.True(async () => await http.GetStringAsync($"/containerLogs/{_node}/{pod.Uid}/app", Ct) == "logged-line\n", "the logs are served", ConditionTimeout);
    }

    [Fact]
    public async Task A_simulated_node_refuses_exec_attach_and_port_forward_clearly()
    {
        _server.AddNode("sim-0000", new SimulatedRuntime("10.128.0"));

        Assert.Equal((HttpStatusCode.BadRequest, "exec is not supported by simulated nodes"),
            await Refusal(AgentStreamPaths.Exec("sim-0000", "uid", Exec("app", ["ls"], stdin: false))));
        Assert.Equal((HttpStatusCode.BadRequest, "attach is not supported by simulated nodes"),
            await Refusal(AgentStreamPaths.Attach("sim-0000", "uid", new ExecRequest("app", [], true, true, false, true))));
        Assert.Equal((HttpStatusCode.BadRequest, "port forwarding is not supported by simulated nodes"),
            await Refusal(AgentStreamPaths.PortForward("sim-0000", "uid", 80), protocol: null));
    }

    // ---------------------------------------------------------------- helpers

    private NodeServer NewServer(NodeServerOptions options)
    {
        var server = new NodeServer("127.0.0.1", Token, options, NullLogger.Instance);
        server.AddNode(_node, _runtime);
        server.Start();
        _servers.Add(server);
        return server;
    }

    /// <summary>A pod with one container "app": a shell running <paramref name="script"/>, or an interactive shell.</summary>
    private async Task<(PodRef Pod, string ContainerId)> RunPod(string name, string? script, bool stdin = false, bool tty = false)
    {
        var pod = new PodRef("tenant-a", "default", name, Guid.NewGuid().ToString());
        var sandbox = await _runtime.RunSandbox(new SandboxSpec(pod, [], name), Ct);
        var spec = new ContainerSpec(pod, "app", 0, FullImage, script is null ? ["sh"] : ["sh", "-c"], script is null ? null : [script],
            null, new Dictionary<string, string>(), [], null, null, Tty: tty, Stdin: stdin);
        var id = await _runtime.CreateContainer(spec, sandbox.Id, Ct);
        await _runtime.StartContainer(id, Ct);
        return (pod, id);
    }

    private static ExecRequest Exec(string container, string[] command, bool stdin, bool tty = false) =>
        new(container, command, Stdin: stdin, Stdout: true, Stderr: !tty, Tty: tty);

    private async Task<ClientWebSocket> Connect(string path, string? protocol = StreamChannels.V5, NodeServer? server = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {Token}");
        socket.Options.CollectHttpResponseDetails = true;
        if (protocol is not null) socket.Options.AddSubProtocol(protocol);
        try
        {
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{(server ?? _server).Port}{path}"), Ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The refusal of an upgrade as the API sees it: the status and the error header.</summary>
    private async Task<(HttpStatusCode Status, string? Message)> Refusal(string path, string? protocol = StreamChannels.V5)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {Token}");
        socket.Options.CollectHttpResponseDetails = true;
        if (protocol is not null) socket.Options.AddSubProtocol(protocol);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{_server.Port}{path}"), Ct));
        var message = socket.HttpResponseHeaders?.TryGetValue(AgentStreamPaths.ErrorHeader, out var values) == true ? values.Single() : null;
        return (socket.HttpStatusCode, message);
    }

    private Task Send(ClientWebSocket socket, byte channel, byte[] data) =>
        socket.SendAsync((byte[])[channel, .. data], WebSocketMessageType.Binary, endOfMessage: true, Ct);

    private sealed record Session(string Stdout, string Stderr, string? Status, int StatusMessages, WebSocketCloseStatus? CloseStatus);

    /// <summary>Every message until the server closes.</summary>
    private async Task<Session> ReadToEnd(ClientWebSocket socket)
    {
        var (stdout, stderr) = (new StringBuilder(), new StringBuilder());
        string? status = null;
        var statuses = 0;
        while (await ReceiveMessage(socket) is { } message)
        {
            var text = Encoding.UTF8.GetString(message.Data);
            switch (message.Channel)
            {
                case StreamChannels.Stdout: stdout.Append(text); break;
                case StreamChannels.Stderr: stderr.Append(text); break;
                case StreamChannels.Error: status = text; statuses++; break;
            }
        }

        return new Session(stdout.ToString(), stderr.ToString(), status, statuses, socket.CloseStatus);
    }

    private async Task<string> ReadStdoutUntil(ClientWebSocket socket, Func<string, bool> enough)
    {
        var stdout = new StringBuilder();
        while (!enough(stdout.ToString()))
        {
            var message = await ReceiveMessage(socket) ?? throw new Xunit.Sdk.XunitException($"closed before the output was complete: {stdout}");
            if (message.Channel == StreamChannels.Stdout) stdout.Append(Encoding.UTF8.GetString(message.Data));
        }

        return stdout.ToString();
    }

    private async Task<(byte Channel, byte[] Data)?> ReceiveMessage(ClientWebSocket socket)
    {
        var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, Ct);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived) await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, Ct);
                return null;
            }

            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                var bytes = message.ToArray();
                return (bytes[0], bytes[1..]);
            }
        }
    }

    /// <summary>The command lines of the container's processes, as <c>docker top</c> shows them.</summary>
    private async Task<IReadOnlyList<string>> Processes(string containerId)
    {
        var top = await engine.Docker.Containers.ListProcessesAsync(containerId, new ContainerListProcessesParameters(), Ct);
        var command = top.Titles.IndexOf("CMD");
        return top.Processes.Select(p => p[command]).ToList();
    }

    private static void Fill(Span<byte> bytes, long offset)
    {
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)((offset + i) * 31 >> 3);
    }

    private static async Task<string> RunHost(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text;
    }
}
