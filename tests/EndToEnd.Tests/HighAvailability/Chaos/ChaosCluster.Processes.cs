using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.Chaos;

/// <summary>A silo process of the test infrastructure as the chaos harness drives it (restarted over the same data folder and ports).</summary>
public sealed class ChaosSiloProcess(SiloProcess process, string name) : IChaosSilo
{
    public SiloProcess Process => process;
    public string Name => name;
    public Uri ApiUri => process.ApiUri;
    public string CertificatePem => File.ReadAllText(process.CertificatePath);
    public Task Kill() => process.Kill();
    public Task Start() => process.Start();
}

/// <summary>
/// The Docker agent as its own process (as a user runs one on a machine of the cluster), given every silo's gateway; its
/// containers are found in the engine by the node label the agent puts on each.
/// </summary>
public sealed class ChaosDockerAgent(AgentProcess process, string name) : IChaosDockerNode
{
    public AgentProcess Process => process;
    public string Name => name;
    public string Image => TestImages.Busybox;

    public async Task<IReadOnlyList<EngineContainer>> RunningContainers()
    {
        var lines = await TestImages.Shell($"docker ps --no-trunc --filter label=io.orleans-orchestrator.node={name} " +
            "--format '{{.ID}}\t{{.Label \"io.kubernetes.pod.namespace\"}}\t{{.Label \"io.kubernetes.pod.name\"}}\t{{.Label \"io.kubernetes.docker.type\"}}'");
        return lines.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t'))
            .Select(f => new EngineContainer(f[0], f.ElementAtOrDefault(1) ?? "", f.ElementAtOrDefault(2) ?? "", f.ElementAtOrDefault(3) == "podsandbox"))
            .ToList();
    }
}

/// <summary>
/// Three (or N) silo processes on one PostgreSQL database, each with its own ports, data folder and simulated nodes,
/// sharing one credentials folder (as SiloProcess gives the silos of one database) into which one administrator token is
/// written before the first start; optionally one Docker agent process joined through every silo's gateway.
/// </summary>
public sealed class ChaosProcessCluster : IAsyncDisposable
{
    public const string AdminToken = "chaos-admin-token-0123456789abcdef";

    /// <summary>
    /// Seconds without a heartbeat before a node is unreachable: short, so that a node whose heartbeats stopped at a kill
    /// shows NotReady within a short run, yet longer than the agent's heartbeat interval (10 s) plus the heartbeat
    /// ledger's staleness after a lost silo (≈ 7 s) with a margin, as FailoverTests' grace is — a healthy node must never flap.
    /// </summary>
    public const int NodeGracePeriodSeconds = 25;

    private ChaosProcessCluster(IReadOnlyList<ChaosSiloProcess> silos) => Silos = silos;

    public IReadOnlyList<ChaosSiloProcess> Silos { get; }

    /// <summary>The Docker node, if one was asked for.</summary>
    public ChaosDockerAgent? DockerNode { get; private set; }

    public static async Task<ChaosProcessCluster> Start(string postgres, int silos, int simulatedNodesPerSilo, bool dockerNode = false)
    {
        var list = new List<ChaosSiloProcess>();
        var cluster = new ChaosProcessCluster(list);
        try
        {
            if (dockerNode) await TestImages.EnsureBusybox();
            for (var i = 0; i < silos; i++)
            {
                var process = new SiloProcess(postgres: postgres,
                    extraArgs: ["--simulated-nodes", $"{simulatedNodesPerSilo}", "--node-grace-period", $"{NodeGracePeriodSeconds}"]);
                list.Add(new ChaosSiloProcess(process, $"silo-{i}"));
                if (i == 0) await File.WriteAllTextAsync(process.TokenFilePath, $"{AdminToken},chaos-admin,default,system:masters\n");
                // One after the other: the first creates the schema, the others join its cluster.
                await process.Start();
            }
            if (dockerNode)
            {
                // Its own node name (tests share one engine). AgentProcess gives the last silo's gateway, the others follow:
                // the first gateway is then one the monkey may kill (it spares the first silo when it spares one).
                var name = $"chaos-docker-{Guid.NewGuid().ToString("N")[..6]}";
                var agent = new AgentProcess(list[^1].Process,
                    ["--node-name", name, .. list.SkipLast(1).SelectMany(s => new[] { "--gateway", $"127.0.0.1:{s.Process.GatewayPort}" })]);
                cluster.DockerNode = new ChaosDockerAgent(agent, name);
                await agent.Start();
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (DockerNode is { } node) await node.Process.DisposeAsync();
        foreach (var silo in Silos) await silo.Process.DisposeAsync();
        // The agent keeps its pods' containers when it stops (to adopt them on restart): leave none on the shared engine.
        if (DockerNode is { } left) await TestImages.RemoveNodeLeftovers(left.Name);
    }
}
