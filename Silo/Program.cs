using System.Net;
using ClusterOptions = Orleans.Configuration.ClusterOptions;
using OrleansOrchestrator.Dashboard;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Api;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Hosting;
using OrleansOrchestrator.Silo.Networking;
using OrleansOrchestrator.Silo.Storage;

SiloOptions options;
try
{
    options = SiloOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

// The kind registry checks itself when built: a kind missing a part stops the silo here, not at its first request.
_ = OrleansOrchestrator.Silo.Kinds.KindRegistry.All;

DataFolder.Prepare(options);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
// The dashboard's styles and scripts come from its own and MudBlazor's packages, in every environment.
builder.WebHost.UseStaticWebAssets();
var server = $"https://127.0.0.1:{options.ApiPort}";
var dashboardUrl = $"http://127.0.0.1:{options.DashboardPort}";

if (options.DashboardGateways is { } gateways)
{
    // The dashboard on its own: an Orleans client that reads and writes through the same API verbs.
    if (!File.Exists(options.TokenFilePath))
    {
        Console.Error.WriteLine($"--dashboard-only needs the silos' token file; {options.TokenFilePath} does not exist (use --data-dir).");
        return 2;
    }
    builder.UseOrleansClient(client =>
    {
        client.UseStaticClustering(gateways.ToArray());
        client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, OrleansOrchestrator.Contracts.ClusterIdentity.ServiceId));
    });
    AddApiServices(builder.Services, TokenFile.Load(options.TokenFilePath));
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.DashboardPort));
    var dashboardApp = builder.Build();
    dashboardApp.UseDashboard();
    await dashboardApp.StartAsync();
    Console.WriteLine($"""
        OrleansOrchestrator dashboard is running (Orleans client of {string.Join(", ", gateways)})
          Dashboard:      {dashboardUrl}
        """);
    await dashboardApp.WaitForShutdownAsync();
    return 0;
}

var backend = options.PostgreSql is { } pg ? StorageBackend.PostgreSql(pg) : StorageBackend.Sqlite(OwnerOnlyFile.Touch(options.SqlitePath));
await SchemaInstaller.Apply(backend);

var certificate = ApiCertificate.LoadOrCreate(options);
var tokens = TokenFile.LoadOrCreate(options.TokenFilePath, options.AdminTenant);

builder.UseOrleans(silo => OrleansSetup.Configure(silo, options, backend));
AddApiServices(builder.Services, tokens);
builder.Services.AddSingleton<OrleansOrchestrator.Silo.Api.Auth.Rbac.AccessReviews>();
builder.Services.AddSingleton<KubeApiHandler>();
builder.Services.AddSingleton<OrleansOrchestrator.Silo.Api.Streaming.PodStreamEndpoint>();
builder.Services.AddServiceNetworking(options.ClusterNetwork, options.NodePortsInUse);
builder.Services.AddSingleton(new ApiAdvertisement(options.AdvertiseAddress, options.ApiPort));
builder.Services.AddHostedService<TenantBootstrap>();
builder.Services.AddSingleton(options.Controllers);
builder.Services.AddHostedService<ControllerSweep>();
if (options.MetricsInterval is { } metricsInterval) builder.Services.AddHostedService(_ => new MetricsLog(metricsInterval));
var agentLine = await LocalAgent.Configure(builder.Services, options);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = null; // the API enforces Kubernetes' own limit, with a Status answer
    kestrel.Listen(IPAddress.Loopback, options.ApiPort, listen => listen.UseHttps(certificate));
    kestrel.Listen(IPAddress.Loopback, options.DashboardPort);
});

var app = builder.Build();
var api = app.Services.GetRequiredService<KubeApiHandler>();
app.MapWhen(context => context.Connection.LocalPort == options.ApiPort, branch => branch.UseWebSockets().Run(api.Handle));
app.MapWhen(context => context.Connection.LocalPort == options.DashboardPort, branch => branch.UseDashboard());
// The kubeconfig carries an administrator's token; a token file without one gets none written.
var admin = tokens.Callers.FirstOrDefault(c => c.Value.IsAdmin);
if (admin.Value is not null) Kubeconfig.Write(options.KubeconfigPath, server, certificate, admin.Value.User, admin.Key);
else Console.Error.WriteLine($"No token in {options.TokenFilePath} belongs to group {Caller.AdminGroup}: no kubeconfig written.");

await app.StartAsync();
Console.WriteLine($"""
    OrleansOrchestrator control plane is running ({backend.Description})
      Kubernetes API: {server}
      Dashboard:      {dashboardUrl}   (sign in with the token in {options.KubeconfigPath})
      kubeconfig:     {options.KubeconfigPath}   (export KUBECONFIG={options.KubeconfigPath})
      Agent:          {agentLine}
    """);
await app.WaitForShutdownAsync();
return 0;

// The verbs over the store, and the dashboard on top of them: the same in a silo and in a dashboard-only client.
void AddApiServices(IServiceCollection services, TokenFile tokenFile)
{
    services.AddSingleton(TimeProvider.System);
    services.AddSingleton(tokenFile);
    services.AddAdmission();
    services.AddSingleton<OrleansOrchestrator.Silo.Api.Auth.Rbac.IRbacPolicies, OrleansOrchestrator.Silo.Api.Auth.Rbac.RbacPolicyCache>();
    services.AddSingleton<Authorizer>();
    services.AddSingleton<ResourceService>();
    services.AddSingleton<PodLogProxy>();
    services.AddSingleton<OrleansOrchestrator.Silo.Api.Streaming.PodStreamProxy>();
    services.AddSingleton<IClusterBackend, DashboardBackend>();
    services.AddDashboard(new DashboardOptions(server, options.KubeconfigPath, options.DashboardKeysPath));
}
