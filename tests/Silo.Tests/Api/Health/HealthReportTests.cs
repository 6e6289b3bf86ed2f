using Microsoft.Extensions.Primitives;
using OrleansOrchestrator.Silo.Api.Health;

namespace OrleansOrchestrator.Silo.Tests.Api.Health;

/// <summary>The answers of /livez, /readyz and /healthz as kube-apiserver words them, and that no failure reason leaks.</summary>
public sealed class HealthReportTests
{
    private static HealthReport.Request Request(string path, params (string Name, string Value)[] query) =>
        HealthReport.Parse(path, query.GroupBy(q => q.Name).Select(g => KeyValuePair.Create(g.Key, new StringValues(g.Select(q => q.Value).ToArray()))))!;

    private static Dictionary<string, bool> Outcomes(HealthReport.Request request, params string[] failing) =>
        HealthReport.ChecksToRun(request).ToDictionary(c => c, c => !failing.Contains(c));

    [Fact]
    public void AllPassing_IsAPlainOk_AndVerboseListsEveryCheck()
    {
        var plain = Request("/readyz");
        Assert.Equal((200, "ok"), HealthReport.Render(plain, Outcomes(plain)));

        var verbose = Request("/readyz", ("verbose", ""));
        Assert.Equal((200, """
            [+]ping ok
            [+]grain-runtime ok
            [+]store ok
            [+]cluster-membership ok
            [+]informer-sync ok
            [+]shutdown ok
            readyz check passed

            """.ReplaceLineEndings("\n")), HealthReport.Render(verbose, Outcomes(verbose)));
    }

    [Fact]
    public void AFailingCheck_Is500WithTheListEvenWithoutVerbose_AndWithholdsTheReason()
    {
        var request = Request("/readyz");
        var (code, body) = HealthReport.Render(request, Outcomes(request, HealthCheckNames.Shutdown));
        Assert.Equal(500, code);
        Assert.Contains("[-]shutdown failed: reason withheld\n", body);
        Assert.Contains("[+]store ok\n", body);
        Assert.EndsWith("readyz check failed\n", body);
    }

    [Fact]
    public void Exclude_SkipsAFailingCheck_AndReportsNamesNoCheckHas()
    {
        var request = Request("/readyz", ("exclude", "shutdown"), ("exclude", "etcd"), ("verbose", ""));
        Assert.DoesNotContain(HealthCheckNames.Shutdown, HealthReport.ChecksToRun(request));
        var (code, body) = HealthReport.Render(request, Outcomes(request));
        Assert.Equal(200, code);
        Assert.Contains("[+]shutdown excluded: ok\n", body);
        Assert.Contains("warn: some health checks cannot be excluded: no matches for \"etcd\"\n", body);
    }

    [Fact]
    public void ASingleCheck_AnswersForItselfOnly_AndAnUnknownOneIsNotFound()
    {
        var store = Request("/readyz/store");
        Assert.Equal([HealthCheckNames.Store], HealthReport.ChecksToRun(store));
        Assert.Equal((200, "ok"), HealthReport.Render(store, Outcomes(store)));
        Assert.Equal((500, "internal server error: reason withheld\n"), HealthReport.Render(store, Outcomes(store, HealthCheckNames.Store)));

        Assert.False(HealthReport.Known(Request("/livez/store")));
        Assert.False(HealthReport.Known(Request("/readyz/etcd")));
        Assert.True(HealthReport.Known(Request("/livez/ping")));
    }

    [Fact]
    public void LivezAndHealthz_LeaveTheShutdownCheckOut_SoAStoppingSiloIsNotRestartedForIt()
    {
        Assert.DoesNotContain(HealthCheckNames.Shutdown, HealthReport.Endpoints["livez"]);
        Assert.DoesNotContain(HealthCheckNames.Shutdown, HealthReport.Endpoints["healthz"]);
        Assert.Contains(HealthCheckNames.Shutdown, HealthReport.Endpoints["readyz"]);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/readyzz")]
    [InlineData("/readyz/store/more")]
    [InlineData("/api/v1/readyz")]
    public void OtherPaths_AreNotHealthEndpoints(string path) => Assert.Null(HealthReport.Parse(path, []));
}
