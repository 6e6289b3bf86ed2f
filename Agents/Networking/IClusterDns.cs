namespace OrleansOrchestrator.Agents.Networking;

/// <summary>
/// This node's cluster DNS server, as the node's proxy needs it: pods are given the cluster's DNS address
/// (<see cref="Contracts.Networking.ClusterNetwork.DnsIp"/>, port 53), and the proxy sends that traffic on to
/// <c>Gateway:Port</c> of the pod's own tenant network, where the server knows the tenant by the socket.
/// </summary>
public interface IClusterDns
{
    /// <summary>The one port (UDP and TCP) the server listens on, on every tenant network's gateway address; fixed for the agent's life.</summary>
    int Port { get; }
}
