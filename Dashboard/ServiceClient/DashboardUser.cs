namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>Who is signed in to the dashboard: the same identity an API token stands for.</summary>
public sealed record DashboardUser(string Name, string Tenant, IReadOnlyList<string> Groups);
