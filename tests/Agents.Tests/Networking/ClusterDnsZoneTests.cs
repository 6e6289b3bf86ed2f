using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using OrleansOrchestrator.Agents.Networking.Dns;
using OrleansOrchestrator.Contracts.Networking;
using static OrleansOrchestrator.Agents.Tests.Networking.DnsTestRoutes;

namespace OrleansOrchestrator.Agents.Tests.Networking;

public class ClusterDnsZoneTests
{
    private static readonly ServiceRoute[] Routes =
    [
        ClusterIP("a", "default", "web", "10.96.0.20", Port("http", 80), Port("metrics", 9090), Port("dns", 53, "UDP")),
        ClusterIP("a", "default", "single", "10.96.0.21", Port("", 8080)),
        ClusterIP("a", "shop", "secret", "10.96.0.22", Port("http", 80)),
        Headless("a", "default", "db", [Port("pg", 5432)],
            Endpoint("10.1.0.5", ready: true, hostname: "db-0", ("pg", 5433)),
            Endpoint("10.1.0.6", ready: true, hostname: "db-1", ("pg", 5433)),
            Endpoint("10.1.0.7", ready: false, hostname: "db-2", ("pg", 5433)),
            Endpoint("10.1.0.8", ready: true, hostname: null, ("pg", 5433))),
        Headless("a", "default", "starting", [Port("http", 80)], Endpoint("10.1.0.9", ready: false, hostname: "s-0", ("http", 8080))),
        Headless("a", "default", "warm", [Port("http", 80)], Endpoint("10.1.0.10", ready: false, hostname: "w-0", ("http", 8080))) with { PublishNotReadyAddresses = true },
        External("a", "default", "search", "www.example.com"),
        External("a", "default", "alias", "web.default.svc.cluster.local"),
        External("a", "default", "loop", "loop.default.svc.cluster.local"),
        ClusterIP("b", "default", "web", "10.96.0.40", Port("http", 80)),
    ];

    private static readonly ClusterDnsZone Zone = ClusterDnsZone.Build(new ClusterNetwork(), complete: true, Routes, serial: 7);

    private static ClusterDnsAnswer Ask(string name, RecordType type, string tenant = "a", ClusterDnsZone? zone = null) =>
        (zone ?? Zone).Resolve(tenant, new DnsQuestion(DomainName.Parse(name), type, RecordClass.INet));

    private static string[] Addresses(ClusterDnsAnswer answer) =>
        [.. answer.Answers.Select(r => r switch { ARecord a => a.Address.ToString(), AaaaRecord a => a.Address.ToString(), _ => "not an address: " + r })];

    private static void AssertNoData(ClusterDnsAnswer answer)
    {
        Assert.Equal(ReturnCode.NoError, answer.Code);
        Assert.Empty(answer.Answers);
        Assert.False(answer.Forward);
        Assert.IsType<SoaRecord>(Assert.Single(answer.Authority));
    }

    private static void AssertNxDomain(ClusterDnsAnswer answer)
    {
        Assert.Equal(ReturnCode.NxDomain, answer.Code);
        Assert.Empty(answer.Answers);
        Assert.False(answer.Forward);
        var soa = Assert.IsType<SoaRecord>(Assert.Single(answer.Authority));
        Assert.Equal(ClusterDnsZone.Ttl, soa.NegativeCachingTTL);
    }

    [Fact]
    public void A_service_name_resolves_to_its_cluster_ip_with_a_five_second_ttl()
    {
        var answer = Ask("web.default.svc.cluster.local", RecordType.A);

        Assert.Equal(ReturnCode.NoError, answer.Code);
        Assert.True(answer.Authoritative);
        var record = Assert.IsType<ARecord>(Assert.Single(answer.Answers));
        Assert.Equal("10.96.0.20", record.Address.ToString());
        Assert.Equal(5, record.TimeToLive);
        Assert.Equal("web.default.svc.cluster.local", record.Name.ToString(false));
    }

