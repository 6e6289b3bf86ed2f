using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using OrleansOrchestrator.Tests.Shared;

namespace OrleansOrchestrator.EndToEnd.Tests.HighAvailability;

/// <summary>What a load balancer and an operator see of a silo's health and of its stop on SIGTERM.</summary>
public sealed class HealthAndShutdownTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task HealthEndpoints_AnswerWithoutAuthentication_AsKubeApiserverWordsThem()
    {
        await using var silo = new SiloProcess();
        await silo.Start();
        using var anonymous = new ApiClient(silo, token: null);

        foreach (var path in new[] { "/livez", "/readyz", "/healthz", "/readyz/store", "/livez/ping" })
        {
            using var response = await anonymous.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        }
        var verbose = await anonymous.Http.GetStringAsync("/readyz?verbose");
        Assert.Equal("""
            [+]ping ok
            [+]grain-runtime ok
            [+]store ok
            [+]cluster-membership ok
            [+]informer-sync ok
            [+]shutdown ok
            readyz check passed

            """.ReplaceLineEndings("\n"), verbose);
        Assert.Contains("[+]store excluded: ok", await anonymous.Http.GetStringAsync("/readyz?verbose&exclude=store"));
        using (var unknown = await anonymous.Http.GetAsync("/readyz/etcd"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // Anything else still needs a token.
        using (var namespaces = await anonymous.Http.GetAsync("/api/v1/namespaces"))
            Assert.Equal(HttpStatusCode.Unauthorized, namespaces.StatusCode);

        var kubectl = new Kubectl("1.32", silo.KubeconfigPath);
        Assert.Equal(verbose, await kubectl.Ok("get --raw /readyz?verbose"));
        Assert.Equal("ok", await kubectl.Ok("get --raw /livez"));
        // The root lists them with the API's paths, as kube-apiserver's does.
        var paths = System.Text.Json.Nodes.JsonNode.Parse(await kubectl.Ok("get --raw /"))!["paths"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        Assert.Subset(paths.ToHashSet(), new HashSet<string> { "/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1", "/version", "/livez", "/readyz", "/readyz/shutdown", "/healthz" });
        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
    }

    [Fact]
    public async Task Sigterm_EndsWatchesCleanly_FinishesARequestInFlight_AndExits0_AndTheRestartedSiloHasItsWrite()
    {
        await using var silo = new SiloProcess();
        await silo.Start();
        var kubectl = new Kubectl("1.32", silo.KubeconfigPath);
        await kubectl.Ok("create configmap before --from-literal=k=v");
        using var watch = kubectl.Start("get configmaps -w");
        await Eventually.True(() => watch.Output.Contains("before", StringComparison.Ordinal), "the watch to list the ConfigMap");

        // A create whose body is still on its way when the signal arrives.
        using var api = new ApiClient(silo, ApiClient.AdminToken(silo));
        var body = new SlowBody("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"in-flight"},"data":{"k":"v"}}""");
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var create = api.Http.PostAsync("/api/v1/namespaces/default/configmaps", body);
        await body.FirstHalfSent.WaitAsync(TimeSpan.FromSeconds(30));

        var signalled = Stopwatch.StartNew();
        Process.Start("kill", ["-TERM", silo.ProcessId.ToString(CultureInfo.InvariantCulture)]).WaitForExit();
        // kubectl sees the stream close as a server ends a watch, and exits without an error.
        await Eventually.True(() => watch.HasExited, "kubectl get -w to end", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("error", watch.Output, StringComparison.OrdinalIgnoreCase);
        Assert.False(silo.HasExited, "the silo waits for the request in flight");

        body.SendTheRest();
        using (var created = await create)
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await silo.Exit.WaitAsync(TimeSpan.FromSeconds(25));
        Assert.Equal(0, silo.ExitCode);
        Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(10), $"the stop took {signalled.Elapsed}");

        await silo.Start();
        Assert.Equal("before in-flight", (await kubectl.Ok("get configmaps -o jsonpath={.items[*].metadata.name}")).Replace("kube-root-ca.crt", "").Trim());
    }

    [Fact]
    public async Task WithAShutdownDelay_ReadyzFailsAtOnceOnSigterm_WhileTheApiStillAnswers_ThenTheSiloExits0()
    {
        await using var silo = new SiloProcess(extraArgs: ["--shutdown-delay-duration", "8"]);
        await silo.Start();
        using var anonymous = new ApiClient(silo, token: null);
        using var api = new ApiClient(silo, ApiClient.AdminToken(silo));

        var signalled = Stopwatch.StartNew();
        Process.Start("kill", ["-TERM", silo.ProcessId.ToString(CultureInfo.InvariantCulture)]).WaitForExit();
        // What a load balancer's probe sees during the delay: readyz failing on shutdown, with the port still open.
        await Eventually.True(async () =>
        {
            using var readyz = await anonymous.Http.GetAsync("/readyz");
            return readyz.StatusCode == HttpStatusCode.InternalServerError
                && (await readyz.Content.ReadAsStringAsync()).Contains("[-]shutdown failed: reason withheld\n", StringComparison.Ordinal);
        }, "readyz to fail on shutdown");
        using (var livez = await anonymous.Http.GetAsync("/livez"))
            Assert.Equal(HttpStatusCode.OK, livez.StatusCode);
        using (var namespaces = await api.Http.GetAsync("/api/v1/namespaces"))
            Assert.Equal(HttpStatusCode.OK, namespaces.StatusCode);
        Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(8), $"the checks took {signalled.Elapsed}, past the delay");
        Assert.False(silo.HasExited);

        await silo.Exit.WaitAsync(TimeSpan.FromSeconds(40));
        Assert.Equal(0, silo.ExitCode);
        Assert.True(signalled.Elapsed >= TimeSpan.FromSeconds(8), $"the silo stopped after {signalled.Elapsed}, before its delay ended");
    }

    [Fact]
    public async Task APostgreSqlSilo_IsReadyOnceActiveInMembership_AndOnSigtermLeavesTheClusterAsDead_NotAsASuspect()
    {
        await postgres.CreateDatabase("graceful_leave");
        await using var silo = new SiloProcess(postgres: postgres.ConnectionString("graceful_leave"));
        await silo.Start();
        using (var anonymous = new ApiClient(silo, token: null))
            Assert.Contains("[+]cluster-membership ok", await anonymous.Http.GetStringAsync("/readyz?verbose"));
        Assert.Equal([MembershipActive], await MembershipStatuses("graceful_leave"));

        var signalled = Stopwatch.StartNew();
        Process.Start("kill", ["-TERM", silo.ProcessId.ToString(CultureInfo.InvariantCulture)]).WaitForExit();
        await silo.Exit.WaitAsync(TimeSpan.FromSeconds(25));
        Assert.Equal(0, silo.ExitCode);
        Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(10), $"the stop took {signalled.Elapsed}");
        // Declared dead by itself on the way out: the other silos need not wait out failure detection.
        Assert.Equal([MembershipDead], await MembershipStatuses("graceful_leave"));
    }

    [Fact]
    public async Task WhenTheDatabaseIsGone_ReadyzFailsNamingTheStoreCheckOnly_AndLivezStaysOk()
    {
        // A database of this test's own, which it stops.
        var database = new PostgresServer();
        await database.InitializeAsync();
        await using var silo = new SiloProcess(postgres: database.ConnectionString("postgres"));
        try
        {
            await silo.Start();
            using var anonymous = new ApiClient(silo, token: null);
            Assert.Equal("ok", await anonymous.Http.GetStringAsync("/readyz"));
        }
        finally
        {
            await database.DisposeAsync();
        }

        using var probe = new ApiClient(silo, token: null);
        // The store check's answer is shared for up to a second (a flood of probes is one connection): the outage shows within it.
        var body = await Eventually.Value(async () =>
        {
            using var readyz = await probe.Http.GetAsync("/readyz");
            return readyz.StatusCode == HttpStatusCode.InternalServerError ? await readyz.Content.ReadAsStringAsync() : null;
        }, "readyz to fail", TimeSpan.FromSeconds(15));
        Assert.Contains("[-]store failed: reason withheld\n", body);
        Assert.Contains("[+]ping ok\n", body);
        Assert.EndsWith("readyz check failed\n", body);
        // Nothing of the failure itself (driver, address, message) reaches an unauthenticated caller.
        Assert.DoesNotContain("Npgsql", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("127.0.0.1", body);
        using var single = await probe.Http.GetAsync("/readyz/store");
        Assert.Equal(HttpStatusCode.InternalServerError, single.StatusCode);
        Assert.Equal("ok", await probe.Http.GetStringAsync("/livez"));
    }

    // Orleans' SiloStatus values as its membership table stores them.
    private const string MembershipActive = "3";
    private const string MembershipDead = "6";

    /// <summary>The status column of every row of Orleans' membership table, read from a dump of the database.</summary>
    private async Task<List<string>> MembershipStatuses(string database)
    {
        var lines = (await postgres.Dump(database)).Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith("COPY public.orleansmembershiptable ", StringComparison.Ordinal));
        var columns = lines[header][(lines[header].IndexOf('(') + 1)..lines[header].IndexOf(')')].Split(", ");
        var status = Array.IndexOf(columns, "status");
        return lines.Skip(header + 1).TakeWhile(l => l != "\\.").Select(l => l.Split('\t')[status]).ToList();
    }

    /// <summary>A request body sent in two parts, the second only when the test says.</summary>
    private sealed class SlowBody(string json) : HttpContent
    {
        private readonly TaskCompletionSource _firstHalfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _sendTheRest = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly byte[] _bytes = Encoding.UTF8.GetBytes(json);

        public Task FirstHalfSent => _firstHalfSent.Task;

        public void SendTheRest() => _sendTheRest.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = _bytes.Length / 2;
            await stream.WriteAsync(_bytes.AsMemory(0, half));
            await stream.FlushAsync();
            _firstHalfSent.TrySetResult();
            await _sendTheRest.Task;
            await stream.WriteAsync(_bytes.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }
}
