using System.Net;
using System.Net.Sockets;

namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A TCP load balancer in front of several silos' API ports, as docs/high-availability.md puts one: each connection goes
/// to the next backend in turn (one that refuses it is skipped), and bytes are copied both ways, so TLS passes through
/// and each silo presents the shared certificate itself.
/// </summary>
public sealed class TcpBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IReadOnlyList<int> _backendPorts;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly int[] _connections;
    private int _next;

    /// <param name="port">The balancer's own port (from <see cref="FreePort"/>, known before the silos that name it start).</param>
    public TcpBalancer(int port, params int[] backendPorts)
    {
        _backendPorts = backendPorts;
        _connections = new int[backendPorts.Length];
        Port = port;
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _accepting = Accept();
    }

    public int Port { get; }

    public string Url => UrlOf(Port);

    public static string UrlOf(int port) => $"https://127.0.0.1:{port}";

    /// <summary>How many connections each backend (in the constructor's order) was given.</summary>
    public IReadOnlyList<int> Connections => [.. _connections.Select((_, i) => Volatile.Read(ref _connections[i]))];

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            _ = Forward(client);
        }
    }

    private async Task Forward(TcpClient client)
    {
        using (client)
        {
            var first = Interlocked.Increment(ref _next);
            for (var attempt = 0; attempt < _backendPorts.Count; attempt++)
            {
                var index = (first + attempt) % _backendPorts.Count;
                using var backend = new TcpClient();
                try { await backend.ConnectAsync(IPAddress.Loopback, _backendPorts[index], _stop.Token); }
                catch (Exception e) when (e is SocketException or OperationCanceledException) { continue; }
                Interlocked.Increment(ref _connections[index]);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = Copy(client.GetStream(), backend.GetStream(), linked.Token);
                var down = Copy(backend.GetStream(), client.GetStream(), linked.Token);
                await Task.WhenAny(up, down);
                await linked.CancelAsync();
                return;
            }
        }
    }

    private static async Task Copy(Stream from, Stream to, CancellationToken cancellationToken)
    {
        try { await from.CopyToAsync(to, cancellationToken); }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
