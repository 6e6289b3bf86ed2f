using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Networking.Proxy;
using OrleansOrchestrator.Bench.Infrastructure;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// Issue 12, rule sync on one node: the node's Service proxy (the agent's own code, against this host's kernel)
/// holding N Services × M endpoints, each change one Service losing or regaining an endpoint — what a pod's
/// readiness does. Ours rewrites only the chains a change touches; the anchor, in the same run and interleaved,
/// is a whole rewrite of every chain, which is what kube-proxy's iptables mode did on every change before its
/// partial syncs. Target: p99 ≤ 1 s per change. Addresses are in 10.251.0.0/20, routed locally for the run; no
/// packet is sent.
/// </summary>
public sealed class ProxyRulesScenario : IScenario
{
    public string Name => "proxy-rules";

    public string Usage => "[--services 1000] [--endpoints 10] [--runs 3] [--changes 20] [--whole-changes 5]";

    public async Task<int> Run(Options options)
    {
        var services = options.Int("--services", 1000);
        var endpoints = options.Int("--endpoints", 10);
        var runs = options.Int("--runs", 3);
        var changes = options.Int("--changes", 20);
        var wholeChanges = options.Int("--whole-changes", 5);
        options.CheckAllKnown();
        if (services > 4000 || endpoints > 60) throw new ArgumentException("at most 4,000 Services of 60 endpoints (the synthetic address plan)");

        const string cidr = "10.251.0.0/20";
        var node = "bench-proxy";
        var chains = ProxyChainNames.For("bench", node);
        var network = new ClusterNetwork { ServiceCidr = cidr, KubernetesServiceIp = "10.251.0.1", DnsIp = "10.251.0.10" };
        var table = Enumerable.Range(0, services).Select(i => new ServiceRoute
        {
            Tenant = "bench", Namespace = "default", Name = $"svc-{i:D4}", ClusterIP = $"10.251.{1 + i / 250}.{i % 250 + 1}",
            Ports = [new RoutePort { Port = 80 }],
            Endpoints = Enumerable.Range(0, endpoints).Select(e => new RouteEndpoint
            {
                Ip = $"172.30.{i / 4}.{i % 4 * 60 + e + 1}", NodeName = node, Ready = true, Targets = [new EndpointTarget { Port = 8080 }],
            }).ToList(),
        }).ToList();
        var routes = new StaticServiceRoutes(network, table);
        var proxy = new ServiceProxy(routes, new NoNetworks(), new ServiceProxyOptions { NodeName = node, NodeAddresses = ["127.0.0.1"], Chains = chains },
            NullLogger<ServiceProxy>.Instance);
        try
        {
            Console.WriteLine($"first whole write of {services} Services × {endpoints} endpoints…");
            var clock = Stopwatch.StartNew();
            if (!await proxy.SyncNow(force: false, CancellationToken.None)) throw new InvalidOperationException("the first write failed (see the log above)");
            var first = clock.Elapsed.TotalMilliseconds;
            Console.WriteLine($"  {first:F0} ms");

            var ours = new List<List<double>>();
            var whole = new List<List<double>>();
            var step = 0;
            for (var run = 0; run < runs; run++)
            {
                var oursRun = new List<double>();
                var wholeRun = new List<double>();
                using (Ticker.Start(() => $"run {run + 1}/{runs}: ours {oursRun.Count}/{changes}, whole {wholeRun.Count}/{wholeChanges}"))
                    for (var i = 0; i < Math.Max(changes, wholeChanges); i++)
                    {
                        if (i < changes) oursRun.Add(await Change(force: false));
                        if (i < wholeChanges) wholeRun.Add(await Change(force: true));
                    }
                ours.Add(oursRun);
                whole.Add(wholeRun);
            }

            async Task<double> Change(bool force)
            {
                // One Service loses an endpoint, or gets it back.
                var index = step * 37 % table.Count;
                table[index] = table[index] with
                {
                    Endpoints = step / table.Count % 2 == 0 && table[index].Endpoints.Count == endpoints
                        ? table[index].Endpoints.Skip(1).ToList()
                        : Enumerable.Range(0, endpoints).Select(e => table[index].Endpoints[0] with { Ip = $"172.30.{index / 4}.{index % 4 * 60 + e + 1}" }).ToList(),
                };
                step++;
                routes.Set(network, table);
                var started = Stopwatch.StartNew();
                if (!await proxy.SyncNow(force, CancellationToken.None)) throw new InvalidOperationException("a change was not written");
                return started.Elapsed.TotalMilliseconds;
            }

            var report = new Report("sync", "runs × changes", "p50 ms (median of runs, min–max)", "p99 ms (median of runs, min–max)");
            void Row(string label, List<List<double>> samples)
            {
                var p50 = samples.Select(s => new Stats(s).P50).ToList();
                var p99 = samples.Select(s => new Stats(s).P99).ToList();
                report.Row(label, $"{samples.Count} × {samples[0].Count}",
                    $"{Report.Ms(Stats.Median(p50))} ({Report.Ms(p50.Min())}–{Report.Ms(p50.Max())})",
                    $"{Report.Ms(Stats.Median(p99))} ({Report.Ms(p99.Min())}–{Report.Ms(p99.Max())})");
            }
            Row("ours: only the chains a change touches", ours);
            Row("anchor: whole rewrite (kube-proxy iptables mode)", whole);
            report.Note($"{services} Services × {endpoints} endpoints; first whole write {first:F0} ms");
            var oursP99 = Stats.Median(ours.Select(s => new Stats(s).P99));
            report.Target("a change applied p99 ≤ 1 s (median of runs)", oursP99 <= 1000, $"{Report.Ms(oursP99)} ms");
            report.Print();
            return 0;
        }
        finally
        {
            await ServiceProxy.Cleanup(chains);
            await HostCommand.Run("ip", ["route", "del", "local", cidr, "dev", "lo"]);
        }
    }


    /// <summary>A host without tenant bridges: the rules are the Services' own.</summary>
    private sealed class NoNetworks : ITenantNetworks
    {
        public IReadOnlyList<TenantNetwork> Known => [];

        public Task<TenantNetwork> Ensure(string tenant, CancellationToken cancellationToken) => throw new NotSupportedException();

        public event Action? Changed { add { } remove { } }
    }
}
