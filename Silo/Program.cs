using System.Net;
using OrleansOrchestrator.Dashboard;
using OrleansOrchestrator.Silo.Api;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Hosting;
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

Directory.CreateDirectory(options.DataDir);
var backend = options.PostgreSql is { } pg ? StorageBackend.PostgreSql(pg) : StorageBackend.Sqlite(options.SqlitePath);
await SchemaInstaller.Apply(backend);

var certificate = ApiCertificate.LoadOrCreate(options);
var tokens = TokenFile.LoadOrCreate(options.TokenFilePath, options.AdminTenant);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
builder.UseOrleans(silo => OrleansSetup.Configure(silo, options, backend));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(tokens);
builder.Services.AddSingleton<ResourceService>();
builder.Services.AddSingleton<PodLogProxy>();
builder.Services.AddSingleton<KubeApiHandler>();
builder.Services.AddHostedService<TenantBootstrap>();
builder.Services.AddSingleton(options.Controllers);
builder.Services.AddHostedService<OrleansOrchestrator.Silo.Controllers.ControllerSweep>();
var agentLine = await LocalAgent.Configure(builder.Services, options);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = null; // the API enforces Kubernetes' own limit, with a Status answer
    kestrel.Listen(IPAddress.Loopback, options.ApiPort, listen => listen.UseHttps(certificate));
    kestrel.Listen(IPAddress.Loopback, options.DashboardPort);
});

var app = builder.Build();
var api = app.Services.GetRequiredService<KubeApiHandler>();
app.MapWhen(context => context.Connection.LocalPort == options.ApiPort, branch => branch.Run(api.Handle));
var server = $"https://127.0.0.1:{options.ApiPort}";
app.MapWhen(context => context.Connection.LocalPort == options.DashboardPort,
    branch => branch.UseRouting().UseEndpoints(endpoints => endpoints.MapDashboard(new DashboardInfo(server, options.KubeconfigPath))));
// The kubeconfig carries an administrator's token; a token file without one gets none written.
var admin = tokens.Callers.FirstOrDefault(c => c.Value.IsAdmin);
if (admin.Value is not null) Kubeconfig.Write(options.KubeconfigPath, server, certificate, admin.Value.User, admin.Key);
else Console.Error.WriteLine($"No token in {options.TokenFilePath} belongs to group {Caller.AdminGroup}: no kubeconfig written.");

await app.StartAsync();
Console.WriteLine($"""
    OrleansOrchestrator control plane is running ({backend.Description})
      Kubernetes API: {server}
      Dashboard:      http://127.0.0.1:{options.DashboardPort}
      kubeconfig:     {options.KubeconfigPath}   (export KUBECONFIG={options.KubeconfigPath})
      Agent:          {agentLine}
    """);
await app.WaitForShutdownAsync();
return 0;
