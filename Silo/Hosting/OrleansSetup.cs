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
}
