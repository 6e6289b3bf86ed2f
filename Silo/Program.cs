using System.Net;
using ClusterOptions = Orleans.Configuration.ClusterOptions;
using OrleansOrchestrator.Dashboard;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Api;
using OrleansOrchestrator.Silo.Api.Audit;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Hosting;
using OrleansOrchestrator.Silo.Networking;
using OrleansOrchestrator.Silo.Nodes;
using OrleansOrchestrator.Silo.Storage;

// Subcommands own their arguments; the main command's options follow.
if (OrleansOrchestrator.Silo.Operations.SnapshotCommand.Handles(args))
    return await OrleansOrchestrator.Silo.Operations.SnapshotCommand.Run(args, Console.Out, Console.Error);

SiloOptions options;
try
{
    options = SiloOptions.Parse(args);
}
catch (OrleansOrchestrator.Agents.Hosting.HelpRequestedException help)
{
    Console.WriteLine(help.Message);
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

// The kind registry checks itself when built: a kind missing a part stops the silo here, not at its first request.
_ = OrleansOrchestrator.Silo.Kinds.KindRegistry.All;

var dashboardKeys = DataFolder.Prepare(options);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
// The settings file's own sections for the host (e.g. Logging), as appsettings.json next to the program already is.
if (options.ConfigFile is { } configFile) builder.Configuration.AddJsonFile(configFile, optional: false, reloadOnChange: false);
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
// The dashboard's styles and scripts come from its own and MudBlazor's packages, in every environment.
builder.WebHost.UseStaticWebAssets();
var server = $"https://{options.ClientHost}:{options.ApiPort}";
var dashboardUrl = $"{(options.DashboardHttps ? "https" : "http")}://{options.ClientHost}:{options.DashboardPort}";
if (!IPAddress.IsLoopback(options.BindAddress) && !options.DashboardHttps)
    Console.Error.WriteLine($"The dashboard is served over plain HTTP on {options.BindAddress}: sign-in tokens cross the network unencrypted; use --dashboard-https, put it behind a TLS proxy or keep it on loopback.");

if (options.DashboardGateways is { } gateways)
{
    // The dashboard on its own: an Orleans client that reads and writes through the same API verbs.
    if (!File.Exists(options.TokenFilePath))
    {
        Console.Error.WriteLine($"--dashboard-only needs the silos' token file; {options.TokenFilePath} does not exist (use --data-dir or --credentials-dir).");
        return 2;
    }
    builder.UseOrleansClient(client =>
    {
        client.UseStaticClustering(gateways.ToArray());
        OrleansOrchestrator.Contracts.ClusterTimings.ForFailover(client);
        client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, OrleansOrchestrator.Contracts.ClusterIdentity.ServiceId));
    });
    AddApiServices(builder.Services, TokenFile.Load(options.TokenFilePath));
    var dashboardCertificate = options.DashboardHttps ? ApiCertificate.LoadOrCreate(options) : null;
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(options.BindAddress, options.DashboardPort, listen =>
    {
        if (dashboardCertificate is not null) listen.UseHttps(ApiTls.Options(dashboardCertificate));
    }));
    var dashboardApp = builder.Build();
    dashboardApp.UseDashboard();
    await dashboardApp.StartAsync();
    Console.WriteLine($"""
        OrleansOrchestrator dashboard is running (Orleans client of {string.Join(", ", gateways)})
          Dashboard:      {dashboardUrl}
          Audit log:      {options.AuditLogPath}
        """);
    await dashboardApp.WaitForShutdownAsync();
    // After the server has stopped: every request it answered is in the log.
    await dashboardApp.Services.GetRequiredService<AuditLog>().DisposeAsync();
    return 0;
}

var backend = options.PostgreSql is { } pg ? StorageBackend.PostgreSql(pg) : StorageBackend.Sqlite(OwnerOnlyFile.Touch(options.SqlitePath));
await SchemaInstaller.Apply(backend);

