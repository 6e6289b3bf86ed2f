using System.Net;
using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Agents;

/// <summary>
/// Pod networks through the product and the real kubectl: two tenants' pods on one Docker node sit on two bridge
/// networks and cannot reach each other, while a tenant's own pods can; a pod's resolv.conf and /etc/hosts are
/// the kubelet's. Traffic goes only to the pods' own networks.
/// </summary>
public sealed class PodNetworkTests(PodNetworkTests.TwoTenantNode node) : IClassFixture<PodNetworkTests.TwoTenantNode>
{
    /// <summary>A silo with its Docker node, and users of two tenants (<c>default</c> and <c>team-b</c>).</summary>
    public sealed class TwoTenantNode : IAsyncLifetime
    {
        public string NodeName { get; } = $"e2e-{Guid.NewGuid().ToString("N")[..8]}";

        public SiloProcess Silo { get; }

        public TwoTenantNode() => Silo = new SiloProcess(extraArgs: ["--node-name", NodeName], dockerAgent: true);

        public Kubectl Kubectl() => new("1.32", Silo.KubeconfigPath);

        public async Task InitializeAsync()
        {
            await TestImages.EnsureBusybox();
            TokenFiles.WriteUsers(Silo);
            await Silo.Start();
        }

        public async Task DisposeAsync()
        {
            await Silo.DisposeAsync();
            await TestImages.RemoveNodeLeftovers(NodeName);
            await TestImages.Shell("docker network rm oo-team-b >/dev/null 2>&1 || true");
        }
    }

    private string Pod(string name, string script, string extraSpec = "") => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}}}
        spec:
          nodeName: {{node.NodeName}}
          terminationGracePeriodSeconds: 0
        {{extraSpec}}
          containers:
          - name: app
            image: {{TestImages.Busybox}}
            imagePullPolicy: Never
            command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(script)}}]
        """;

    private const string WebServer = "mkdir -p /tmp/www && echo \"I am $(cat /proc/sys/kernel/hostname)\" > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www";

    private static string AsBob(string arguments) => $"--token={TokenFiles.OtherTenant} {arguments}";

    /// <summary>A pod that tries each address once (3 s each) and says what it got, in its log.</summary>
    private static string Prober(params string[] ips) =>
        string.Concat(ips.Select(ip => $"if busybox timeout 3 wget -q -O - http://{ip}:8080/ 2>/dev/null; then echo \"reached {ip}\"; else echo \"no answer from {ip}\"; fi; ")) + "sleep 3600";

    private async Task<string> RunningPodIp(string name, bool bob = false)
    {
        var pod = await Eventually.Value(async () =>
        {
            var json = JsonNode.Parse(await node.Kubectl().Ok(bob ? AsBob($"get pod {name} -o json") : $"get pod {name} -o json"))!;
            return json["status"]?["phase"]?.GetValue<string>() == "Running" && json["status"]?["podIP"] is not null ? json : null;
        }, $"pod {name} runs", TimeSpan.FromSeconds(60));
        return pod["status"]!["podIP"]!.GetValue<string>();
    }

    /// <summary>The pod's log once it holds <paramref name="lines"/> lines (kubectl logs: the product's log path).</summary>
    private Task<string> LogOf(string pod, int lines, bool bob = false) => Eventually.Value(async () =>
    {
        var result = await node.Kubectl().Run(bob ? AsBob($"logs {pod}") : $"logs {pod}");
        return result.ExitCode == 0 && result.Stdout.Count(c => c == '\n') >= lines ? result.Stdout : null;
    }, $"pod {pod} logs {lines} lines", TimeSpan.FromSeconds(60));

    private static async Task<string> Subnet(string network) =>
        (await TestImages.Shell($"docker network inspect {network} --format '{{{{(index .IPAM.Config 0).Subnet}}}}'")).Trim();

    [Fact]
    public async Task Pods_of_two_tenants_on_one_node_cannot_reach_each_other_while_a_tenants_own_pods_can()
    {
        var kubectl = node.Kubectl();
        await kubectl.Ok("apply -f -", Pod("a1", WebServer));
        await kubectl.Ok(AsBob("apply -f -"), Pod("b1", WebServer));
        var a1 = await RunningPodIp("a1");
        var b1 = await RunningPodIp("b1", bob: true);

        // Each tenant's pods are on that tenant's own network.
        var subnetA = IPNetwork.Parse(await Subnet("oo-default"));
        var subnetB = IPNetwork.Parse(await Subnet("oo-team-b"));
        Assert.True(subnetA.Contains(IPAddress.Parse(a1)), $"{a1} in {subnetA}");
        Assert.True(subnetB.Contains(IPAddress.Parse(b1)), $"{b1} in {subnetB}");
        Assert.NotEqual(subnetA, subnetB);

        // From a pod of each tenant: its own tenant's server answers, the other tenant's does not (dropped: timeout).
        await kubectl.Ok("apply -f -", Pod("a2", Prober(a1, b1)));
        await kubectl.Ok(AsBob("apply -f -"), Pod("b2", Prober(b1, a1)));

        Assert.Equal($"I am a1\nreached {a1}\nno answer from {b1}\n", await LogOf("a2", 3));
        Assert.Equal($"I am b1\nreached {b1}\nno answer from {a1}\n", await LogOf("b2", 3, bob: true));
    }

    [Fact]
    public async Task A_pod_gets_the_kubelets_resolv_conf_and_hosts_with_its_hostname_and_subdomain()
    {
        var kubectl = node.Kubectl();
        await kubectl.Ok("apply -f -", Pod("dns", "cat /etc/resolv.conf; echo ---; cat /etc/hosts; echo ---; cat /proc/sys/kernel/hostname; sleep 3600",
            "  hostname: web-0\n  subdomain: nginx"));
        var ip = await RunningPodIp("dns");

        var parts = (await LogOf("dns", 14)).Split("---\n");
        var dnsIp = Contracts.Networking.ClusterNetworks.Create(Contracts.Networking.ServiceRange.Parse(node.Silo.ServiceCidr), node.Silo.NodePortMin, node.Silo.NodePortMax).DnsIp;
        Assert.StartsWith($"nameserver {dnsIp}\nsearch default.svc.cluster.local svc.cluster.local cluster.local", parts[0]);
        Assert.EndsWith("\noptions ndots:5\n", parts[0]);
        Assert.StartsWith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n", parts[1]);
        Assert.EndsWith($"\n{ip}\tweb-0.nginx.default.svc.cluster.local\tweb-0\n", parts[1]);
        Assert.Equal("web-0\n", parts[2]);
    }
}
