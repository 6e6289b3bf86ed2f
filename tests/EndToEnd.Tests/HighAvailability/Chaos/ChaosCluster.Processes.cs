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
/// Three (or N) silo processes on one PostgreSQL database, each with its own ports, data folder and simulated nodes,
/// sharing one credentials folder (as SiloProcess gives the silos of one database) into which one administrator token is
/// written before the first start.
/// </summary>
public sealed class ChaosProcessCluster : IAsyncDisposable
{
    public const string AdminToken = "chaos-admin-token-0123456789abcdef";

    private ChaosProcessCluster(IReadOnlyList<ChaosSiloProcess> silos) => Silos = silos;

    public IReadOnlyList<ChaosSiloProcess> Silos { get; }

    public static async Task<ChaosProcessCluster> Start(string postgres, int silos, int simulatedNodesPerSilo)
    {
        var list = new List<ChaosSiloProcess>();
        var cluster = new ChaosProcessCluster(list);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                var process = new SiloProcess(postgres: postgres, extraArgs: ["--simulated-nodes", $"{simulatedNodesPerSilo}"]);
                list.Add(new ChaosSiloProcess(process, $"silo-{i}"));
                if (i == 0) await File.WriteAllTextAsync(process.TokenFilePath, $"{AdminToken},chaos-admin,default,system:masters\n");
                // One after the other: the first creates the schema, the others join its cluster.
                await process.Start();
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
        foreach (var silo in Silos) await silo.Process.DisposeAsync();
    }
}
