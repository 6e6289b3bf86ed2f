namespace OrleansOrchestrator.Contracts;

/// <summary>The Orleans identity every silo and client of one installation shares.</summary>
public static class ClusterIdentity
{
    /// <summary>Names the stored state; changing it would orphan every stored object.</summary>
    public const string ServiceId = "orleans-orchestrator";

    public const string DefaultClusterId = "orleans-orchestrator";

    public const int DefaultGatewayPort = 30000;
}
