using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansOrchestrator.Agents.Networking.Dns;

/// <summary>What the cluster DNS server listens on and where it forwards.</summary>
public sealed record ClusterDnsOptions
{
    /// <summary>The port on every tenant gateway (UDP and TCP); 0: a free one is chosen at start.</summary>
    public int Port { get; init; }

    /// <summary>Where names outside the cluster domain go (default: the host's resolv.conf).</summary>
    public IReadOnlyList<IPEndPoint>? Upstreams { get; init; }

    /// <summary>How long one forwarded question may take, over all upstream servers, before the pod gets SERVFAIL.</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Forwarded questions in flight at once (CoreDNS' <c>max_concurrent</c> in Kubernetes' deployment).</summary>
    public int MaxConcurrentForwards { get; init; } = 1000;

    /// <summary>How often listeners that could not bind (the port taken on a new gateway) are tried again.</summary>
    public TimeSpan RebindInterval { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The cluster DNS of this node: one server per tenant network, on that network's gateway address and the
/// agent's one DNS port, UDP and TCP. The socket a question arrives on says which tenant asks (the proxy
/// sends a pod's <c>DnsIp:53</c> to its own network's gateway), and only addresses of that network may ask
/// on it — so a pod cannot read another tenant's names by sending to that tenant's gateway directly.
/// Answers come from <see cref="ClusterDnsZone"/>; other names are forwarded upstream.
/// </summary>
/// <remarks>
/// Built on ARSoft.Tools.Net's <see cref="DnsServer"/> rather than a socket loop of our own: the library
/// parses and encodes messages (its encoder is not public, so a loop of our own would have to write the
/// wire format again), truncates UDP answers and sets TC, frames TCP, and drops a packet it cannot parse.
/// Its query event does not say on which local address a question came, hence one server per gateway.
/// </remarks>
public sealed partial class ClusterDnsServer : IAsyncDisposable
{
    private readonly IServiceRoutes _routes;
    private readonly ITenantNetworks _networks;
    private readonly ClusterDnsOptions _options;
    private readonly ILogger _logger;
    private readonly UpstreamForwarder _upstream;
    private readonly Dictionary<string, Listener> _listeners = new(StringComparer.Ordinal);
    private readonly Lock _listenersLock = new();
    private readonly Lock _zoneLock = new();
    private readonly CancellationTokenSource _stopping = new();
    /// <summary>The zone and the count of route changes it includes; replaced whole, so readers never see a half.</summary>
    private BuiltZone _zone;
    private long _changes = 1;
    private uint _serial = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private Timer? _rebind;
    private bool _started;
    private bool _disposed;

    public ClusterDnsServer(IServiceRoutes routes, ITenantNetworks networks, ClusterDnsOptions options, ILogger<ClusterDnsServer>? logger = null)
    {
        _routes = routes;
        _networks = networks;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Port = options.Port > 0 ? options.Port : FreePorts.PickBelowEphemeral();
        _upstream = new UpstreamForwarder(options.Upstreams ?? UpstreamServers.ForThisHost(), options.UpstreamTimeout, options.MaxConcurrentForwards);
        _zone = new BuiltZone(ClusterDnsZone.Build(null, complete: false, [], _serial), 0);
    }

    /// <summary>
    /// The one port (UDP and TCP) the server listens on, on every tenant network's gateway; fixed for the agent's
    /// life. The node's proxy sends pods' traffic for the cluster DNS address, port 53, to <c>Gateway:Port</c>.
    /// </summary>
    public int Port { get; }

    /// <summary>The upstream servers names outside the cluster domain go to.</summary>
    public IReadOnlyList<IPEndPoint> Upstreams => _upstream.Servers;

    /// <summary>The tenants whose gateway the server listens on now, with that address.</summary>
    public IReadOnlyDictionary<string, IPAddress> Listening
    {
        get
        {
            lock (_listenersLock) return _listeners.Where(l => l.Value.Server is not null).ToDictionary(l => l.Key, l => l.Value.Gateway);
        }
    }

    /// <summary>Starts listening on every known tenant network, and on new ones as they appear.</summary>
    public void Start()
    {
        lock (_listenersLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started) return;
            _started = true;
        }
        _routes.Changed += OnRoutesChanged;
        _networks.Changed += Reconcile;
        Reconcile();
        _rebind = new Timer(_ => Reconcile(), null, _options.RebindInterval, _options.RebindInterval);
        LogStarted(_logger, Port, UpstreamServers.Describe(_upstream.Servers));
    }

    public async ValueTask DisposeAsync()
    {
        List<Listener> listeners;
        lock (_listenersLock)
        {
            if (_disposed) return;
            _disposed = true;
            listeners = [.. _listeners.Values];
            _listeners.Clear();
        }
        _routes.Changed -= OnRoutesChanged;
        _networks.Changed -= Reconcile;
        if (_rebind is not null) await _rebind.DisposeAsync();
        await _stopping.CancelAsync();
        foreach (var listener in listeners) listener.Stop();
        _upstream.Dispose();
        _stopping.Dispose();
    }

    private void OnRoutesChanged() => Interlocked.Increment(ref _changes);

    private sealed record BuiltZone(ClusterDnsZone Zone, long Changes);

    /// <summary>
    /// The zone for the routes now, rebuilt on the first question after a change (changes coalesce). A question
    /// that arrives while another one rebuilds waits for the new zone: A and AAAA come in pairs, and answering one
    /// of them from the old zone (a Service just created missing) makes the resolver fail the name.
    /// </summary>
    internal ClusterDnsZone CurrentZone()
    {
        var built = Volatile.Read(ref _zone);
        if (built.Changes == Volatile.Read(ref _changes)) return built.Zone;
        lock (_zoneLock)
        {
            // Read before building, so that a change arriving during the build makes the next question rebuild.
            var changes = Volatile.Read(ref _changes);
            if (_zone.Changes != changes)
                Volatile.Write(ref _zone, new BuiltZone(ClusterDnsZone.Build(_routes.Network, _routes.Complete, _routes.Routes.Values, ++_serial), changes));
            return _zone.Zone;
        }
    }

    /// <summary>Listens on each known tenant network's gateway, stops where a network is gone or moved, retries failed binds.</summary>
    private void Reconcile()
    {
        try
        {
            lock (_listenersLock)
            {
                if (_disposed) return;
                var known = _networks.Known.GroupBy(n => n.Tenant, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
                foreach (var (tenant, listener) in _listeners.ToList())
                {
                    if (known.TryGetValue(tenant, out var network) && network == listener.Network && listener.Server is not null) continue;
                    listener.Stop();
                    _listeners.Remove(tenant);
                    LogStopped(_logger, tenant, listener.Network.Gateway, Port);
                }
                foreach (var (tenant, network) in known)
                {
                    if (_listeners.ContainsKey(tenant)) continue;
                    var listener = Listen(network);
                    if (listener is not null) _listeners[tenant] = listener;
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Runs from events and a timer: a fault here must not take the agent down; the next pass retries.
            LogReconcileFailed(_logger, e);
        }
    }

    private Listener? Listen(TenantNetwork network)
    {
        if (!IPAddress.TryParse(network.Gateway, out var gateway))
        {
            LogBadNetwork(_logger, network.Tenant, network.Gateway, network.Subnet);
            return null;
        }
        IPNetwork? subnet = IPNetwork.TryParse(network.Subnet, out var parsed) ? parsed : null;
        var endpoint = new IPEndPoint(gateway, Port);
        var server = new DnsServer(new UdpServerTransport(endpoint), new TcpServerTransport(endpoint, timeout: 5000, keepAlive: 10000));
        var listener = new Listener(network, gateway, subnet);
        server.ClientConnected += (_, e) =>
        {
            // A datagram from elsewhere is dropped unanswered. A TCP connection is not refused here: the
            // library would then leave its socket open; its questions are answered REFUSED below instead.
            e.RefuseConnect = e.TransportProtocol == TransportProtocol.Udp && !listener.MayAsk(e.RemoteEndpoint.Address);
            return Task.CompletedTask;
        };
        server.QueryReceived += async (_, e) => e.Response = listener.MayAsk(e.RemoteEndpoint.Address)
            ? await Respond(network.Tenant, e.Query, _stopping.Token)
            : Refused(e.Query);
        server.ExceptionThrown += (_, e) =>
        {
            LogQueryFailed(_logger, network.Tenant, e.Exception);
            return Task.CompletedTask;
        };
        try
        {
            server.Start();
        }
        catch (SocketException e)
        {
            try
            {
                server.Stop();
            }
            catch (Exception stopping) when (stopping is SocketException or ObjectDisposedException or AggregateException)
            {
                // Half-bound transports are closed; nothing else to undo.
            }
            LogBindFailed(_logger, network.Tenant, endpoint.ToString(), e.SocketErrorCode.ToString());
            return null;
        }
        listener.Server = server;
        LogListening(_logger, network.Tenant, endpoint.ToString());
        return listener;
    }

    /// <summary>The reply to one message from a pod of <paramref name="tenant"/>.</summary>
    internal async Task<DnsMessageBase?> Respond(string tenant, DnsMessageBase message, CancellationToken cancellationToken)
    {
        if (message is not DnsMessage query)
        {
            // Dynamic updates and the like: not something a pod's resolver sends.
            return message is ARSoft.Tools.Net.Dns.DynamicUpdate.DnsUpdateMessage update
                ? WithCode(update.CreateResponseInstance(), ReturnCode.NotImplemented)
                : null;
        }
        var response = query.CreateResponseInstance();
        response.IsRecursionAllowed = true;
        if (!query.IsQuery || query.Questions.Count != 1) return WithCode(response, ReturnCode.FormatError);
        if (query.OperationCode != OperationCode.Query) return WithCode(response, ReturnCode.NotImplemented);

        var question = query.Questions[0];
        var answer = CurrentZone().Resolve(tenant, question);
        if (answer.Forward) return await Forward(response, question, query.IsCheckingDisabled, cancellationToken);

        response.ReturnCode = answer.Code;
        response.IsAuthoritiveAnswer = answer.Authoritative;
        response.AnswerRecords.AddRange(Rotated(answer.Answers));
        response.AuthorityRecords.AddRange(answer.Authority);
        response.AdditionalRecords.AddRange(answer.Additional);
        if (answer.ChaseName is { } target)
        {
            // An ExternalName Service: the CNAME is ours, the rest is the target's upstream answer.
            var (reply, failure) = await _upstream.Ask(new DnsQuestion(target, question.RecordType, question.RecordClass), query.IsCheckingDisabled, IsOwnEndpoint, cancellationToken);
            if (reply is null) return WithCode(query.CreateResponseInstance(), failure);
            response.IsAuthoritiveAnswer = false;
            response.ReturnCode = reply.ReturnCode;
            response.AnswerRecords.AddRange(reply.AnswerRecords);
        }
        return response;
    }

    private static DnsMessageBase? Refused(DnsMessageBase message) =>
        message is DnsMessage query ? WithCode(query.CreateResponseInstance(), ReturnCode.Refused) : null;

    private async Task<DnsMessage> Forward(DnsMessage response, DnsQuestion question, bool checkingDisabled, CancellationToken cancellationToken)
    {
        var (reply, failure) = await _upstream.Ask(question, checkingDisabled, IsOwnEndpoint, cancellationToken);
        if (reply is null) return WithCode(response, failure);
        response.ReturnCode = reply.ReturnCode;
        response.IsAuthenticData = reply.IsAuthenticData;
        response.AnswerRecords.AddRange(reply.AnswerRecords);
        response.AuthorityRecords.AddRange(reply.AuthorityRecords);
        // The upstream's OPT record describes its hop, not ours (ours is the response's own EDNS state).
        response.AdditionalRecords.AddRange(reply.AdditionalRecords.Where(r => r.RecordType is not (RecordType.Opt or RecordType.TSig)));
        return response;
    }

    /// <summary>
    /// An upstream equal to one of our own sockets would send the question back to us; so would the cluster's
    /// DNS address, which the proxy sends to us, should the host itself have been pointed at it.
    /// </summary>
    private bool IsOwnEndpoint(IPEndPoint server)
    {
        if (server.Port == 53 && IPAddress.TryParse(_routes.Network?.DnsIp, out var clusterDns) && clusterDns.Equals(server.Address)) return true;
        if (server.Port != Port) return false;
        lock (_listenersLock) return _listeners.Values.Any(l => l.Gateway.Equals(server.Address)) || IPAddress.Any.Equals(server.Address);
    }

    /// <summary>Address records of one name in a random rotation, as CoreDNS' <c>loadbalance</c> does, so that clients taking the first spread out.</summary>
    private static IEnumerable<DnsRecordBase> Rotated(IReadOnlyList<DnsRecordBase> answers)
    {
        if (answers.Count < 2 || !answers.All(a => a.RecordType is RecordType.A or RecordType.Aaaa)) return answers;
        var start = Random.Shared.Next(answers.Count);
        return answers.Skip(start).Concat(answers.Take(start));
    }

    private static T WithCode<T>(T message, ReturnCode code) where T : DnsMessageBase
    {
        message.ReturnCode = code;
        return message;
    }

    private sealed class Listener(TenantNetwork network, IPAddress gateway, IPNetwork? subnet)
    {
        public TenantNetwork Network { get; } = network;

        public IPAddress Gateway { get; } = gateway;

        public DnsServer? Server { get; set; }

        /// <summary>Only the tenant's own network (its pods, and the host on its gateway) asks on its socket.</summary>
        public bool MayAsk(IPAddress source)
        {
            if (source.IsIPv4MappedToIPv6) source = source.MapToIPv4();
            return subnet is { } range ? range.Contains(source) : source.Equals(Gateway);
        }

        public void Stop()
        {
            try
            {
                Server?.Stop();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or AggregateException)
            {
                // A server that failed half-way has nothing more to close.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster DNS on port {Port} of each tenant network's gateway; other names go to {Upstreams}")]
    private static partial void LogStarted(ILogger logger, int port, string upstreams);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster DNS answers tenant {Tenant} on {Endpoint}")]
    private static partial void LogListening(ILogger logger, string tenant, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster DNS stopped for tenant {Tenant} on {Gateway}:{Port}")]
    private static partial void LogStopped(ILogger logger, string tenant, string gateway, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster DNS cannot listen for tenant {Tenant} on {Endpoint} ({Error}); retrying")]
    private static partial void LogBindFailed(ILogger logger, string tenant, string endpoint, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {Tenant}'s network has no usable gateway ({Gateway}, {Subnet}); no cluster DNS for it")]
    private static partial void LogBadNetwork(ILogger logger, string tenant, string gateway, string subnet);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster DNS listeners could not be reconciled; retrying")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cluster DNS dropped a message for tenant {Tenant}")]
    private static partial void LogQueryFailed(ILogger logger, string tenant, Exception exception);
}
