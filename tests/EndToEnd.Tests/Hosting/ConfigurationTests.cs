using System.Diagnostics;
using System.Text.Json;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Hosting;

/// <summary>
/// The main command configured as an operator would: a settings file (<c>--config</c>), <c>OO__</c> environment variables
/// and the command line, a later source winning option by option.
/// </summary>
public sealed class ConfigurationTests(PostgresServer postgres) : IDisposable, IClassFixture<PostgresServer>
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oo-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task SettingsFileAndEnvironment_AreHonoured_TheCommandLineWinningOverBoth()
    {
        var fileAudit = Path.Combine(_dir, "file-audit.log");
        var environmentAudit = Path.Combine(_dir, "environment-audit.log");
        var settings = Path.Combine(_dir, "orchestrator.json");
        File.WriteAllText(settings, JsonSerializer.Serialize(new
        {
            SimulatedNodes = 2,
            SimulatedNodePrefix = "from-file",
            AuditLogPath = fileAudit,
            // The command line's --api-port (the test's own port) wins over this one.
            ApiPort = FreePort.Next(),
            Logging = new { LogLevel = new { Default = "Warning" } },
        }));
        await using var silo = new SiloProcess(extraArgs: ["--config", settings],
            environment: new Dictionary<string, string> { ["OO__AuditLogPath"] = environmentAudit });

        await silo.Start();

        Assert.Contains($"Kubernetes API: https://127.0.0.1:{silo.ApiPort}", silo.Output);
        Assert.Contains($"Audit log:      {environmentAudit}", silo.Output);
        var kubectl = new Kubectl("1.32", silo.KubeconfigPath);
        await Eventually.True(async () => (await kubectl.Ok("get nodes")).Split('\n')
                .Count(l => (l.StartsWith("from-file-0000 ", StringComparison.Ordinal) || l.StartsWith("from-file-0001 ", StringComparison.Ordinal)) && l.Contains(" Ready ", StringComparison.Ordinal)) == 2,
            "the file's two simulated nodes, under the file's prefix, Ready");
        await Eventually.True(() => File.Exists(environmentAudit) && File.ReadAllText(environmentAudit).Contains("/api/v1/nodes", StringComparison.Ordinal),
            "kubectl's request in the audit log the environment named");
        Assert.False(File.Exists(fileAudit));
    }

    [Fact]
    public async Task Help_PrintsTheUsageAndSucceeds_ABadSettingStopsTheSiloWithExitCode2()
    {
        var help = await RunSilo(["--help"], []);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage: OrleansOrchestrator.Silo [options]", help.Stdout);
        Assert.Contains("OO__", help.Stdout);

        var badVariable = await RunSilo(["--data-dir", _dir], new() { ["OO__ApiPort"] = "https" });
        Assert.Equal(2, badVariable.ExitCode);
        Assert.StartsWith("OO__ApiPort needs a port number between 1 and 65535", badVariable.Stderr);
        Assert.Contains("Usage:", badVariable.Stderr);

        var missingFile = await RunSilo(["--data-dir", _dir, "--config", Path.Combine(_dir, "missing.json")], []);
        Assert.Equal(2, missingFile.ExitCode);
        Assert.Contains("missing.json does not exist", missingFile.Stderr);
        // Refused before anything was made in the data folder.
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task TwoSilosSharingPostgreSql_WithoutAPrefix_HostSimulatedNodesOfTheirOwn()
    {
        await postgres.CreateDatabase("config_prefix");
        var connection = postgres.ConnectionString("config_prefix");
        await using var first = new SiloProcess(postgres: connection, extraArgs: ["--node-name", "host-a", "--simulated-nodes", "2"]);
        await first.Start();
        // The second silo shares the first's credentials folder (SiloProcess does that for silos of one database) and its network settings.
        await using var second = new SiloProcess(postgres: connection, extraArgs: ["--node-name", "host-b", "--simulated-nodes", "2",
            "--service-cidr", first.ServiceCidr, "--service-node-port-range", $"{first.NodePortMin}-{first.NodePortMax}"]);
        await second.Start();

        string[] expected = [$"sim-host-a-{first.SiloPort}-0000", $"sim-host-a-{first.SiloPort}-0001", $"sim-host-b-{second.SiloPort}-0000", $"sim-host-b-{second.SiloPort}-0001"];
        Assert.Contains($"2 simulated nodes ({expected[0]}, …)", first.Output);
        var kubectl = new Kubectl("1.32", first.KubeconfigPath);
        await Eventually.True(async () => (await kubectl.Ok("get nodes --no-headers")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l.Contains(" Ready ", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).Order().SequenceEqual(expected),
            "both silos' simulated nodes, four in all, Ready");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunSilo(string[] args, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(RepoPaths.SiloDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
