using OrleansOrchestrator.Silo.Hosting;

namespace OrleansOrchestrator.Silo.Tests.Hosting;

public sealed class SiloOptionsTests
{
    [Fact]
    public void Defaults_AreKubernetesServiceRangeAndNodePorts_WithTheDefaultGatewayPortReserved()
    {
        var options = SiloOptions.Parse([]);
        Assert.Equal("10.96.0.0/12", options.ClusterNetwork.ServiceCidr);
        Assert.Equal("10.96.0.1", options.ClusterNetwork.KubernetesServiceIp);
        Assert.Equal("10.96.0.10", options.ClusterNetwork.DnsIp);
        Assert.Equal((30000, 32767), (options.ClusterNetwork.NodePortMin, options.ClusterNetwork.NodePortMax));
        // Orleans' default gateway port is the range's first node port: no Service may have it.
        Assert.Equal([30000], options.NodePortsInUse);
        Assert.Equal("127.0.0.1", options.AdvertiseAddress);
    }

    [Fact]
    public void ServiceCidrAndNodePortRange_AreTaken_AndOnlyTheSilosPortsInsideTheRangeAreReserved()
    {
        var options = SiloOptions.Parse(["--service-cidr", "10.200.3.0/24", "--service-node-port-range", "31000-31015",
            "--api-port", "31005", "--gateway-port", "30000", "--dashboard-port", "31015", "--advertise-address", "192.0.2.2"]);
        Assert.Equal("10.200.3.0/24", options.ClusterNetwork.ServiceCidr);
        Assert.Equal("10.200.3.1", options.ClusterNetwork.KubernetesServiceIp);
        Assert.Equal("10.200.3.10", options.ClusterNetwork.DnsIp);
        Assert.Equal((31000, 31015), (options.NodePortMin, options.NodePortMax));
        Assert.Equal([31005, 31015], options.NodePortsInUse);
        Assert.Equal("192.0.2.2", options.AdvertiseAddress);
    }

    [Fact]
    public void EncryptionKeyFile_DefaultsToTheDataFolder_OrIsTheGivenPath_AndRewriteSecretsIsAFlag()
    {
        var defaults = SiloOptions.Parse(["--data-dir", "/srv/oo"]);
        Assert.Equal("/srv/oo/encryption-keys", defaults.EncryptionKeyFilePath);
        Assert.Null(defaults.EncryptionKeyFile);
        Assert.False(defaults.RewriteSecrets);

        var given = SiloOptions.Parse(["--encryption-key-file", "/etc/oo/keys", "--rewrite-secrets"]);
        Assert.Equal("/etc/oo/keys", given.EncryptionKeyFilePath);
        Assert.True(given.RewriteSecrets);
        Assert.Contains("--encryption-key-file FILE", SiloOptions.Usage);
        Assert.Contains("--rewrite-secrets", SiloOptions.Usage);
    }

    [Fact]
    public void EncryptionProvider_IsAesGcmUnlessIdentityIsAsked_AndNothingElse()
    {
        Assert.Equal("aesgcm", SiloOptions.Parse([]).EncryptionProvider);
        Assert.Equal("identity", SiloOptions.Parse(["--encryption-provider", "identity"]).EncryptionProvider);
        Assert.Equal("aesgcm", SiloOptions.Parse(["--encryption-provider", "aesgcm"]).EncryptionProvider);
        var e = Assert.Throws<ArgumentException>(() => SiloOptions.Parse(["--encryption-provider", "secretbox"]));
        Assert.StartsWith("--encryption-provider is aesgcm or identity, not secretbox", e.Message);
        Assert.Contains("--encryption-provider P", SiloOptions.Usage);
    }

    [Fact]
    public void SessionRecheck_AtMostAMinute_AndDashboardHttpsIsAFlag()
    {
        var defaults = SiloOptions.Parse([]);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.SessionRecheck);
        Assert.False(defaults.DashboardHttps);

