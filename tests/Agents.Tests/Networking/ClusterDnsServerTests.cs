using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using OrleansOrchestrator.Agents.Networking.Dns;
using OrleansOrchestrator.Contracts.Networking;
using Xunit.Abstractions;
using static OrleansOrchestrator.Agents.Tests.Networking.DnsTestRoutes;

namespace OrleansOrchestrator.Agents.Tests.Networking;

/// <summary>
/// The cluster DNS over real sockets, on loopback only: tenant networks whose gateway is a 127.x address,
/// and as "upstream" a second instance of the server (owning another domain), never the internet.
/// </summary>
public sealed class ClusterDnsServerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<ClusterDnsServer> _servers = [];
    private readonly List<IDisposable> _disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        foreach (var disposable in _disposables) disposable.Dispose();
    }

    /// <summary>A server for tenant "a" on 127.0.0.1 whose upstream is another instance serving <c>upstream.test</c>.</summary>
    private async Task<(ClusterDnsServer Server, FakeServiceRoutes Routes, FakeTenantNetworks Networks)> StartWithUpstream(TimeSpan? upstreamTimeout = null)
    {
        var upstreamRoutes = new FakeServiceRoutes(new ClusterNetwork { ClusterDomain = "upstream.test" },
            ClusterIP("up", "default", "web", "192.0.2.80", Port("http", 80)));
        var upstream = Start(upstreamRoutes, new FakeTenantNetworks(FakeTenantNetworks.Loopback("up")), []);
        await WaitListening(upstream, "up");

        var routes = new FakeServiceRoutes(new ClusterNetwork(),
            ClusterIP("a", "default", "web", "10.96.0.20", Port("http", 80)),
            Headless("a", "default", "db", [Port("pg", 5432)],
                Endpoint("10.1.0.5", true, "db-0", ("pg", 5432)), Endpoint("10.1.0.6", true, "db-1", ("pg", 5432))),
            External("a", "default", "partner", "web.default.svc.upstream.test"),
            ClusterIP("b", "default", "private", "10.96.0.40", Port("http", 80)));
        var networks = new FakeTenantNetworks(FakeTenantNetworks.Loopback("a"));
        var server = Start(routes, networks, [new IPEndPoint(IPAddress.Loopback, upstream.Port)], upstreamTimeout);
        await WaitListening(server, "a");
        return (server, routes, networks);
    }

    private ClusterDnsServer Start(FakeServiceRoutes routes, FakeTenantNetworks networks, IReadOnlyList<IPEndPoint> upstreams, TimeSpan? upstreamTimeout = null)
    {
        var server = new ClusterDnsServer(routes, networks, new ClusterDnsOptions
        {
            Upstreams = upstreams,
            UpstreamTimeout = upstreamTimeout ?? TimeSpan.FromSeconds(2),
            RebindInterval = TimeSpan.FromMilliseconds(200),
        });
        _servers.Add(server);
        server.Start();
        return server;
    }

    private static Task WaitListening(ClusterDnsServer server, string tenant) =>
        Eventually.True(() => server.Listening.ContainsKey(tenant), $"the DNS server listening for tenant {tenant}");

    private (DnsClient Client, int TimeoutMs) Client(int port, bool tcp = false, string address = "127.0.0.1", int timeoutMs = 3000)
    {
        IClientTransport transport = tcp ? new TcpClientTransport(port) : new UdpClientTransport(port);
        var client = new DnsClient([IPAddress.Parse(address)], [transport], true, timeoutMs);
        _disposables.Add(client);
        return (client, timeoutMs);
    }

    /// <summary>
    /// One question, asked up to <paramref name="attempts"/> times as a stub resolver does (this machine is
    /// shared and can be slow); null when no answer came. The library's TCP transport waits forever without a
    /// token, hence the deadline of our own.
    /// </summary>
    private static async Task<DnsMessage?> Query((DnsClient Client, int TimeoutMs) client, string name, RecordType type, int attempts = 3)
    {
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            using var deadline = new CancellationTokenSource(client.TimeoutMs);
            try
            {
                if (await client.Client.ResolveAsync(DomainName.Parse(name), type, RecordClass.INet, null, deadline.Token).WaitAsync(deadline.Token) is { } reply)
                {
                    return reply;
                }
            }
            catch (OperationCanceledException)
            {
                // No answer in time: ask again.
            }
        }
        return null;
    }

    [Fact]
    public async Task Answers_service_srv_and_missing_names_over_udp()
    {
        var (server, _, _) = await StartWithUpstream();
        var client = Client(server.Port);

        var a = await Query(client, "web.default.svc.cluster.local", RecordType.A);
        Assert.NotNull(a);
        Assert.Equal(ReturnCode.NoError, a.ReturnCode);
        Assert.True(a.IsAuthoritiveAnswer);
        Assert.Equal("10.96.0.20", Assert.IsType<ARecord>(Assert.Single(a.AnswerRecords)).Address.ToString());

        var srv = await Query(client, "_pg._tcp.db.default.svc.cluster.local", RecordType.Srv);
        Assert.NotNull(srv);
        Assert.Equal(
            ["db-0.db.default.svc.cluster.local:5432", "db-1.db.default.svc.cluster.local:5432"],
            srv.AnswerRecords.Cast<SrvRecord>().Select(r => $"{r.Target.ToString(false)}:{r.Port}").Order());
        Assert.Equal(2, srv.AdditionalRecords.OfType<ARecord>().Count());

        var headless = await Query(client, "db.default.svc.cluster.local", RecordType.A);
        Assert.Equal(["10.1.0.5", "10.1.0.6"], headless!.AnswerRecords.Cast<ARecord>().Select(r => r.Address.ToString()).Order());

        var missing = await Query(client, "nothing.default.svc.cluster.local", RecordType.A);
        Assert.NotNull(missing);
        Assert.Equal(ReturnCode.NxDomain, missing.ReturnCode);
        Assert.IsType<SoaRecord>(Assert.Single(missing.AuthorityRecords));

        var otherTenant = await Query(client, "private.default.svc.cluster.local", RecordType.A);
        Assert.Equal(ReturnCode.NxDomain, otherTenant!.ReturnCode);
    }

    [Fact]
    public async Task Answers_over_tcp()
    {
        var (server, _, _) = await StartWithUpstream();

        var a = await Query(Client(server.Port, tcp: true), "web.default.svc.cluster.local", RecordType.A);

        Assert.NotNull(a);
        Assert.Equal("10.96.0.20", Assert.IsType<ARecord>(Assert.Single(a.AnswerRecords)).Address.ToString());
    }

    [Fact]
    public async Task Forwards_other_names_upstream_and_follows_an_external_name_there()
    {
        var (server, _, _) = await StartWithUpstream();
        var client = Client(server.Port);

        var forwarded = await Query(client, "web.default.svc.upstream.test", RecordType.A);
        Assert.NotNull(forwarded);
        Assert.Equal(ReturnCode.NoError, forwarded.ReturnCode);
        Assert.False(forwarded.IsAuthoritiveAnswer);
        Assert.True(forwarded.IsRecursionAllowed);
        Assert.Equal("192.0.2.80", Assert.IsType<ARecord>(Assert.Single(forwarded.AnswerRecords)).Address.ToString());

        var missingUpstream = await Query(client, "nothing.default.svc.upstream.test", RecordType.A);
        Assert.Equal(ReturnCode.NxDomain, missingUpstream!.ReturnCode);

        var external = await Query(client, "partner.default.svc.cluster.local", RecordType.A);
        Assert.NotNull(external);
        Assert.Equal(ReturnCode.NoError, external.ReturnCode);
        Assert.Equal("web.default.svc.upstream.test", Assert.IsType<CNameRecord>(external.AnswerRecords[0]).CanonicalName.ToString(false));
        Assert.Equal("192.0.2.80", Assert.IsType<ARecord>(external.AnswerRecords[1]).Address.ToString());
    }

    [Fact]
    public async Task A_large_upstream_answer_arrives_whole_over_tcp_after_a_truncated_udp_one()
    {
        var endpoints = Enumerable.Range(1, 200).Select(i => Endpoint($"192.0.2.{i}", true, null, ("http", 80))).ToArray();
        var upstream = Start(new FakeServiceRoutes(new ClusterNetwork { ClusterDomain = "upstream.test" },
            Headless("up", "default", "many", [Port("http", 80)], endpoints)), new FakeTenantNetworks(FakeTenantNetworks.Loopback("up")), []);
        await WaitListening(upstream, "up");
        var server = Start(new FakeServiceRoutes(new ClusterNetwork()), new FakeTenantNetworks(FakeTenantNetworks.Loopback("a")),
            [new IPEndPoint(IPAddress.Loopback, upstream.Port)]);
        await WaitListening(server, "a");

        // 200 addresses do not fit the 1,232 bytes offered over UDP: the forwarder asks again over TCP, and so does our client.
        var reply = await Query(Client(server.Port, tcp: true), "many.default.svc.upstream.test", RecordType.A);

        Assert.NotNull(reply);
        Assert.Equal(200, reply.AnswerRecords.OfType<ARecord>().Select(r => r.Address).Distinct().Count());
    }

    [Fact]
    public async Task An_upstream_that_does_not_answer_gives_servfail_within_the_timeout()
    {
        // A socket that takes questions and never answers: the upstream is "down" without leaving this host.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var routes = new FakeServiceRoutes(new ClusterNetwork());
        var server = Start(routes, new FakeTenantNetworks(FakeTenantNetworks.Loopback("a")),
            [(IPEndPoint)silent.LocalEndPoint!], TimeSpan.FromMilliseconds(500));
        await WaitListening(server, "a");

        var watch = Stopwatch.StartNew();
        var reply = await Query(Client(server.Port, timeoutMs: 5000), "example.invalid", RecordType.A, attempts: 1);

        Assert.NotNull(reply);
        Assert.Equal(ReturnCode.ServerFailure, reply.ReturnCode);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.True(silent.Available > 0, "the question reached the upstream socket");
    }

    [Fact]
    public async Task New_routes_are_answered_and_withdrawn_ones_disappear()
    {
        var (server, routes, _) = await StartWithUpstream();
        var client = Client(server.Port);

        routes.Publish(ClusterIP("a", "default", "late", "10.96.0.99", Port("http", 80)));
        var late = await Query(client, "late.default.svc.cluster.local", RecordType.A);
        Assert.Equal("10.96.0.99", Assert.IsType<ARecord>(Assert.Single(late!.AnswerRecords)).Address.ToString());

        routes.Withdraw(ServiceRoute.RouteKey("a", "default", "web"));
        var gone = await Query(client, "web.default.svc.cluster.local", RecordType.A);
        Assert.Equal(ReturnCode.NxDomain, gone!.ReturnCode);
    }

    [Fact]
    public async Task Questions_arriving_together_after_a_change_all_see_the_new_route()
    {
        // A resolver asks A and AAAA at once; one answered from the zone before the change fails the name.
        var (server, routes, _) = await StartWithUpstream();
        // Enough routes that building the zone takes a while: the window where the old zone could be answered.
        for (var i = 0; i < 20_000; i++) routes.Publish(ClusterIP("a", "bulk", $"s{i}", $"10.97.{i / 250}.{i % 250 + 1}", Port("http", 80)));
        for (var round = 0; round < 20; round++)
        {
            routes.Publish(ClusterIP("a", "default", $"new-{round}", "10.96.0.99", Port("http", 80)));
            var name = $"new-{round}.default.svc.cluster.local";
            var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
                server.Respond("a", DnsMessage.Parse(Wire.Query((ushort)i, name, i % 2 == 0 ? RecordType.A : RecordType.Aaaa)), CancellationToken.None))));
            foreach (var reply in replies)
                Assert.Equal(ReturnCode.NoError, reply!.ReturnCode);
        }
    }

    [Fact]
    public async Task Each_tenant_network_gets_its_own_socket_which_answers_only_that_tenants_names()
    {
        var (server, _, networks) = await StartWithUpstream();

        networks.Add(FakeTenantNetworks.Loopback("b", gateway: "127.0.0.2"));
        await WaitListening(server, "b");
        var asB = Client(server.Port, address: "127.0.0.2");

        var own = await Query(asB, "private.default.svc.cluster.local", RecordType.A);
        Assert.Equal("10.96.0.40", Assert.IsType<ARecord>(Assert.Single(own!.AnswerRecords)).Address.ToString());
        var ofA = await Query(asB, "web.default.svc.cluster.local", RecordType.A);
        Assert.Equal(ReturnCode.NxDomain, ofA!.ReturnCode);

        networks.Remove("b");
        await Eventually.True(() => !server.Listening.ContainsKey("b"), "the listener of a removed network closed");
        Assert.Null(await Query(Client(server.Port, address: "127.0.0.2", timeoutMs: 300), "private.default.svc.cluster.local", RecordType.A, attempts: 1));
    }

    [Fact]
    public async Task Questions_from_outside_the_tenants_network_are_dropped_or_refused()
    {
        var routes = new FakeServiceRoutes(new ClusterNetwork(), ClusterIP("c", "default", "web", "10.96.0.20", Port("http", 80)));
        // The network's pods are 10.99/16; our client on 127.0.0.1 is not one of them.
        var server = Start(routes, new FakeTenantNetworks(FakeTenantNetworks.Loopback("c", gateway: "127.0.0.3", subnet: "10.99.0.0/16")), []);
        await WaitListening(server, "c");

        Assert.Null(await Query(Client(server.Port, address: "127.0.0.3", timeoutMs: 500), "web.default.svc.cluster.local", RecordType.A, attempts: 1));
        var overTcp = await Query(Client(server.Port, tcp: true, address: "127.0.0.3", timeoutMs: 2000), "web.default.svc.cluster.local", RecordType.A);
        Assert.Equal(ReturnCode.Refused, overTcp?.ReturnCode);
        Assert.Empty(overTcp!.AnswerRecords);
    }

    [Fact]
    public async Task A_stock_resolver_finds_services_through_the_server()
    {
        var (server, _, _) = await StartWithUpstream();
        var busybox = new ProcessStartInfo("busybox", ["nslookup", "-type=a", "web.default.svc.cluster.local", $"127.0.0.1:{server.Port}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };

        using var process = Process.Start(busybox)!;
        var text = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Contains("10.96.0.20", text);
    }

    [Fact]
    public async Task Thousands_of_malformed_packets_do_not_stop_the_server()
    {
        var (server, _, _) = await StartWithUpstream();
        var random = new Random(1234);
        var valid = Wire.Query(7, "web.default.svc.cluster.local", RecordType.A);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var target = new IPEndPoint(IPAddress.Loopback, server.Port);

        for (var i = 0; i < 3000; i++)
        {
            byte[] packet;
            if (i % 2 == 0)
            {
                packet = new byte[random.Next(0, 600)];
                random.NextBytes(packet);
            }
            else
            {
                // A valid question with a few bytes changed: gets past the header, into names and counts.
                packet = [.. valid];
                for (var flips = random.Next(1, 4); flips > 0; flips--) packet[random.Next(packet.Length)] = (byte)random.Next(256);
                if (random.Next(4) == 0) packet = packet[..random.Next(packet.Length)];
            }
            await socket.SendToAsync(packet, target);
        }
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
            var junk = new byte[300];
            random.NextBytes(junk);
            junk[0] = 0;
            junk[1] = 200;
            await tcp.GetStream().WriteAsync(junk);
        }

        // The flood is worked off first (each bad packet costs the library an exception); then it answers again.
        var client = Client(server.Port);
        var after = await Eventually.Value(() => Query(client, "web.default.svc.cluster.local", RecordType.A), "an answer after the flood", TimeSpan.FromSeconds(120));
        Assert.Equal("10.96.0.20", Assert.IsType<ARecord>(Assert.Single(after.AnswerRecords)).Address.ToString());
        var afterTcp = await Query(Client(server.Port, tcp: true), "web.default.svc.cluster.local", RecordType.A);
        Assert.NotNull(afterTcp);
    }

    [Fact]
    public async Task Every_parsable_mutation_of_a_question_gets_a_reply_and_never_an_exception()
    {
        var (server, _, _) = await StartWithUpstream(TimeSpan.FromMilliseconds(300));
        var random = new Random(99);
        string[] names = ["web.default.svc.cluster.local", "_pg._tcp.db.default.svc.cluster.local", "db-0.db.default.svc.cluster.local", "20.0.96.10.in-addr.arpa"];
        var parsed = 0;
        for (var i = 0; i < 5000; i++)
        {
            var packet = Wire.Query((ushort)i, names[i % names.Length], (RecordType)random.Next(0, 300));
            for (var flips = random.Next(0, 3); flips > 0; flips--) packet[random.Next(2, packet.Length)] ^= (byte)(1 << random.Next(8));
            DnsMessage message;
            try
            {
                message = DnsMessage.Parse(packet);
            }
            catch (Exception)
            {
                continue; // the library drops what it cannot parse before our code sees it
            }
            parsed++;
            using var soon = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var reply = await server.Respond("a", message, soon.Token);
            Assert.NotNull(reply);
        }
        Assert.True(parsed > 1000, $"only {parsed} mutations parsed");
    }

    [Fact]
    public async Task Measures_queries_per_second_on_loopback()
    {
        var (server, _, _) = await StartWithUpstream();
        var target = new IPEndPoint(IPAddress.Loopback, server.Port);
        const int Workers = 16;
        var duration = TimeSpan.FromSeconds(3);
        var answered = 0L;
        var deadline = DateTime.UtcNow + duration;

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async worker =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(target);
            var buffer = new byte[1500];
            ushort id = 0;
            while (DateTime.UtcNow < deadline)
            {
                var query = Wire.Query(++id, "web.default.svc.cluster.local", RecordType.A);
                await socket.SendAsync(query);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                try
                {
                    var received = await socket.ReceiveAsync(buffer, wait.Token);
                    if (received >= 12 && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id) Interlocked.Increment(ref answered);
                }
                catch (OperationCanceledException)
                {
                    // A lost datagram: count nothing and go on.
                }
            }
        }));

        var rate = answered / duration.TotalSeconds;
        output.WriteLine($"cluster DNS on loopback: {answered} answers in {duration.TotalSeconds:F0} s = {rate:F0} queries/s ({Workers} clients, one question in flight each)");
        Assert.True(rate > 500, $"only {rate:F0} queries/s");
    }

    [Fact]
    public async Task The_port_is_chosen_free_below_the_ephemeral_range_when_not_configured()
    {
        await using var server = new ClusterDnsServer(new FakeServiceRoutes(null), new FakeTenantNetworks(), new ClusterDnsOptions { Upstreams = [] });

        Assert.InRange(server.Port, 1024, 29999);
    }

    /// <summary>Hand-made DNS questions, for packets the client library would never send.</summary>
    private static class Wire
    {
        public static byte[] Query(ushort id, string name, RecordType type)
        {
            var bytes = new List<byte>();
            bytes.AddRange([(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
            foreach (var label in name.Split('.'))
            {
                bytes.Add((byte)label.Length);
                bytes.AddRange(Encoding.ASCII.GetBytes(label));
            }
            bytes.Add(0);
            bytes.AddRange([(byte)((int)type >> 8), (byte)type, 0, 1]);
            return [.. bytes];
        }
    }
}
