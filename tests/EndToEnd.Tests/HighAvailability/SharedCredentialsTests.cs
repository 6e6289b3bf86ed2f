using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.HighAvailability;

/// <summary>
/// Several silos on one PostgreSQL database sharing one credentials folder (<c>--credentials-dir</c>), as
/// docs/high-availability.md sets them up: one kubeconfig works against every silo, what one silo seals or signs the
/// others read, a token revoked in the shared token file is refused by all, and a silo given keys of its own is refused.
/// </summary>
public sealed partial class SharedCredentialsTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IDisposable
{
    private readonly string _credentials = Directory.CreateTempSubdirectory("oo-credentials-").FullName;

    /// <summary>
    /// A silo of the control plane. Silos of one cluster share its service range (the kubernetes Service's address is on the
    /// shared certificate): each test silo leases a range of its own, so the later ones are given the first one's.
    /// </summary>
    private SiloProcess Silo(string connection, SiloProcess? sameClusterAs = null, params string[] extraArgs) =>
        new(postgres: connection, extraArgs: ["--credentials-dir", _credentials, .. sameClusterAs is null ? [] : NetworkOf(sameClusterAs), .. extraArgs]);

    private static string[] NetworkOf(SiloProcess silo) =>
        ["--service-cidr", silo.ServiceCidr, "--service-node-port-range", $"{silo.NodePortMin}-{silo.NodePortMax}"];

    private string SharedKubeconfig => Path.Combine(_credentials, "kubeconfig");

    private string SharedTokenFile => Path.Combine(_credentials, "tokens.csv");

    /// <summary>A copy of the cluster's kubeconfig whose server is <paramref name="silo"/>'s API, as a load balancer would pick it.</summary>
    private string KubeconfigFor(SiloProcess silo)
    {
        var path = Path.Combine(silo.DataDir, "cluster-kubeconfig-here");
        File.WriteAllText(path, ServerLine().Replace(File.ReadAllText(SharedKubeconfig), $"server: {silo.ApiUri.ToString().TrimEnd('/')}"));
        return path;
    }

