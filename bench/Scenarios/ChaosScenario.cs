using OrleansOrchestrator.Bench.Infrastructure;
using OrleansOrchestrator.Chaos;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// The chaos test of issue 16 in its long form (the harness of tests/EndToEnd.Tests/HighAvailability/Chaos, docs/chaos.md):
/// three silos on a durable PostgreSQL, 50 writes/s, 50 watches, a rolling update of a 200-pod Deployment (on simulated
/// nodes) and a 2-pod Deployment on one real Docker node (an agent process joined through every silo's gateway) while one
/// silo after another is killed with SIGKILL and restarted, one every 20 s for N minutes. Prints progress every two
/// seconds and a summary with every violation; exits 1 if there was any.
/// </summary>
public sealed class ChaosScenario : IScenario
{
    public string Name => "chaos";

    public string Usage => "[--minutes 2] [--writes 50 (per second)] [--watches 50] [--replicas 200] [--round 20 (seconds between kills)] [--seed S]";

    public async Task<int> Run(Options options)
    {
        var minutes = options.Int("--minutes", 2);
        var round = options.Int("--round", 20);
        var settings = new ChaosSettings
        {
            Round = TimeSpan.FromSeconds(round),
            Rounds = Math.Max(1, minutes * 60 / round),
            WritesPerSecond = options.Int("--writes", 50),
            Watches = options.Int("--watches", 50),
            Replicas = options.Int("--replicas", 200),
            Seed = options.String("--seed") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next(),
            RolloutDeadline = TimeSpan.FromMinutes(5),
        };
        options.CheckAllKnown();

        await using var postgres = await PostgresServer.Start(fsync: true);
        await postgres.CreateDatabase("chaos");
        Console.WriteLine($"PostgreSQL on port {postgres.Port}; starting three silos");
        await using var cluster = await ChaosProcessCluster.Start(postgres.ConnectionString("chaos"), silos: 3, simulatedNodesPerSilo: 4, dockerNode: true);
        var verdict = await ChaosRun.Run(cluster.Silos, ChaosProcessCluster.AdminToken, settings with { DockerNode = cluster.DockerNode });

        var table = new Report("part", "result");
        foreach (var line in verdict.Summary)
            table.Row(line.Split(':', 2)[0], line.Split(':', 2) is [_, var rest] ? rest.Trim() : "");
        table.Target("no violation", verdict.Passed, $"{verdict.Findings.Count}");
        table.Print();
        if (!verdict.Passed) Console.WriteLine("\n" + verdict.Findings.Describe());
        return verdict.Passed ? 0 : 1;
    }
}