// The cluster's credentials, shared by every silo of one control plane: read, or made by the first silo while it holds the
// folder's lock, so that two silos starting at once on an empty folder end with one certificate, one token and one set of keys.
CredentialsFolder credentialsLock;
try
{
    credentialsLock = await CredentialsFolder.Lock(options.CredentialsPath, TimeSpan.FromSeconds(60));
}
catch (TimeoutException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

// Secrets are sealed at rest with the key file's first key; a store whose Secrets the keys cannot open does not start.
var (envelope, keyRefusal) = await EncryptionKeys.Load(options, backend, CancellationToken.None);
if (envelope is null)
{
    Console.Error.WriteLine(keyRefusal);
    return 2;
}
// --rewrite-secrets signs no token: it neither needs nor makes the service account key.
var serviceAccountKey = options.RewriteSecrets ? null : ServiceAccountKey.LoadOrCreate(options.ServiceAccountKeyPath);
// Silos of one database must hold the same keys: a silo with others would seal Secrets and sign tokens the rest cannot read.
if (await ClusterKeyRecord.Check(options, backend, serviceAccountKey, CancellationToken.None) is { } refusal)
{
    Console.Error.WriteLine($"This silo does not start: {refusal}");
    return 2;
}
if (options.RewriteSecrets) return await EncryptionKeys.Rewrite(backend, envelope, CancellationToken.None);
builder.Services.AddSingleton(envelope);

var certificate = ApiCertificate.LoadOrCreate(options, out var certificateCreated);
// A new administrator's token goes into the kubeconfig, the only place that keeps it, before its hash goes into the token file.
var tokens = TokenFile.LoadOrCreate(options.TokenFilePath, options.AdminTenant,
    (user, token) => Kubeconfig.Write(options.KubeconfigPath, options.KubeconfigServer ?? server, certificate, user, token), out var createdAdminToken);
Kubeconfig.WriteForSilo(options, server, certificate, tokens, createdAdminToken, certificateCreated);
credentialsLock.Dispose();

builder.UseOrleans(silo => OrleansSetup.Configure(silo, options, backend));
// SIGTERM or Ctrl-C: readyz fails and watches end at once; everything else is served for --shutdown-delay-duration more, then
// requests in flight get this long to finish together with the silo's graceful leave of the cluster (Kestrel stops first,
// Orleans after it), and the process exits 0.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownDelay + OrleansOrchestrator.Silo.Api.Health.GracefulShutdown.Timeout);
builder.Services.AddHostedService(_ => new OrleansOrchestrator.Silo.Api.Health.ShutdownDelay(options.ShutdownDelay));
AddApiServices(builder.Services, tokens);
builder.Services.AddSingleton<OrleansOrchestrator.Silo.Api.Auth.Rbac.AccessReviews>();
builder.Services.AddSingleton<KubeApiHandler>();
// Service account tokens: signed with the credentials folder's key (the same on every silo), checked against the objects they name.
builder.Services.AddSingleton(new OrleansOrchestrator.Silo.Api.Auth.ServiceAccounts.ServiceAccountJwt(serviceAccountKey!)); // made above: only --rewrite-secrets, which has exited, goes without
builder.Services.AddSingleton<OrleansOrchestrator.Silo.Api.Health.HealthEndpoints>();
builder.Services.AddSingleton(new OrleansOrchestrator.Silo.Api.Auth.ServiceAccounts.ServiceAccountTokenOptions(options.PodTokenLifetime));
builder.Services.AddSingleton(new OrleansOrchestrator.Silo.Api.Auth.ServiceAccounts.ApiCertificatePem(certificate.ExportCertificatePem()));
builder.Services.AddSingleton<OrleansOrchestrator.Silo.Api.Auth.ServiceAccounts.ServiceAccountTokens>();
builder.Services.AddSingleton<OrleansOrchestrator.Silo.Api.Auth.ServiceAccounts.ServiceAccountEndpoints>();
builder.Services.AddSingleton<OrleansOrchestrator.Silo.Api.Streaming.PodStreamEndpoint>();
builder.Services.AddServiceNetworking(options.ClusterNetwork, options.NodePortsInUse);
builder.Services.AddSingleton(new ApiAdvertisement(options.AdvertiseAddress, options.ApiPort));
builder.Services.AddSingleton<TenantBootstrap>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<TenantBootstrap>());
builder.Services.AddSingleton(options.Controllers);
builder.Services.AddHostedService<ControllerSweep>();
builder.Services.AddNodeHeartbeats(); // node grains batch heartbeats to the node lifecycle loop (OrleansOrchestrator.Silo.Nodes)
if (options.MetricsInterval is { } metricsInterval) builder.Services.AddHostedService(_ => new MetricsLog(metricsInterval));
var agentLine = await LocalAgent.Configure(builder.Services, options);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = null; // the API enforces Kubernetes' own limit, with a Status answer
    // kubectl puts an exec's command in the query (`sh -c SCRIPT`); Kubernetes takes up to 1 MiB of request line and headers.
    kestrel.Limits.MaxRequestLineSize = 256 * 1024;
    kestrel.Listen(options.BindAddress, options.ApiPort, listen => listen.UseHttps(ApiTls.Options(certificate)));
    // The dashboard over HTTPS with the API's certificate when asked (its cookie is then Secure); plain HTTP on loopback by default.
    kestrel.Listen(options.BindAddress, options.DashboardPort, listen =>
    {
        if (options.DashboardHttps) listen.UseHttps(ApiTls.Options(certificate));
    });
});