    [Fact]
    public void Names_compare_case_insensitively_and_answers_keep_the_case_asked()
    {
        var answer = Ask("WEB.Default.SVC.Cluster.Local", RecordType.A);

        var record = Assert.IsType<ARecord>(Assert.Single(answer.Answers));
        Assert.Equal("10.96.0.20", record.Address.ToString());
        Assert.Equal("WEB.Default.SVC.Cluster.Local", record.Name.ToString(false));
        Assert.Single(Ask("_HTTP._Tcp.web.DEFAULT.svc.cluster.local", RecordType.Srv).Answers);
        Assert.Equal(["10.1.0.5"], Addresses(Ask("DB-0.db.default.svc.cluster.local", RecordType.A)));
    }

    [Fact]
    public void A_tenant_sees_only_its_own_services()
    {
        Assert.Equal(["10.96.0.20"], Addresses(Ask("web.default.svc.cluster.local", RecordType.A, tenant: "a")));
        Assert.Equal(["10.96.0.40"], Addresses(Ask("web.default.svc.cluster.local", RecordType.A, tenant: "b")));

        AssertNxDomain(Ask("secret.shop.svc.cluster.local", RecordType.A, tenant: "b"));
        AssertNxDomain(Ask("shop.svc.cluster.local", RecordType.A, tenant: "b"));
        AssertNxDomain(Ask("db.default.svc.cluster.local", RecordType.A, tenant: "b"));
        AssertNxDomain(Ask("db-0.db.default.svc.cluster.local", RecordType.A, tenant: "b"));
        AssertNxDomain(Ask("_http._tcp.secret.shop.svc.cluster.local", RecordType.Srv, tenant: "b"));
        AssertNxDomain(Ask("web.default.svc.cluster.local", RecordType.A, tenant: "nobody"));
    }

    [Fact]
    public void A_reverse_lookup_of_another_tenants_cluster_ip_is_not_answered_from_the_cluster()
    {
        var own = Ask("20.0.96.10.in-addr.arpa", RecordType.Ptr, tenant: "a");
        var ptr = Assert.IsType<PtrRecord>(Assert.Single(own.Answers));
        Assert.Equal("web.default.svc.cluster.local", ptr.PointerDomainName.ToString(false));

        Assert.True(Ask("20.0.96.10.in-addr.arpa", RecordType.Ptr, tenant: "b").Forward);
    }

    [Fact]
    public void Missing_names_under_the_cluster_domain_are_nxdomain_and_existing_names_of_another_type_are_empty()
    {
        AssertNxDomain(Ask("nothing.default.svc.cluster.local", RecordType.A));
        AssertNxDomain(Ask("web.nowhere.svc.cluster.local", RecordType.A));
        AssertNxDomain(Ask("nowhere.svc.cluster.local", RecordType.A));
        AssertNxDomain(Ask("a.b.web.default.svc.cluster.local", RecordType.A));
        AssertNxDomain(Ask("x.y.z.q.web.default.svc.cluster.local", RecordType.A));
        AssertNxDomain(Ask("web.default.cluster.local", RecordType.A));
        AssertNxDomain(Ask("google.com.default.svc.cluster.local", RecordType.A));

        AssertNoData(Ask("web.default.svc.cluster.local", RecordType.Aaaa));
        AssertNoData(Ask("web.default.svc.cluster.local", RecordType.Mx));
        AssertNoData(Ask("default.svc.cluster.local", RecordType.A));
        AssertNoData(Ask("svc.cluster.local", RecordType.A));
        AssertNoData(Ask("cluster.local", RecordType.A));
        AssertNoData(Ask("db.default.svc.cluster.local", RecordType.Aaaa));
        AssertNoData(Ask("db-0.db.default.svc.cluster.local", RecordType.Aaaa));
    }

    [Fact]
    public void The_zone_apex_has_an_soa_and_the_schema_version_is_published()
    {
        var soa = Assert.IsType<SoaRecord>(Assert.Single(Ask("cluster.local", RecordType.Soa).Answers));
        Assert.Equal("ns.dns.cluster.local", soa.MasterName.ToString(false));
        Assert.Equal(7u, soa.SerialNumber);

        var version = Assert.IsType<TxtRecord>(Assert.Single(Ask("dns-version.cluster.local", RecordType.Txt).Answers));
        Assert.Equal("1.1.0", version.TextData);
    }

