namespace OrleansOrchestrator.Fuzzing;

/// <summary>Whose token a fuzz request carries: the tenant's administrator, or a read-only <c>view</c> user.</summary>
public enum FuzzCaller
{
    Admin,
    Viewer,
}
