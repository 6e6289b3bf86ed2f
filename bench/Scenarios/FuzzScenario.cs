using System.Diagnostics;
using System.Globalization;
using OrleansOrchestrator.Bench.Infrastructure;
using OrleansOrchestrator.Fuzzing;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// The fuzz suite of the tests (tests/Fuzzing, docs/fuzzing.md) for longer: generated hostile requests against
/// a silo of its own for N minutes, several at a time, each judged as the suite judges it. A silo that dies
/// is reported and replaced by a fresh one, so one run finds every failure, not only the first crash.
/// Prints requests/s, counts by status code and every distinct violation with its replayable request.
/// </summary>
public sealed class FuzzScenario : IScenario
{
    private const string AdminToken = "fuzz-admin-token-0123456789abcdef";
    private const string ViewerToken = "fuzz-viewer-token-0123456789abcdef";

    public string Name => "fuzz";

    public string Usage => "[--minutes 1] [--seed S (random)] [--concurrency 4] [--requests N (no limit)] [--from I (0)]";

    public async Task<int> Run(Options options)
    {
        var minutes = options.Int("--minutes", 1);
        var seed = options.String("--seed") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next(1, 1_000_000);
        var concurrency = options.Int("--concurrency", 4);
        var limit = options.String("--requests") is { } r ? long.Parse(r, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : (long?)null;
        var next = (long)options.Int("--from", 0);
        options.CheckAllKnown();

        Console.WriteLine($"fuzzing for {minutes} min, seed {seed}, {concurrency} at a time{(limit is { } l ? $", at most {l:N0} requests" : "")}");
        var until = DateTimeOffset.UtcNow.AddMinutes(minutes);
        var report = new FuzzReport();
        var generator = new FuzzGenerator(FuzzScope.Default);
        var clock = Stopwatch.StartNew();
        var silos = 0;
        while (DateTimeOffset.UtcNow < until && (limit is null || report.Requests < limit))
        {
            await using var silo = await BenchSilo.Start(new SiloSettings
            {
                Tokens = $"{AdminToken},alice,default,system:masters\n{ViewerToken},victor,default,view\n",
                Environment = FuzzTarget.SiloEnvironment,
            });
            silos++;
            using var target = new FuzzTarget(new Uri($"https://127.0.0.1:{silo.ApiPort}"), File.ReadAllText(Path.Combine(silo.DataDir, "tls", "apiserver.crt")),
                AdminToken, ViewerToken, silo.Exit);
            var run = new FuzzRun(generator, target);
            await run.Prepare();
            Console.WriteLine($"silo {silos} up (pid {silo.ProcessId}); requests from #{next:N0}");
            report.SiloExited = false;
            using (Ticker.Start(() =>
                       $"{report.Requests,8:N0} requests  {report.Requests / clock.Elapsed.TotalSeconds,6:F0}/s  violations {report.Violations.Count,4}  silo {silo.MemoryMiB(),5:F0} MiB  [{report.CodeCounts()}]"))
                await run.Run(seed, next, limit - report.Requests, until, concurrency, report);
            next = run.NextIndex;
            if (report.SiloExited) Console.WriteLine($"the silo exited at about request #{next:N0}; its last lines:\n{string.Join('\n', silo.Tail.Split('\n').TakeLast(5))}");
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        var table = new Report("seed", "requests", "requests/s", "silos started", "violations", "distinct");
        table.Row(seed, report.Requests, report.Requests / elapsed, silos, report.Violations.Count, report.Distinct().Count);
        foreach (var (code, count) in report.ByCode.OrderBy(p => p.Key))
            table.Note($"- status {(code == 0 ? "none (no complete answer in time)" : code.ToString(CultureInfo.InvariantCulture))}: {count:N0}");
        table.Target("no violation", report.Violations.Count == 0, $"{report.Violations.Count:N0}");
        table.Print();
        if (report.Violations.Count > 0) Console.WriteLine("\n" + report.DescribeViolations(maxDistinct: 200));
        return report.Violations.Count == 0 ? 0 : 1;
    }
}
