using System.Net;

namespace OrleansOrchestrator.Silo.Tests.Api.Streaming;

/// <summary>
/// The real kubectl 1.29 (exec and port-forward over SPDY/3.1) and 1.32 (port-forward as SPDY inside a WebSocket)
/// against <see cref="KubectlStreamingServer"/>: what a user sees — output, exit codes, forwarded connections, errors.
/// </summary>
public sealed class KubectlSpdyTests : IAsyncLifetime
{
    private static readonly TimeSpan KubectlTimeout = TimeSpan.FromSeconds(60);
    private KubectlStreamingServer _server = null!;

    public async Task InitializeAsync() => _server = await KubectlStreamingServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Exec_with_kubectl_1_29_prints_stdout_and_stderr_and_exits_with_the_commands_code()
    {
        using var kubectl = _server.Start("1.29", "exec p -- cmd arg");
        var exitCode = await kubectl.ExitAsync(KubectlTimeout);

        Assert.True(kubectl.Stdout == "out: cmd arg\n", $"stdout: {kubectl.Stdout}; stderr: {kubectl.Stderr}");
        Assert.Contains("err\n", kubectl.Stderr);
        Assert.Contains("command terminated with exit code 3", kubectl.Stderr);
        Assert.Equal(3, exitCode);
    }

    [Theory]
    [InlineData(2_000)]
    [InlineData(400_000)] // ~5 MB, several times a stream's buffer (the exec reader waits for a slow stdin consumer rather than drop data)
    public async Task Exec_with_kubectl_1_29_carries_piped_stdin_and_ends_when_it_ends(int lines)
    {
        using var kubectl = _server.Start("1.29", "exec -i p -- cat", redirectStdin: true);
        var text = string.Concat(Enumerable.Range(0, lines).Select(i => $"line {i}\n"));
        await kubectl.Process.StandardInput.WriteAsync(text);
        kubectl.Process.StandardInput.Close();
        var exitCode = await kubectl.ExitAsync(KubectlTimeout);

        Assert.True(text == kubectl.Stdout, $"stdout of {kubectl.Stdout.Length} chars, {text.Length} sent; stderr: {kubectl.Stderr}");
        Assert.Equal(0, exitCode);
    }

    [Theory]
    [InlineData("1.29", 200)]
    [InlineData("1.32", 200)]
    public async Task Port_forward_carries_many_concurrent_connections(string version, int connections)
    {
        var localPort = KubectlStreamingServer.FreePort();
        using var kubectl = _server.Start(version, $"port-forward pod/p {localPort}:8080 --address=127.0.0.1");
        await Eventually.True(() => kubectl.Stdout.Contains($"Forwarding from 127.0.0.1:{localPort}"), $"kubectl {version} to listen; stderr: {kubectl.Stderr}");

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.Zero })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        var responses = await Task.WhenAll(Enumerable.Range(0, connections).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{localPort}/request/{i}");
            request.Headers.ConnectionClose = true; // one forwarded connection per request
            using var response = await http.SendAsync(request);
            return (i, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(responses, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal($"hello from the pod: /request/{r.i}", r.Body);
        });
        if (version == "1.32")
            Assert.True(_server.Tunnels > 0, "kubectl 1.32 used the WebSocket tunnel");
        else
            Assert.True(_server.SpdyPortForwards > 0, "kubectl 1.29 used the SPDY upgrade");
        Assert.False(kubectl.Process.HasExited, $"kubectl still forwarding; stderr: {kubectl.Stderr}");
    }

    [Theory]
    [InlineData("1.29")]
    [InlineData("1.32")]
    public async Task Port_forward_to_a_port_that_cannot_be_opened_shows_why(string version)
    {
        var localPort = KubectlStreamingServer.FreePort();
        using var kubectl = _server.Start(version, $"port-forward pod/p {localPort}:{KubectlStreamingServer.FailingPort} --address=127.0.0.1");
        await Eventually.True(() => kubectl.Stdout.Contains($"Forwarding from 127.0.0.1:{localPort}"), $"kubectl {version} to listen; stderr: {kubectl.Stderr}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await Assert.ThrowsAnyAsync<Exception>(() => http.GetStringAsync($"http://127.0.0.1:{localPort}/"));

        await Eventually.True(() => kubectl.Stderr.Contains(KubectlStreamingServer.FailingPortMessage), $"kubectl {version} to print the error; stderr: {kubectl.Stderr}");
    }

    [Fact]
    public async Task An_upgrade_without_a_common_protocol_is_refused_as_kubernetes_refuses_it()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{_server.ApiPort}/api/v1/namespaces/default/pods/p/exec?command=cmd&stdout=true");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("SPDY", "3.1"));
        request.Headers.Add("X-Stream-Protocol-Version", ["v9.channel.k8s.io", "channel.k8s.io"]);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            "unable to upgrade: unable to negotiate protocol: client supports [v9.channel.k8s.io channel.k8s.io], server supports [v4.channel.k8s.io v3.channel.k8s.io v2.channel.k8s.io]",
            await response.Content.ReadAsStringAsync());
        Assert.Contains("v4.channel.k8s.io", response.Headers.GetValues("X-Accepted-Stream-Protocol-Versions"));
    }

    [Fact]
    public async Task Agent_connections_are_closed_when_kubectl_goes_away()
    {
        var localPort = KubectlStreamingServer.FreePort();
        var kubectl = _server.Start("1.29", $"port-forward pod/p {localPort}:8080 --address=127.0.0.1");
        await Eventually.True(() => kubectl.Stdout.Contains($"Forwarding from 127.0.0.1:{localPort}"), $"kubectl to listen; stderr: {kubectl.Stderr}");
        // Connections that stay open (the pod has not answered yet: the request is incomplete).
        var clients = new List<System.Net.Sockets.TcpClient>();
        for (var i = 0; i < 5; i++)
        {
            var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, localPort);
            await client.GetStream().WriteAsync("GET / HTTP/1.1\r\n"u8.ToArray());
            clients.Add(client);
        }
        await Eventually.True(() => _server.AgentConnectionsOpen == 5, "five agent connections");

        kubectl.Dispose(); // killed: the SPDY connection drops without a goodbye

        await Eventually.True(() => _server.AgentConnectionsOpen == 0, "the agent connections to close");
        foreach (var client in clients)
            client.Dispose();
    }
}
