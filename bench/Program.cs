using OrleansOrchestrator.Bench.Infrastructure;
using OrleansOrchestrator.Bench.Scenarios;

// Benchmarks of the running product (docs/benchmarks.md, issue 6). Each scenario starts its own silo process
// on loopback (and PostgreSQL, Docker containers or a Swarm where it needs them), prints progress every
// second, ends with a markdown table and a verdict per target, and stops everything it started.
//
//   dotnet build -c Release bench && dotnet run -c Release --no-build --project bench -- <scenario> [options]
IScenario[] scenarios =
[
    new SchedulingScenario(),
    new ApiLatencyScenario(),
    new PodStartupScenario(),
    new SwarmScenario(),
    new MemoryScenario(),
    new StorageScenario(),
    new DashboardScenario(),
    new SoakScenario(),
    new FuzzScenario(),
    new ServicesScenario(),
    new ProxyRulesScenario(),
    new WorkloadsScenario(),
    new StreamingScenario(),
    new RbacLatencyScenario(),
    new SecurityOverheadScenario(),
    new FailoverScenario(),
    new ChaosScenario(),
];

var scenario = args.Length > 0 ? scenarios.FirstOrDefault(s => s.Name == args[0]) : null;
if (scenario is null)
{
    Console.Error.WriteLine("usage: bench <scenario> [options]\n");
    foreach (var s in scenarios) Console.Error.WriteLine($"  {s.Name} {s.Usage}\n");
    return 2;
}

try
{
    return await scenario.Run(new Options(args.Skip(1)));
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message}\nusage: bench {scenario.Name} {scenario.Usage}");
    return 2;
}