    [Fact]
    public void A_headless_service_resolves_to_its_ready_endpoints_only()
    {
        var answer = Ask("db.default.svc.cluster.local", RecordType.A);

        Assert.Equal(["10.1.0.5", "10.1.0.6", "10.1.0.8"], Addresses(answer));
        Assert.All(answer.Answers, r => Assert.Equal(5, r.TimeToLive));
    }

    [Fact]
    public void A_headless_service_without_ready_endpoints_is_nxdomain_unless_it_publishes_not_ready_addresses()
    {
        AssertNxDomain(Ask("starting.default.svc.cluster.local", RecordType.A));
        AssertNxDomain(Ask("s-0.starting.default.svc.cluster.local", RecordType.A));

        Assert.Equal(["10.1.0.10"], Addresses(Ask("warm.default.svc.cluster.local", RecordType.A)));
        Assert.Equal(["10.1.0.10"], Addresses(Ask("w-0.warm.default.svc.cluster.local", RecordType.A)));
    }

    [Fact]
    public void A_pod_with_hostname_and_subdomain_is_found_under_the_headless_service_and_others_by_dashed_address()
    {
        Assert.Equal(["10.1.0.5"], Addresses(Ask("db-0.db.default.svc.cluster.local", RecordType.A)));
        Assert.Equal(["10.1.0.6"], Addresses(Ask("db-1.db.default.svc.cluster.local", RecordType.A)));
        Assert.Equal(["10.1.0.8"], Addresses(Ask("10-1-0-8.db.default.svc.cluster.local", RecordType.A)));

        // Not ready: not published (as the endpoint is absent from the Endpoints' addresses).
        AssertNxDomain(Ask("db-2.db.default.svc.cluster.local", RecordType.A));
        AssertNxDomain(Ask("db-9.db.default.svc.cluster.local", RecordType.A));
    }

    [Fact]
    public void Srv_of_a_named_port_points_at_the_service_name_on_the_service_port_with_its_address_alongside()
    {
        var answer = Ask("_http._tcp.web.default.svc.cluster.local", RecordType.Srv);

        var srv = Assert.IsType<SrvRecord>(Assert.Single(answer.Answers));
        Assert.Equal((0, 100, 80), (srv.Priority, srv.Weight, srv.Port));
        Assert.Equal("web.default.svc.cluster.local", srv.Target.ToString(false));
        Assert.Equal("_http._tcp.web.default.svc.cluster.local", srv.Name.ToString(false));
        Assert.Equal(5, srv.TimeToLive);
        var glue = Assert.IsType<ARecord>(Assert.Single(answer.Additional));
        Assert.Equal(("web.default.svc.cluster.local", "10.96.0.20"), (glue.Name.ToString(false), glue.Address.ToString()));

        var udp = Assert.IsType<SrvRecord>(Assert.Single(Ask("_dns._udp.web.default.svc.cluster.local", RecordType.Srv).Answers));
        Assert.Equal(53, udp.Port);
    }

    [Fact]
    public void Srv_of_a_service_name_lists_every_port()
    {
        var answer = Ask("web.default.svc.cluster.local", RecordType.Srv);

        Assert.Equal([80, 9090, 53], answer.Answers.Cast<SrvRecord>().Select(s => (int)s.Port));
        Assert.All(answer.Answers.Cast<SrvRecord>(), s => Assert.Equal(33, s.Weight));
    }

    [Fact]
    public void Srv_of_a_headless_service_has_one_record_per_ready_endpoint_on_the_pods_port()
    {
        var answer = Ask("_pg._tcp.db.default.svc.cluster.local", RecordType.Srv);

        var records = answer.Answers.Cast<SrvRecord>().ToList();
        Assert.Equal(
            ["db-0.db.default.svc.cluster.local", "db-1.db.default.svc.cluster.local", "10-1-0-8.db.default.svc.cluster.local"],
            records.Select(r => r.Target.ToString(false)));
        Assert.All(records, r => Assert.Equal((0, 33, 5433), (r.Priority, r.Weight, r.Port)));
        Assert.Equal(
            ["db-0.db.default.svc.cluster.local 10.1.0.5", "db-1.db.default.svc.cluster.local 10.1.0.6", "10-1-0-8.db.default.svc.cluster.local 10.1.0.8"],
            answer.Additional.Cast<ARecord>().Select(a => $"{a.Name.ToString(false)} {a.Address}"));
    }

