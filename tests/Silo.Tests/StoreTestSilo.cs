using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Storage;

namespace OrleansOrchestrator.Silo.Tests;

/// <summary>
/// One silo over a real SQLite store in a test's folder, with the admission chain and a token file: what tests of
/// control loops, admission and tenancy run against when a fake store would hide the behaviour they assert.
/// </summary>
public static class StoreTestSilo
{
    /// <param name="folder">Where <c>store.db</c> and the token file go (the test deletes it).</param>
    /// <param name="tokenLines">The token file's lines (<c>token,user,tenant,groups</c>).</param>
    /// <param name="services">More services the test's silo needs (a clock, networking), added before the admission chain.</param>
    public static async Task<InProcessTestCluster> Start(string folder, string tokenLines, Action<IServiceCollection>? services = null)
    {
        var backend = StorageBackend.Sqlite(Path.Combine(folder, "store.db"));
        await SchemaInstaller.Apply(backend);
        var tokenPath = Path.Combine(folder, "tokens");
        await File.WriteAllTextAsync(tokenPath, tokenLines);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAdoNetGrainStorage(StorageNames.Store, o => (o.Invariant, o.DataSource) = (backend.Invariant, backend.DataSource));
            silo.Services.AddOptions<AdoNetGrainStorageOptions>(StorageNames.Store)
                .Configure<IServiceProvider>((o, provider) => o.GrainStorageSerializer = ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(provider));
            silo.Services.AddSingleton(backend);
            silo.Services.AddSingleton<IStoredObjectReader, AdoNetStoredObjectReader>();
            silo.Services.AddSingleton(new ControllerOptions());
            silo.Services.AddSingleton(TokenFile.Load(tokenPath));
            services?.Invoke(silo.Services);
            silo.Services.AddAdmission();
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
