using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>One benchmark of issue 6: starts what it measures, prints progress every second and a table at the end.</summary>
public interface IScenario
{
    string Name { get; }

    /// <summary>The options, one line each, for the usage message.</summary>
    string Usage { get; }

    /// <summary>Runs the scenario; answers the exit code.</summary>
    Task<int> Run(Options options);
}