    [Fact]
    public void Srv_for_a_port_or_protocol_the_service_lacks_is_nxdomain_and_unnamed_ports_have_none()
    {
        AssertNxDomain(Ask("_https._tcp.web.default.svc.cluster.local", RecordType.Srv));
        AssertNxDomain(Ask("_http._udp.web.default.svc.cluster.local", RecordType.Srv));
        AssertNxDomain(Ask("_._tcp.single.default.svc.cluster.local", RecordType.Srv));
        AssertNxDomain(Ask("http.tcp.web.default.svc.cluster.local", RecordType.Srv));
        AssertNxDomain(Ask("_http._tcp.nothing.default.svc.cluster.local", RecordType.Srv));

        // The SRV name exists: asked for its address, it has none (the answer is empty, not NXDOMAIN).
        AssertNoData(Ask("_http._tcp.web.default.svc.cluster.local", RecordType.A));
        AssertNoData(Ask("_tcp.web.default.svc.cluster.local", RecordType.Srv));
        AssertNxDomain(Ask("_sctp.web.default.svc.cluster.local", RecordType.Srv));
    }

    [Fact]
    public void An_external_name_service_is_a_cname_the_server_follows_upstream()
    {
        var answer = Ask("search.default.svc.cluster.local", RecordType.A);

        var alias = Assert.IsType<CNameRecord>(Assert.Single(answer.Answers));
        Assert.Equal("www.example.com", alias.CanonicalName.ToString(false));
        Assert.Equal(5, alias.TimeToLive);
        Assert.Equal("www.example.com", answer.ChaseName?.ToString(false));

        var asked = Ask("search.default.svc.cluster.local", RecordType.CName);
        Assert.IsType<CNameRecord>(Assert.Single(asked.Answers));
        Assert.Null(asked.ChaseName);

        AssertNxDomain(Ask("_http._tcp.search.default.svc.cluster.local", RecordType.Srv));
    }

    [Fact]
    public void An_external_name_inside_the_cluster_domain_is_followed_here_and_a_loop_ends()
    {
        var answer = Ask("alias.default.svc.cluster.local", RecordType.A);

        Assert.Equal(2, answer.Answers.Count);
        Assert.Equal("web.default.svc.cluster.local", Assert.IsType<CNameRecord>(answer.Answers[0]).CanonicalName.ToString(false));
        Assert.Equal("10.96.0.20", Assert.IsType<ARecord>(answer.Answers[1]).Address.ToString());
        Assert.Null(answer.ChaseName);

        var loop = Ask("loop.default.svc.cluster.local", RecordType.A);
        Assert.Equal(ReturnCode.NoError, loop.Code);
        Assert.All(loop.Answers, r => Assert.IsType<CNameRecord>(r));
        Assert.InRange(loop.Answers.Count, 1, 10);
    }

    [Fact]
    public void Names_outside_the_cluster_domain_and_reverse_names_of_unknown_addresses_go_upstream()
    {
        Assert.True(Ask("example.com", RecordType.A).Forward);
        Assert.True(Ask("local", RecordType.A).Forward);
        Assert.True(Ask("web.default.svc.cluster.example", RecordType.A).Forward);
        Assert.True(Ask("1.0.0.127.in-addr.arpa", RecordType.Ptr).Forward);
        Assert.True(Ask("20.0.96.10.in-addr.arpa", RecordType.A).Forward);
    }

    [Fact]
    public void Reverse_names_of_headless_endpoints_point_at_their_endpoint_names()
    {
        var ptr = Assert.IsType<PtrRecord>(Assert.Single(Ask("5.0.1.10.in-addr.arpa", RecordType.Ptr).Answers));
        Assert.Equal("db-0.db.default.svc.cluster.local", ptr.PointerDomainName.ToString(false));
    }