    [Fact]
    public async Task TwoSilos_OneKubeconfigWorksOnBoth_SecretsAndServiceAccountTokensCrossSilos_RevocationReachesBoth()
    {
        var connection = await Database("shared_credentials");
        await using var first = Silo(connection, extraArgs: ["--tls-san", "api.orchestrator.test"]);
        await first.Start();
        await using var second = Silo(connection, first);
        await second.Start();

        // One kubeconfig, its server swapped to each silo: the same token and certificate authority work on both.
        var onFirst = new Kubectl("1.32", KubeconfigFor(first));
        var onSecond = new Kubectl("1.32", KubeconfigFor(second));
        Assert.Contains("namespace/default", await onFirst.Ok("get namespaces -o name"));
        Assert.Contains("namespace/default", await onSecond.Ok("get namespaces -o name"));
        // Each silo's own kubeconfig names the same token and certificate authority as the cluster's.
        foreach (var silo in new[] { first, second })
        {
            Assert.Equal(Line(SharedKubeconfig, "token:"), Line(silo.KubeconfigPath, "token:"));
            Assert.Equal(Line(SharedKubeconfig, "certificate-authority-data:"), Line(silo.KubeconfigPath, "certificate-authority-data:"));
        }
        // The load balancer's name asked for by --tls-san is on the certificate both silos serve.
        using (var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_credentials, "tls", "apiserver.crt"))))
            Assert.True(certificate.MatchesHostname("api.orchestrator.test"));

        // A Secret sealed by the first silo is opened by the second.
        var value = $"v-{Guid.NewGuid():N}";
        await onFirst.Ok($"create secret generic shared --from-literal=password={value}");
        Assert.Equal(value, Encoding.UTF8.GetString(Convert.FromBase64String((await onSecond.Ok("get secret shared -o jsonpath={.data.password}")).Trim())));

        // A service account token signed by the first silo is accepted by the second.
        await onFirst.Ok("create namespace ha-app");
        await onFirst.Ok("create serviceaccount worker -n ha-app");
        var serviceAccountToken = (await onFirst.Ok("create token worker -n ha-app")).Trim();
        Assert.Contains("system:serviceaccount:ha-app:worker", await new Kubectl("1.32", KubeconfigFor(second), serviceAccountToken).Ok("auth whoami"));

        // A user added to the shared token file works on both; removed from it, both refuse the token.
        const string carol = "carol-shared-token-0123456789abcdef";
        File.AppendAllText(SharedTokenFile, $"{carol},carol,default\n");
        var carolOnFirst = new Kubectl("1.32", KubeconfigFor(first), carol);
        var carolOnSecond = new Kubectl("1.32", KubeconfigFor(second), carol);
        Assert.Contains("carol", await carolOnFirst.Ok("auth whoami"));
        Assert.Contains("carol", await carolOnSecond.Ok("auth whoami"));
        File.WriteAllLines(SharedTokenFile, File.ReadAllLines(SharedTokenFile).Where(line => !line.StartsWith(carol, StringComparison.Ordinal)));
        foreach (var kubectl in new[] { carolOnFirst, carolOnSecond })
            await Eventually.True(async () => (await kubectl.Run("auth whoami")).Stderr.Contains("You must be logged in to the server"),
                "the revoked token refused with 401");
    }

    [Fact]
    public async Task ASiloStartedWithANewTlsSan_ReissuesTheCertificate_AndOldAndNewKubeconfigsWorkOnEverySilo()
    {
        var connection = await Database("reissued_certificate");
        await using var first = Silo(connection);
        await first.Start();
        var before = KubeconfigFor(first);
        var beforeCa = Line(SharedKubeconfig, "certificate-authority-data:");

        // A second silo asks for a name the shared certificate lacks: it is issued again, the cluster's kubeconfig rewritten.
        await using var second = Silo(connection, first, "--tls-san", "api.orchestrator.test");
        await second.Start();
        Assert.NotEqual(beforeCa, Line(SharedKubeconfig, "certificate-authority-data:"));

        // A kubeconfig given out before (its CA the previous certificate) works on the silo serving the new one, and the
        // rewritten one on the silo still serving the previous one: real kubectl verifies both.
        var oldOnSecond = Path.Combine(first.DataDir, "old-kubeconfig-on-second");
        File.WriteAllText(oldOnSecond, ServerLine().Replace(File.ReadAllText(before), $"server: {second.ApiUri.ToString().TrimEnd('/')}"));
        Assert.Contains("namespace/default", await new Kubectl("1.32", oldOnSecond).Ok("get namespaces -o name"));
        Assert.Contains("namespace/default", await new Kubectl("1.32", KubeconfigFor(first)).Ok("get namespaces -o name"));
        Assert.Contains("namespace/default", await new Kubectl("1.32", KubeconfigFor(second)).Ok("get namespaces -o name"));
    }

    [Fact]
    public async Task BehindATcpLoadBalancer_TheKubeconfigNamingItWorksAsIs_WhicheverSiloAnswers()
    {
        var connection = await Database("load_balanced");
        var balancerPort = FreePort.Next();
        await using var first = Silo(connection, extraArgs: ["--kubeconfig-server", TcpBalancer.UrlOf(balancerPort)]);
        await using var second = Silo(connection, first, "--kubeconfig-server", TcpBalancer.UrlOf(balancerPort));
        await using var balancer = new TcpBalancer(balancerPort, first.ApiPort, second.ApiPort);
        await first.Start();
        await second.Start();

        // Every kubeconfig names the balancer (127.0.0.1 is on the certificate by default; another name would take --tls-san).
        foreach (var kubeconfig in new[] { SharedKubeconfig, first.KubeconfigPath, second.KubeconfigPath })
            Assert.Equal($"server: {balancer.Url}", Line(kubeconfig, "server:"));

        // The cluster's kubeconfig, unchanged, through the balancer: kubectl opens a connection per run, and they go to both silos.
        var kubectl = new Kubectl("1.32", SharedKubeconfig);
        for (var i = 0; i < 4; i++)
            await kubectl.Ok($"create configmap through-balancer-{i} --from-literal=n={i}");
        Assert.All(balancer.Connections, count => Assert.True(count > 0, $"a silo got no connection: {string.Join(", ", balancer.Connections)}"));
        Assert.Equal("3", await kubectl.Ok("get configmap through-balancer-3 -o jsonpath={.data.n}"));
    }

    [Fact]
    public async Task ThirdSilo_WithAnotherEncryptionKeyOrServiceAccountKey_IsRefusedWithTheReason()
    {
        var connection = await Database("refused_keys");
        await using var first = Silo(connection);
        await first.Start();

        // No Secret is stored yet, so only the recorded key fingerprints can tell that the keys differ.
        var other = Directory.CreateTempSubdirectory("oo-other-keys-").FullName;
        try
        {
            var keyFile = Path.Combine(other, "encryption-keys");
            File.WriteAllText(keyFile, $"mine:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n");
            await using var otherEncryption = Silo(connection, first, "--encryption-key-file", keyFile);
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => otherEncryption.Start());
            Assert.Contains("exited with code 2", refused.Message);
            Assert.Contains("encryption keys (\"mine\") are not those the other silos of this database use", refused.Message);

            var saKey = Path.Combine(other, "service-account.key");
            using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                File.WriteAllText(saKey, key.ExportPkcs8PrivateKeyPem());
            await using var otherServiceAccount = Silo(connection, first, "--service-account-key-file", saKey);
            refused = await Assert.ThrowsAsync<InvalidOperationException>(() => otherServiceAccount.Start());
            Assert.Contains("exited with code 2", refused.Message);
            Assert.Contains("service account key", refused.Message);
            Assert.Contains("is not the one the other silos of this database use", refused.Message);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }

        // The running silo is untouched, and a silo with the cluster's keys still joins and reads what the first sealed.
        var kubectl = new Kubectl("1.32", KubeconfigFor(first));
        await kubectl.Ok("create secret generic kept --from-literal=password=before");
        Assert.Equal("before", Encoding.UTF8.GetString(Convert.FromBase64String((await kubectl.Ok("get secret kept -o jsonpath={.data.password}")).Trim())));
        await using var same = Silo(connection, first);
        await same.Start();
        Assert.Equal("before", Encoding.UTF8.GetString(Convert.FromBase64String((await new Kubectl("1.32", KubeconfigFor(same)).Ok("get secret kept -o jsonpath={.data.password}")).Trim())));
    }

    [Fact]
    public async Task TwoSilosStartedAtOnce_OnAnEmptyCredentialsFolder_EndWithOneCertificateAndOneToken()
    {
        var connection = await Database("started_at_once");
        await using var first = Silo(connection);
        await using var second = Silo(connection, first);
        await Task.WhenAll(first.Start(), second.Start());

        Assert.Equal(Line(first.KubeconfigPath, "token:"), Line(second.KubeconfigPath, "token:"));
        Assert.Equal(Line(first.KubeconfigPath, "certificate-authority-data:"), Line(second.KubeconfigPath, "certificate-authority-data:"));
        // The token file holds the one administrator its kubeconfigs name, and each silo's own kubeconfig works on the other silo too.
        Assert.Single(File.ReadAllLines(SharedTokenFile), line => line.Length > 0 && !line.StartsWith('#'));
        File.WriteAllText(Path.Combine(first.DataDir, "swapped"), ServerLine().Replace(File.ReadAllText(first.KubeconfigPath), $"server: {second.ApiUri.ToString().TrimEnd('/')}"));
        Assert.Contains("namespace/default", await new Kubectl("1.32", Path.Combine(first.DataDir, "swapped")).Ok("get namespaces -o name"));
        Assert.Contains("namespace/default", await new Kubectl("1.32", second.KubeconfigPath).Ok("get namespaces -o name"));

        // A dashboard session begun on one silo is a session on the other (one key ring in the credentials folder), so a
        // load balancer may send a signed-in user to either.
        var token = Line(first.KubeconfigPath, "token:")["token:".Length..].Trim();
        var cookie = await DashboardSignIn.SetCookie(new Uri($"http://127.0.0.1:{first.DashboardPort}"), token);
        using (var home = await DashboardSignIn.Home(new Uri($"http://127.0.0.1:{second.DashboardPort}"), cookie))
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        using (var anonymous = await DashboardSignIn.Home(new Uri($"http://127.0.0.1:{second.DashboardPort}"), ""))
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
    }

    private async Task<string> Database(string name)
    {
        await postgres.CreateDatabase(name);
        return postgres.ConnectionString(name);
    }

    private static string Line(string kubeconfig, string key) =>
        File.ReadLines(kubeconfig).Select(l => l.Trim()).Single(l => l.StartsWith(key, StringComparison.Ordinal));

    [GeneratedRegex(@"server: \S+")]
    private static partial Regex ServerLine();

    public void Dispose() => Directory.Delete(_credentials, recursive: true);
}
