namespace OrleansOrchestrator.Agents.Runtime;

/// <summary>A pod's identity on a host. The uid tells apart pods that reuse a name; the tenant keeps tenants apart.</summary>
public sealed record PodRef(string Tenant, string Namespace, string Name, string Uid)
{
    public override string ToString() => $"{Tenant}/{Namespace}/{Name} ({Uid})";
}