    [Fact]
    public void Pod_names_carry_their_own_address()
    {
        Assert.Equal(["10.1.2.3"], Addresses(Ask("10-1-2-3.default.pod.cluster.local", RecordType.A)));
        AssertNxDomain(Ask("300-1-2-3.default.pod.cluster.local", RecordType.A));
        AssertNxDomain(Ask("10-1-2.default.pod.cluster.local", RecordType.A));
        AssertNoData(Ask("10-1-2-3.default.pod.cluster.local", RecordType.Aaaa));
    }

    [Fact]
    public void Before_the_first_snapshot_cluster_names_fail_rather_than_being_cached_as_missing()
    {
        var unsynced = ClusterDnsZone.Build(null, complete: false, [], serial: 1);

        Assert.Equal(ReturnCode.ServerFailure, Ask("web.default.svc.cluster.local", RecordType.A, zone: unsynced).Code);
        Assert.True(Ask("example.com", RecordType.A, zone: unsynced).Forward);
    }

    [Fact]
    public void On_a_partial_view_known_names_answer_and_unknown_ones_fail_instead_of_nxdomain()
    {
        var partial = ClusterDnsZone.Build(new ClusterNetwork(), complete: false, Routes, serial: 1);

        Assert.Equal(["10.96.0.20"], Addresses(Ask("web.default.svc.cluster.local", RecordType.A, zone: partial)));
        Assert.Equal(ReturnCode.ServerFailure, Ask("later.default.svc.cluster.local", RecordType.A, zone: partial).Code);
    }

    [Fact]
    public void The_cluster_domain_comes_from_the_cluster_network()
    {
        var zone = ClusterDnsZone.Build(new ClusterNetwork { ClusterDomain = "corp.example" }, complete: true, Routes, serial: 1);

        Assert.Equal(["10.96.0.20"], Addresses(Ask("web.default.svc.corp.example", RecordType.A, zone: zone)));
        Assert.True(Ask("web.default.svc.cluster.local", RecordType.A, zone: zone).Forward);
        var srv = Assert.IsType<SrvRecord>(Assert.Single(Ask("_http._tcp.web.default.svc.corp.example", RecordType.Srv, zone: zone).Answers));
        Assert.Equal("web.default.svc.corp.example", srv.Target.ToString(false));
    }

    [Fact]
    public void Questions_of_other_classes_and_zone_transfers_are_refused()
    {
        Assert.Equal(ReturnCode.Refused, Zone.Resolve("a", new DnsQuestion(DomainName.Parse("web.default.svc.cluster.local"), RecordType.A, RecordClass.Chaos)).Code);
        Assert.Equal(ReturnCode.Refused, Ask("cluster.local", RecordType.Axfr).Code);
    }

    [Fact]
    public void A_huge_headless_service_answers_a_bounded_number_of_records()
    {
        var endpoints = Enumerable.Range(0, 5000).Select(i => Endpoint($"10.2.{i / 250}.{i % 250 + 1}", ready: true, hostname: null, ("http", 8080))).ToArray();
        var zone = ClusterDnsZone.Build(new ClusterNetwork(), complete: true,
            [Headless("a", "default", "big", [Port("http", 80), Port("admin", 81)], endpoints)], serial: 1);

        Assert.Equal(ClusterDnsZone.MaxRecords, Ask("big.default.svc.cluster.local", RecordType.A, zone: zone).Answers.Count);
        var srv = Ask("big.default.svc.cluster.local", RecordType.Srv, zone: zone);
        Assert.Equal(ClusterDnsZone.MaxRecords, srv.Answers.Count);
        Assert.InRange(srv.Additional.Count, 1, ClusterDnsZone.MaxRecords);
    }

    [Fact]
    public void An_external_name_that_is_an_address_makes_no_record()
    {
        var zone = ClusterDnsZone.Build(new ClusterNetwork(), complete: true, [External("a", "default", "ip", "192.0.2.7")], serial: 1);

        AssertNxDomain(Ask("ip.default.svc.cluster.local", RecordType.A, zone: zone));
    }
}
