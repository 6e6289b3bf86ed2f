using System.Net;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansOrchestrator.Contracts;
using OrleansOrchestrator.Silo.Storage;
using OrleansOrchestrator.Silo.Storage.Encryption;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// The Orleans side of the silo: embedded (one silo, localhost clustering, SQLite state) or clustered
/// (PostgreSQL membership, state and reminders), with every endpoint on the loopback address.
/// </summary>
public static class OrleansSetup
{
    public static void Configure(ISiloBuilder silo, SiloOptions options, StorageBackend backend)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = ClusterIdentity.ServiceId;
        });

        if (options.PostgreSql is null)
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: ClusterIdentity.ServiceId, clusterId: options.ClusterId);
        }
        else
        {
            silo.ConfigureEndpoints(IPAddress.Loopback, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = backend.Invariant;
                o.DataSource = backend.DataSource;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = backend.Invariant;
                o.DataSource = backend.DataSource;
            });
            DetectDeadSilosFast(silo);
            KeepActivationsWhenASiloDies(silo);
        }

        silo.AddAdoNetGrainStorage(StorageNames.Store, o =>
        {
            o.Invariant = backend.Invariant;
            o.DataSource = backend.DataSource;
        });
        // Orleans' own binary serializer for grain state: our records already carry its generated
        // codecs (fast, and tolerant of added fields), where the default JSON one would re-describe them.
        // Secrets' rows are sealed on their way to either back-end (see SecretSealingSerializer).
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(StorageNames.Store)
            .Configure<IServiceProvider>((o, services) => o.GrainStorageSerializer = new SecretSealingSerializer(
                ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(services),
                services.GetRequiredService<SecretEnvelope>()));
        silo.Services.AddSingleton(backend);
        silo.Services.AddSingleton<IStoredObjectReader, AdoNetStoredObjectReader>();
    }

    /// <summary>
    /// The grain directory that survives a silo's death. Orleans' default directory keeps each grain's registration on one
    /// silo only, so when a silo dies every other silo deactivates its own grains that the dead one registered — a
    /// third of the cluster's grains, live and healthy, each held until its running calls end: a collection grain's
    /// watch polls (up to 20 s) held every write to its collection that long (issue 16's failover measure). The
    /// distributed directory instead rebuilds a dead silo's ranges from the survivors' own activations, which stay.
    /// Its range leases are off: a lease holds every new activation of a dead silo's grains (and, on a silo that joins
    /// without a snapshot, of its whole range) for 30 s less the detection time, in case the silo declared dead still
    /// runs them — 20 s without writes here. Orleans' default directory takes that risk too; our writes are conditional
    /// on the stored row's ETag and collections on their epoch, so a grain briefly running twice cannot lose a write.
    /// </summary>
#pragma warning disable ORLEANSEXP003 // Experimental in Orleans 10; chosen for the behaviour above (docs/architecture.md).
    private static void KeepActivationsWhenASiloDies(ISiloBuilder silo)
    {
        silo.AddDistributedGrainDirectory();
        silo.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = TimeSpan.Zero);
    }
#pragma warning restore ORLEANSEXP003

    /// <summary>
    /// Orleans' membership defaults suit a large cluster of busy servers, where declaring a live silo dead is costly:
    /// a killed silo was declared dead after 4.6–6.6 s here, and until then every call to its grains failed. A control
    /// plane wants it in about 2 s (issue 16). How a killed silo is found: its process is gone, so its ports refuse
    /// connections and each probe fails at once rather than timing out; the silos that probe it each vote after
    /// <see cref="ClusterMembershipOptions.NumMissedProbesLimit"/> missed probes, one probe period apart, and the
    /// declaration is spread by gossip, not by the next read of the table. Killed at a random moment, it takes one to
    /// two probe periods plus a table write.
    /// The margin against declaring a live silo dead on a loaded 2-core machine: a probe answered late is not missed
    /// (the probe timeout adapts to observed answer times, up to MaxProbeTimeout, and is extended further while the
    /// prober itself is degraded), two probes in a row must be missed, and two silos must agree (indirect probes
    /// through a third silo, when there is one, keep a silo whose link to one prober is slow alive).
    /// </summary>
    private static void DetectDeadSilosFast(ISiloBuilder silo) =>
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.MaxProbeTimeout = TimeSpan.FromSeconds(4);
            o.NumMissedProbesLimit = 2;
            // Every silo of a small control plane probes every other: a dead silo collects its votes at once.
            o.NumProbedSilos = 3;
            o.NumVotesForDeathDeclaration = 2;
            o.EnableIndirectProbes = true;
            // Votes only need to outlive the few seconds it takes to collect them; stale votes of an old suspicion
            // must not add up with a new one minutes later.
            o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
            // Gossip carries changes at once; the periodic read of the table is the fallback when a message is lost.
            o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
            // The heartbeat in the table marks entries stale (after NumMissedTableIAmAliveLimit of them): a silo
            // that died unnoticed stops counting among the voters within half a minute instead of ten.
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(15);
        });
}
