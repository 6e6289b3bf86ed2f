namespace OrleansOrchestrator.Agents.Hosting;

/// <summary>What one agent process (or the agent inside the main command) runs.</summary>
public sealed record AgentOptions
{
    /// <summary>
    /// The Orleans cluster the agent belongs to; its containers carry it, so that clusters sharing a Docker
    /// engine leave each other's containers alone.
    /// </summary>
    public string ClusterId { get; init; } = Contracts.ClusterIdentity.DefaultClusterId;

    /// <summary>Where pod volumes (emptyDir, ConfigMap/Secret files, claims) live on this host.</summary>
    public string DataDir { get; init; } = Path.GetFullPath("agent-data");

    /// <summary>Where this host keeps local-path volumes (<c>--local-path-root</c>); null: <see cref="LocalPathFolder"/>'s default.</summary>
    public string? LocalPathRoot { get; init; }

    /// <summary>
    /// The folder announced on the node (<see cref="Contracts.Storage.LocalPathVolumes.RootAnnotation"/>), under which the
    /// provisioner places each local-path volume as <c>TENANT/pvc-UID</c>: <see cref="LocalPathRoot"/>, else <c>DATA/local-path</c>.
    /// </summary>
    public string LocalPathFolder => LocalPathRoot ?? Path.Combine(DataDir, "local-path");

    /// <summary>The node's address: container ports are published on it, and the API reaches the agent there.</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>Run a real node on the Docker engine, under this name (null: no Docker node).</summary>
    public string? DockerNodeName { get; init; }

    public Uri? DockerEndpoint { get; init; }

    /// <summary>
    /// Whether the Docker node runs its Service proxy (iptables rules for cluster IPs, node ports and load balancers);
    /// off (<c>--no-proxy</c>) where iptables is not available or another proxy owns the host.
    /// </summary>
    public bool ServiceProxy { get; init; } = true;

    /// <summary>
    /// The Docker node's cluster DNS port (UDP and TCP) on each tenant network's gateway; 0: a free port below
    /// the ephemeral range, chosen once and kept in the data folder (the proxy's rules, which outlive the agent, point at it). Pods reach it as the cluster DNS address, port 53, through the proxy.
    /// </summary>
    public int DnsPort { get; init; }

    /// <summary>The node's resolver configuration, which pods with <c>dnsPolicy: Default</c> get (the kubelet's <c>--resolv-conf</c>).</summary>
    public string ResolvConf { get; init; } = "/etc/resolv.conf";

    /// <summary>
    /// An exec, attach or port-forward through which nothing moves for this long is closed (the kubelet's
    /// <c>--streaming-connection-idle-timeout</c>).
    /// </summary>
    public TimeSpan StreamingIdleTimeout { get; init; } = TimeSpan.FromHours(4);

    /// <summary>How many hollow nodes to host (simulated runtime).</summary>
    public int SimulatedNodes { get; init; }

    /// <summary>Simulated nodes are named <c>{prefix}-0000</c>, <c>{prefix}-0001</c>, …</summary>
    public string SimulatedNodePrefix { get; init; } = SimulatedNodeNames.DefaultPrefix;
}
