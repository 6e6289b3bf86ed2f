namespace OrleansOrchestrator.Silo.Tenancy;

/// <summary>The phases a Tenant shows and the finalizer that holds it until everything of the tenant is gone.</summary>
public static class TenantPhases
{
    public const string Active = "Active";
    public const string Terminating = "Terminating";

    /// <summary>Removed by the tenant's lifecycle grain once the tenant's objects are deleted (decision 10 for a whole tenant).</summary>
    public const string Finalizer = "tenancy.orleans-orchestrator.io/tenant";
}
