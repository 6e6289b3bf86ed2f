using System.Net.Sockets;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Agents.Pods;

/// <summary>Runs one probe once: exec in the container, an HTTP GET or a TCP connect to the pod's address.</summary>
public sealed class Prober(IContainerRuntime runtime)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });

    public async Task<bool> Run(Probe probe, Container container, string containerId, string? podIp, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            if (probe.Exec?.Command is { Count: > 0 } command)
                return (await runtime.Exec(containerId, command, timeout, cancellationToken)).ExitCode == 0;

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            if (probe.HttpGet is { } http)
            {
                var host = http.Host ?? podIp ?? "127.0.0.1";
                var path = http.Path is { Length: > 0 } p ? p : "/";
                var scheme = (http.Scheme ?? "HTTP").ToLowerInvariant();
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{scheme}://{host}:{Port(http.Port, container)}{(path.StartsWith('/') ? path : "/" + path)}");
                foreach (var header in http.HttpHeaders ?? []) request.Headers.TryAddWithoutValidation(header.Name, header.Value);
                using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                return (int)response.StatusCode is >= 200 and < 400;
            }
            if (probe.TcpSocket is { } tcp)
            {
                using var client = new TcpClient();
                await client.ConnectAsync(tcp.Host ?? podIp ?? "127.0.0.1", Port(tcp.Port, container), deadline.Token);
                return true;
            }
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    /// <summary>A probe port is a number or the name of one of the container's ports.</summary>
    private static int Port(IntOrString port, Container container) =>
        port.IsInt ? port.IntValue ?? 0 : container.Ports?.FirstOrDefault(p => p.Name == port.StringValue)?.Number ?? 0;
}
