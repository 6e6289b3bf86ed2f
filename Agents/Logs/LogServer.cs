using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansOrchestrator.Agents.Runtime;

namespace OrleansOrchestrator.Agents.Logs;

/// <summary>
/// The agent's HTTP endpoint for container logs, which the API server proxies for <c>kubectl logs</c> (as
/// it proxies a kubelet's): <c>GET /containerLogs/{node}/{podUid}/{container}?follow=&amp;tailLines=&amp;previous=</c>,
/// with the node's secret as bearer token. Streams the engine's output as it comes.
/// </summary>
public sealed partial class LogServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, IContainerRuntime> _nodes = new(StringComparer.Ordinal);
    private readonly string _token;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public LogServer(string address, string token, ILogger logger)
    {
        Port = FreeTcpPort(address);
        BaseUrl = $"http://{address}:{Port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _token = token;
        _logger = logger;
    }

    public int Port { get; }
    public string BaseUrl { get; }

    public void AddNode(string node, IContainerRuntime runtime)
    {
        lock (_nodes) _nodes[node] = runtime;
    }

    public void Start()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { break; }
            _ = Task.Run(() => Serve(context));
        }
    }

    private async Task Serve(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            if (context.Request.Headers["Authorization"] != $"Bearer {_token}")
            {
                response.StatusCode = 401;
                return;
            }
            var parts = context.Request.Url!.AbsolutePath.Trim('/').Split('/');
            IContainerRuntime? runtime = null;
            if (parts is ["containerLogs", var node, _, _]) lock (_nodes) runtime = _nodes.GetValueOrDefault(node);
            if (runtime is null)
            {
                response.StatusCode = 404;
                return;
            }
            var (uid, name) = (parts[2], parts[3]);
            var query = context.Request.QueryString;
            var previous = query["previous"] == "true";
            var attempts = (await runtime.ListContainers(_stop.Token))
                .Where(c => c.Pod.Uid == uid && c.Name == name).OrderByDescending(c => c.Attempt).ToList();
            var container = previous ? attempts.Skip(1).FirstOrDefault() : attempts.FirstOrDefault();
            if (container is null)
            {
                await Text(response, 400, previous
                    ? $"previous terminated container \"{name}\" not found"
                    : $"container \"{name}\" is not running yet");
                return;
            }
            int? tail = int.TryParse(query["tailLines"], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;
            var follow = query["follow"] == "true" && !previous && container.State == ContainerRunState.Running;
            response.ContentType = "text/plain";
            response.SendChunked = true;
            await using var logs = await runtime.Logs(container.Id, follow, tail, _stop.Token);
            var buffer = new byte[8192];
            int read;
            while ((read = await logs.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await response.OutputStream.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                await response.OutputStream.FlushAsync(_stop.Token);
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException)
        {
            // The reader went away (kubectl logs -f interrupted) or the agent is stopping.
        }
        catch (Exception e)
        {
            LogServeFailed(_logger, e, context.Request.Url?.AbsolutePath);
            response.StatusCode = 500;
        }
        finally
        {
            try { response.Close(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { }
        }
    }

    private static async Task Text(HttpListenerResponse response, int code, string text)
    {
        response.StatusCode = code;
        response.ContentType = "text/plain";
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        await response.OutputStream.WriteAsync(bytes);
    }

    /// <summary>HttpListener cannot pick a port itself; the OS lends us a free one for a moment.</summary>
    private static int FreeTcpPort(string address)
    {
        using var probe = new TcpListener(IPAddress.Parse(address), 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        if (_loop is not null) await _loop;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Serving logs for {Path} failed")]
    private static partial void LogServeFailed(ILogger logger, Exception exception, string? path);
}
