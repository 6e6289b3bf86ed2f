using System.Net;
using ARSoft.Tools.Net.Dns;

namespace OrleansOrchestrator.Agents.Networking.Dns;

/// <summary>
/// Asks the upstream servers a question the cluster DNS does not own. Each server in turn (UDP, then TCP
/// when the answer was truncated or UDP got nothing), within one overall deadline; at most
/// <c>maxConcurrent</c> questions in flight, so that a pod flooding names it cannot resolve costs the
/// agent a bounded number of sockets and tasks (further questions are refused at once, as CoreDNS'
/// <c>forward</c> does past <c>max_concurrent</c>).
/// </summary>
internal sealed class UpstreamForwarder : IDisposable
{
    private readonly IReadOnlyList<(IPEndPoint Server, DnsClient Client)> _servers;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _inFlight;

    public UpstreamForwarder(IEnumerable<IPEndPoint> servers, TimeSpan timeout, int maxConcurrent)
    {
        _timeout = timeout;
        _inFlight = new SemaphoreSlim(maxConcurrent, maxConcurrent);
        var perServerMs = (int)Math.Max(200, timeout.TotalMilliseconds / 2);
        _servers = [.. servers.Select(s => (s, new DnsClient([s.Address], [new UdpClientTransport(s.Port), new TcpClientTransport(s.Port)], true, perServerMs)))];
    }

    public IReadOnlyList<IPEndPoint> Servers => [.. _servers.Select(s => s.Server)];

    /// <summary>
    /// The upstream's reply, or a reply code of our own: SERVFAIL when no server answered in time, REFUSED
    /// when too many questions are already in flight. <paramref name="skip"/> says which servers must not be
    /// asked (our own listening endpoints: asking them would loop).
    /// </summary>
    public async Task<(DnsMessage? Reply, ReturnCode Failure)> Ask(DnsQuestion question, bool checkingDisabled, Func<IPEndPoint, bool> skip, CancellationToken cancellationToken)
    {
        if (!_inFlight.Wait(0)) return (null, ReturnCode.Refused);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_timeout);
            foreach (var (server, client) in _servers)
            {
                if (skip(server)) continue;
                var request = new DnsMessage { IsRecursionDesired = true, IsCheckingDisabled = checkingDisabled, IsEDnsEnabled = true };
                request.Questions.Add(question);
                DnsMessage? reply;
                try
                {
                    reply = await client.SendMessageAsync(request, deadline.Token).WaitAsync(deadline.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException or IOException)
                {
                    if (deadline.IsCancellationRequested) break;
                    continue;
                }
                if (reply is null) continue;
                if (reply.ReturnCode is ReturnCode.ServerFailure or ReturnCode.Refused) continue;
                return (reply, ReturnCode.NoError);
            }
            return (null, ReturnCode.ServerFailure);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public void Dispose()
    {
        foreach (var (_, client) in _servers) ((IDisposable)client).Dispose();
        _inFlight.Dispose();
    }
}
