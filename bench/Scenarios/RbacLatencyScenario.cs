using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// RBAC overhead of a create (issue 15, the RBAC part of its measure): ConfigMaps created one after another, alternately by
/// the operator (<c>system:masters</c>: RBAC is not consulted) and by a user whose permission is the last of 50
/// RoleBindings in the namespace (every binding is looked at), in one run against one silo. Target: the user's p99 at most
/// 20 % above the operator's. Quotas and Secret encryption, which the issue measures together with RBAC, are not part of it.
/// </summary>
public sealed class RbacLatencyScenario : IScenario
{
    private const string AdminToken = "bench-admin-token-0123456789abcdef";
    private const string UserToken = "bench-user-token-0123456789abcdef";

    public string Name => "rbac-latency";

    public string Usage => "[--creates 2000] [--bindings 50] [--payload 1024]";

    public async Task<int> Run(Options options)
    {
        var creates = options.Int("--creates", 2000);
        var bindings = options.Int("--bindings", 50);
        var payload = options.Int("--payload", 1024);
        options.CheckAllKnown();

        await using var silo = await BenchSilo.Start(new SiloSettings { Tokens = RbacFixture.AdminTokenLine(AdminToken) + RbacFixture.UserTokenLine(UserToken) });
        using var admin = silo.Client(AdminToken);
        using var user = silo.Client(UserToken);
        await admin.CreateNamespace("probe");
        // The tenant's first start bound dev to cluster-admin; from here on dev holds only the namespace's last binding.
        await RbacFixture.BindLastOf(admin, "probe", bindings);

        // Warm both paths (connections, the policy cache), then measure alternately so both see the same silo.
        for (var i = 0; i < 50; i++)
        {
            await admin.Timed(HttpMethod.Post, "/api/v1/namespaces/probe/configmaps", Workloads.ConfigMap($"wa{i}", payload), 201);
            await user.Timed(HttpMethod.Post, "/api/v1/namespaces/probe/configmaps", Workloads.ConfigMap($"wu{i}", payload), 201);
        }
        var off = new List<double>();
        var on = new List<double>();
        using (Ticker.Start(() => $"{off.Count + on.Count:N0}/{2 * creates:N0}"))
            for (var i = 0; i < creates; i++)
            {
                off.Add(await admin.Timed(HttpMethod.Post, "/api/v1/namespaces/probe/configmaps", Workloads.ConfigMap($"a{i}", payload), 201));
                on.Add(await user.Timed(HttpMethod.Post, "/api/v1/namespaces/probe/configmaps", Workloads.ConfigMap($"u{i}", payload), 201));
            }

        var report = new Report("create as", "samples", "p50 ms", "p90 ms", "p99 ms", "max ms");
        var (offStats, onStats) = (new Stats(off), new Stats(on));
        report.Row("operator (RBAC not consulted)", offStats.Count, Report.Ms(offStats.P50), Report.Ms(offStats.P90), Report.Ms(offStats.P99), Report.Ms(offStats.Max));
        report.Row($"user bound by the last of {bindings} RoleBindings", onStats.Count, Report.Ms(onStats.P50), Report.Ms(onStats.P90), Report.Ms(onStats.P99), Report.Ms(onStats.Max));
        var overhead = (onStats.P99 / offStats.P99 - 1) * 100;
        report.Target("RBAC p99 overhead ≤ 20 %", overhead <= 20, $"{overhead:F1} %");
        report.Print();
        return 0;
    }
}
