using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Networking;

/// <summary>
/// The node's proxy rules live in the kernel, not in the agent: traffic through a cluster IP keeps flowing while
/// the agent is dead, a restarted agent repairs what was changed behind its back, and a deleted Service leaves no
/// rule behind. The agent runs as its own process here so that it can be killed without the control plane.
/// </summary>
public sealed class ProxyRestartTests : IAsyncLifetime
{
    private readonly string _node = $"e2e-proxy-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly SiloProcess _silo = new();
    private AgentProcess _agent = null!;
    private Kubectl _kubectl = null!;

    public async Task InitializeAsync()
    {
        await TestImages.EnsureBusybox();
        await _silo.Start();
        _kubectl = new Kubectl("1.32", _silo.KubeconfigPath);
        _agent = new AgentProcess(_silo, ["--node-name", _node]);
        await _agent.Start();
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _silo.DisposeAsync();
        await TestImages.RemoveNodeLeftovers(_node);
    }

    private static async Task<string?> Fetch(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try { return (await http.GetStringAsync(url)).Trim(); }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

    /// <summary>The nat rules that send traffic for <paramref name="clusterIp"/> anywhere.</summary>
    private static async Task<IReadOnlyList<string>> RulesFor(string clusterIp) =>
        (await TestImages.Shell("iptables-save")).Split('\n').Where(l => l.Contains($"{clusterIp}/32")).ToList();

    [Fact]
    public async Task AgentKilled_TrafficKeepsFlowing_RestartedAgentRepairsADeletedRule_DeletedServiceLeavesNoRule()
    {
        await _kubectl.Ok("apply -f -", ServicePods.Web(_node, "survivor", "survivor"));
        await _kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: Service
            metadata: {name: survivor}
            spec:
              type: NodePort
              selector: {app: survivor}
              ports: [{port: 80, targetPort: 8080}]
            """);
        var clusterIp = (await _kubectl.Ok("get svc survivor -o jsonpath={.spec.clusterIP}")).Trim();
        var nodePort = (await _kubectl.Ok("get svc survivor -o jsonpath={.spec.ports[0].nodePort}")).Trim();
        await NetworkingFixture.AssertRoutesLocally(clusterIp);
        await Eventually.True(async () => await Fetch($"http://{clusterIp}/") == "survivor", "traffic through the cluster IP", TimeSpan.FromSeconds(90));

        await _agent.Kill();
        for (var i = 0; i < 20; i++)
            Assert.Equal("survivor", await Fetch($"http://{clusterIp}/"));

        // Behind the dead agent's back: remove the rule that catches the cluster IP.
        var rule = (await RulesFor(clusterIp)).First(l => l.StartsWith("-A ", StringComparison.Ordinal));
        await TestImages.Shell($"iptables -t nat {"-D " + rule[3..]}");
        await Eventually.True(async () => await Fetch($"http://{clusterIp}/") is null, "traffic stopped without the rule");

        _agent = new AgentProcess(_silo, ["--node-name", _node]);
        await _agent.Start();
        await Eventually.True(async () => await Fetch($"http://{clusterIp}/") == "survivor", "the restarted agent repairing the rule");
        Assert.Contains(rule, await RulesFor(clusterIp));

        await _kubectl.Ok("delete svc survivor");
        await Eventually.True(async () => (await RulesFor(clusterIp)).Count == 0 && !(await TestImages.Shell("iptables-save")).Contains($"--dport {nodePort} "),
            "every rule of the deleted Service gone");
        await _kubectl.Ok("delete pod survivor --wait=false");
    }
}