var app = builder.Build();
var api = app.Services.GetRequiredService<KubeApiHandler>();
app.MapWhen(context => context.Connection.LocalPort == options.ApiPort, branch => branch.UseWebSockets().Run(api.Handle));
app.MapWhen(context => context.Connection.LocalPort == options.DashboardPort, branch => branch.UseDashboard());
await app.StartAsync();
Console.WriteLine($"""
    OrleansOrchestrator control plane is running ({backend.Description})
      Kubernetes API: {server}
      Dashboard:      {dashboardUrl}   (sign in with the token in {options.KubeconfigPath})
      kubeconfig:     {options.KubeconfigPath}   (export KUBECONFIG={options.KubeconfigPath})
      Agent:          {agentLine}
      Audit log:      {options.AuditLogPath}
    """);
await app.WaitForShutdownAsync();
// After the server has stopped: every request it answered is in the log.
await app.Services.GetRequiredService<AuditLog>().DisposeAsync();
return 0;

// The verbs over the store, and the dashboard on top of them: the same in a silo and in a dashboard-only client.
void AddApiServices(IServiceCollection services, TokenFile tokenFile)
{
    services.AddSingleton(TimeProvider.System);
    services.AddSingleton(tokenFile);
    services.AddSingleton<OrleansOrchestrator.Silo.Tenancy.KnownTenants>();
    tokenFile.ReloadFailed += problem => Console.Error.WriteLine($"warning: {problem}");
    services.AddSingleton(options.AuditLog);
    services.AddSingleton<AuditLog>();
    services.AddAdmission();
    services.AddSingleton<OrleansOrchestrator.Silo.Api.Auth.Rbac.IRbacPolicies, OrleansOrchestrator.Silo.Api.Auth.Rbac.RbacPolicyCache>();
    services.AddSingleton<OrleansOrchestrator.Silo.Api.Auth.Identity.StoredIdentities>();
    services.AddSingleton<Authorizer>();
    services.AddSingleton<ResourceService>();
    services.AddSingleton<PodLogProxy>();
    services.AddSingleton<OrleansOrchestrator.Silo.Api.Streaming.PodStreamProxy>();
    services.AddSingleton<IClusterBackend, DashboardBackend>();
    services.AddDashboard(new DashboardOptions(server, options.KubeconfigPath, dashboardKeys) { SessionRecheck = options.SessionRecheck });
}