        Assert.Equal(TimeSpan.FromSeconds(60), SiloOptions.Parse(["--session-recheck", "60"]).SessionRecheck);
        Assert.Contains("at most 60 seconds", Assert.Throws<ArgumentException>(() => SiloOptions.Parse(["--session-recheck", "61"])).Message);
        Assert.True(SiloOptions.Parse(["--dashboard-https"]).DashboardHttps);
        Assert.Contains("--dashboard-https", SiloOptions.Usage);
    }

    [Fact]
    public void BindAddressAndAudit_DefaultToLoopbackAndTheDataFolder()
    {
        var options = SiloOptions.Parse(["--data-dir", "/tmp/oo-data"]);
        Assert.Equal(System.Net.IPAddress.Loopback, options.BindAddress);
        Assert.Equal("127.0.0.1", options.ClientHost);
        Assert.Equal(new OrleansOrchestrator.Silo.Api.Audit.AuditLogOptions("/tmp/oo-data/audit.log", 100, 10), options.AuditLog);
    }

    [Theory]
    [InlineData("0.0.0.0", "127.0.0.1")]
    [InlineData("::", "[::1]")]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("fd00::7", "[fd00::7]")]
    public void BindAddress_ClientsUseItOrLoopbackForEveryAddress(string bind, string clientHost) =>
        Assert.Equal(clientHost, SiloOptions.Parse(["--bind-address", bind]).ClientHost);

    [Fact]
    public void AuditFlags_AsKubeApiserversAreTaken()
    {
        var options = SiloOptions.Parse(["--audit-log-path", "-", "--audit-log-maxsize", "5", "--audit-log-maxbackup", "0"]);
        Assert.Equal(new OrleansOrchestrator.Silo.Api.Audit.AuditLogOptions("-", 5, 0), options.AuditLog);
        Assert.Equal(Path.GetFullPath("x/a.log"), SiloOptions.Parse(["--audit-log-path", "x/a.log"]).AuditLogPath);
        // A dashboard-only process shares the silos' data folder but never their log file.
        Assert.EndsWith("dashboard-audit.log", SiloOptions.Parse(["--dashboard-only", "127.0.0.1:30000"]).AuditLogPath);
    }

    [Theory]
    [InlineData("--service-cidr", "10.96.0.1/12", "--service-cidr: 10.96.0.1/12 is not a network address: did you mean 10.96.0.0/12?")]
    [InlineData("--service-cidr", "10.96.0.0/29", "--service-cidr: 10.96.0.0/29 has a /29 prefix: a service range needs a prefix between /1 and /28")]
    [InlineData("--service-cidr", "fd00::/108", "only IPv4 service ranges are supported")]
    [InlineData("--service-node-port-range", "32767-30000", "--service-node-port-range needs MIN-MAX, two port numbers with MIN <= MAX")]
    [InlineData("--service-node-port-range", "30000", "--service-node-port-range needs MIN-MAX")]
    [InlineData("--service-node-port-range", "0-100", "--service-node-port-range needs MIN-MAX")]
    [InlineData("--advertise-address", "localhost", "--advertise-address needs an IP address")]
    [InlineData("--bind-address", "example.com", "--bind-address needs an IP address")]
    [InlineData("--audit-log-maxsize", "-1", "--audit-log-maxsize needs a whole number")]
    public void BadNetworkOptions_StopTheSiloWithAClearMessage(string option, string value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => SiloOptions.Parse([option, value]));
        Assert.Contains(message, error.Message);
        Assert.Contains("Usage:", error.Message);
    }

    [Fact]
    public void LocalPathRoot_DefaultsToTheLocalAgentsDataFolder_OrIsTheGivenFolder()
    {
        Assert.Null(SiloOptions.Parse([]).LocalPathRoot);
        Assert.Equal("/srv/volumes", SiloOptions.Parse(["--local-path-root", "/srv/volumes"]).LocalPathRoot);
        Assert.Equal(Path.GetFullPath("volumes"), SiloOptions.Parse(["--local-path-root", "volumes"]).LocalPathRoot);
    }
}
