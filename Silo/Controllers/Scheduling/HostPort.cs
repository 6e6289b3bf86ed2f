namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>
/// A port taken on a node's network: protocol, address and number, normalised as the Kubernetes scheduler
/// compares them (no protocol means TCP, no address means every address, 0.0.0.0).
/// </summary>
public readonly record struct HostPort(string Protocol, string HostIP, int Port)
{
    public const string AllAddresses = "0.0.0.0";

    public static HostPort Of(string? protocol, string? hostIP, int port) =>
        new(string.IsNullOrEmpty(protocol) ? "TCP" : protocol, string.IsNullOrEmpty(hostIP) ? AllAddresses : hostIP, port);

    /// <summary>
    /// Whether asking for this port clashes with <paramref name="used"/>: same protocol and number, and either
    /// address is "every address" or both are the same address.
    /// </summary>
    public bool ConflictsWith(HostPort used) =>
        Port > 0 && Port == used.Port && Protocol == used.Protocol &&
        (HostIP == AllAddresses || used.HostIP == AllAddresses || HostIP == used.HostIP);
}
