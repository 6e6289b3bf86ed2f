namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>This test run's build configuration, which the silo and agent it starts were built with too.</summary>
    public static string Configuration => AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The silo as built by this test run's configuration (the project reference builds it first).</summary>
    public static string SiloDll => Path.Combine(Root, "Silo", "bin", Configuration, "net10.0", "OrleansOrchestrator.Silo.dll");

    /// <summary>The agent process, built by the same configuration.</summary>
    public static string AgentDll => Path.Combine(Path.GetDirectoryName(SiloDll)!.Replace(Path.Combine("Silo", "bin"), Path.Combine("Agents", "bin"), StringComparison.Ordinal), "OrleansOrchestrator.Agents.dll");

    /// <summary>The folder of the in-cluster client program that pods of the service account tests run.</summary>
    public static string InClusterProbeDir => Path.Combine(Root, "tests", "InClusterProbe", "bin", Configuration, "net10.0");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansOrchestrator.sln"))) return dir.FullName;
        throw new InvalidOperationException("OrleansOrchestrator.sln not found above " + AppContext.BaseDirectory);
    }
}
