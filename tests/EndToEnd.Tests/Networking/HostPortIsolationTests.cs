using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Networking;

/// <summary>
/// A pod's container port is published on its node's address (decision 13), where the engine's userland proxy
/// accepts connections from any of the host's bridges: without the proxy's guard, another tenant's pod reached a
/// pod through <c>hostIP:hostPort</c>, around the bridges' isolation. The node runs as its own agent process with
/// this host's own address as its node address (the silo's built-in agent uses 127.0.0.1, which no pod can reach);
/// traffic goes only to that address, the pods' gateway and the pods.
/// </summary>
public sealed class HostPortIsolationTests : IAsyncLifetime
{
    private readonly string _node = $"e2e-hp-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly SiloProcess _silo = new();
    private AgentProcess _agent = null!;
    private Kubectl _kubectl = null!;
    private Kubectl _otherTenant = null!;
    private string _nodeAddress = null!;

    public async Task InitializeAsync()
    {
        _nodeAddress = await HostAddress();
        await TestImages.EnsureBusybox();
        TokenFiles.WriteUsers(_silo);
        await _silo.Start();
        _kubectl = new Kubectl("1.32", _silo.KubeconfigPath);
        _otherTenant = new Kubectl("1.32", _silo.KubeconfigPath, TokenFiles.OtherTenant);
        _agent = StartAgent();
        await _agent.Start();
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _silo.DisposeAsync();
        await TestImages.RemoveNodeLeftovers(_node);
    }

    private AgentProcess StartAgent() => new(_silo, ["--node-name", _node, "--address", _nodeAddress]);

    /// <summary>This host's own IPv4 address on a real interface (not a bridge of the engine's, not loopback).</summary>
    private static async Task<string> HostAddress()
    {
        foreach (var line in (await TestImages.Shell("ip -4 -o addr show scope global")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var device = fields[1];
            if (Directory.Exists($"/sys/class/net/{device}/bridge") || device.StartsWith("veth", StringComparison.Ordinal)) continue;
            return fields[3].Split('/')[0];
        }
        throw new InvalidOperationException("this host has no global IPv4 address outside the engine's bridges");
    }

    private async Task<(int ExitCode, string Output)> InPod(string pod, string command)
    {
        var id = (await TestImages.Shell(
            $"docker ps -q --filter label=io.orleans-orchestrator.node={_node} --filter label=io.kubernetes.pod.name={pod} --filter label=io.kubernetes.container.name=main")).Trim();
        Assert.False(string.IsNullOrEmpty(id), $"no running container of pod {pod}");
        return await TestImages.Run("docker", "exec", id, "sh", "-c", command);
    }

    private static async Task<string?> Fetch(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try { return (await http.GetStringAsync(url)).Trim(); }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

    private static Task WaitForRunning(Kubectl kubectl, string pod) =>
        Eventually.True(async () => (await kubectl.Run($"get pod {pod} -o jsonpath={{.status.phase}}")).Stdout.Trim() == "Running",
            $"pod {pod} running", TimeSpan.FromSeconds(90));

    [Fact]
    public async Task AnotherTenantsPod_IsRefusedAtAPodsHostPort_WhileItsOwnTenantsPodsAndTheHostReachIt_AlsoWithTheAgentDown()
    {
        await _kubectl.Ok("apply -f -", ServicePods.Web(_node, "hp-web", "hp-web"));
        await _kubectl.Ok("apply -f -", ServicePods.Client(_node, "hp-friend"));
        await _otherTenant.Ok("apply -f -", ServicePods.Client(_node, "hp-intruder"));
        await WaitForRunning(_kubectl, "hp-friend");
        await WaitForRunning(_otherTenant, "hp-intruder");
        var published = await Eventually.Value(async () =>
        {
            var result = await _kubectl.Run("get pod hp-web -o jsonpath={.status.hostPorts[0].hostIP}:{.status.hostPorts[0].hostPort}");
            return result.ExitCode == 0 && result.Stdout.Trim() is { Length: > 1 } text && !text.EndsWith(':') ? text : null;
        }, "hp-web's published host port", TimeSpan.FromSeconds(90));
        Assert.StartsWith($"{_nodeAddress}:", published);
        var url = $"http://{published}/";

        // The host and the tenant's own pods reach the pod at its host port.
        await Eventually.True(async () => await Fetch(url) == "hp-web", "the host reaching hp-web's host port", TimeSpan.FromSeconds(60));
        await Eventually.True(async () => (await InPod("hp-friend", $"timeout 3 wget -q -O - {url}")).Output.Trim() == "hp-web",
            "the tenant's own pod reaching hp-web's host port", TimeSpan.FromSeconds(30));

        // Another tenant's pod on the same host does not: neither at the node's address nor at its own gateway.
        async Task AssertRefused(string target)
        {
            var attempt = await InPod("hp-intruder", $"timeout 3 wget -q -O - {target}");
            Assert.True(attempt.ExitCode != 0, $"team-b's pod reached {target}: {attempt.Output}");
        }
        await AssertRefused(url);
        var gateway = (await InPod("hp-intruder", "ip route | awk '/^default/ {print $3}'")).Output.Trim();
        Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", gateway);
        await AssertRefused($"http://{gateway}:{published.Split(':')[1]}/");

        // The guard is in the kernel: it holds while the agent is down, and the own tenant keeps its way in.
        await _agent.Kill();
        await AssertRefused(url);
        Assert.Equal("hp-web", (await InPod("hp-friend", $"timeout 3 wget -q -O - {url}")).Output.Trim());
        // Behind the dead agent's back, the port's guard is deleted: the gap is open again, and the restarted agent,
        // once it has listed its pods, puts the guard back.
        var hostPort = published.Split(':')[1];
        var guard = (await TestImages.Shell("iptables-save -t filter")).Split('\n')
            .First(l => l.StartsWith("-A OO-", StringComparison.Ordinal) && l.Contains($"-d {_nodeAddress}/32 ") && l.Contains($"--dport {hostPort} ") && l.Contains("-HPT-"));
        await TestImages.Shell($"iptables -t filter -D {guard[3..]}");
        Assert.Equal("hp-web", (await InPod("hp-intruder", $"timeout 3 wget -q -O - {url}")).Output.Trim());
        _agent = StartAgent();
        await _agent.Start();
        await Eventually.True(async () => (await InPod("hp-intruder", $"timeout 3 wget -q -O - {url}")).ExitCode != 0,
            "the restarted agent guarding the host port again", TimeSpan.FromSeconds(60));
        Assert.Equal("hp-web", (await InPod("hp-friend", $"timeout 3 wget -q -O - {url}")).Output.Trim());

        await _kubectl.Ok("delete pod hp-web hp-friend --wait=false");
        await _otherTenant.Ok("delete pod hp-intruder --wait=false");
    }
}
