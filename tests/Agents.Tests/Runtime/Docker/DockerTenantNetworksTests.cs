using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Runtime.Docker;
using OrleansOrchestrator.Contracts;
using ContainerSpec = OrleansOrchestrator.Agents.Runtime.ContainerSpec;

namespace OrleansOrchestrator.Agents.Tests.Runtime.Docker;

/// <summary>
/// Tenant networks on the real engine: made once however many agents ask at once, and pods of two tenants on one
/// host cannot reach each other's addresses while pods of one tenant can. Each test has a cluster id of its own
/// (network names carry it) and removes its networks and containers afterwards.
/// </summary>
public sealed class DockerTenantNetworksTests(DockerEngineFixture engine) : IClassFixture<DockerEngineFixture>, IAsyncLifetime
{
    private readonly string cluster = $"agents-tests-{Guid.NewGuid():N}"[..21];
    private readonly List<DockerRuntime> runtimes = [];
    private readonly List<DockerTenantNetworks> networks = [];
    private readonly CancellationTokenSource testTimeout = new(TimeSpan.FromSeconds(90));

    private CancellationToken Ct => testTimeout.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var runtime in runtimes) await engine.RemoveEverythingOf(runtime.NodeName);
        await engine.RemoveNetworksOf(cluster);
        runtimes.ForEach(r => r.Dispose());
        networks.ForEach(n => n.Dispose());
        testTimeout.Dispose();
    }

    [Theory]
    [InlineData("acme", "oo-acme", "oo-acme")]
    [InlineData("team-blue", "oo-team-blue", "oo-team-blue")]
    public void A_short_plain_tenant_of_the_default_cluster_names_its_network_and_bridge(string tenant, string network, string bridge)
    {
        Assert.Equal(network, DockerTenantNetworks.NetworkName(ClusterIdentity.DefaultClusterId, tenant));
        Assert.Equal(bridge, DockerTenantNetworks.BridgeName(ClusterIdentity.DefaultClusterId, tenant));
    }

    [Theory]
    [InlineData(ClusterIdentity.DefaultClusterId, "Acme_Corp.EU")]
    [InlineData(ClusterIdentity.DefaultClusterId, "a-tenant-whose-name-is-far-longer-than-any-bridge-interface-may-be")]
    [InlineData("another-cluster", "acme")]
    public void Other_tenants_and_clusters_get_a_hashed_docker_safe_name_and_a_bridge_of_at_most_15_characters(string clusterId, string tenant)
    {
        var name = DockerTenantNetworks.NetworkName(clusterId, tenant);
        var bridge = DockerTenantNetworks.BridgeName(clusterId, tenant);

        Assert.Matches("^oo-[a-z0-9-]+-[0-9a-f]{10}$", name);
        Assert.True(name.Length <= 64, name);
        Assert.Matches("^oo-[0-9a-f]{12}$", bridge);
        Assert.Equal(name, DockerTenantNetworks.NetworkName(clusterId, tenant));
        Assert.NotEqual(name, DockerTenantNetworks.NetworkName(clusterId, tenant + "x"));
        Assert.NotEqual(bridge, DockerTenantNetworks.BridgeName(clusterId + "x", tenant));
    }

    [Fact]
    public async Task Agents_creating_a_tenants_network_at_once_get_one_network_labelled_with_its_bridge()
    {
        // Four agents of one host (separate clients, as separate processes would be), each twice at once.
        var agents = Enumerable.Range(0, 4).Select(_ => NewNetworks()).ToList();

        var results = await Task.WhenAll(agents.SelectMany(a => new[] { a.Ensure("tenant-a", Ct), a.Ensure("tenant-a", Ct) }));

        var network = results[0];
        Assert.All(results, r => Assert.Equal(network, r));
        var named = (await engine.Docker.Networks.ListNetworksAsync(new NetworksListParameters(), Ct)).Where(n => n.Name == network.DockerNetwork).ToList();
        var inspected = await engine.Docker.Networks.InspectNetworkAsync(Assert.Single(named).ID, Ct);
        Assert.Equal("bridge", inspected.Driver);
        Assert.Equal(cluster, inspected.Labels["io.orleans-orchestrator.cluster"]);
        Assert.Equal("tenant-a", inspected.Labels["io.orleans-orchestrator.tenant"]);
        Assert.Equal(network.Bridge, inspected.Options[DockerTenantNetworks.BridgeNameOption]);
        Assert.Equal(DockerTenantNetworks.BridgeName(cluster, "tenant-a"), network.Bridge);
        Assert.Equal(inspected.IPAM.Config[0].Subnet, network.Subnet);
        Assert.Equal(inspected.IPAM.Config[0].Gateway, network.Gateway);
        Assert.Contains(network.Gateway, await TestShell($"ip -4 -o addr show dev {network.Bridge}"));

        // A later agent of the host learns it from the engine.
        var late = NewNetworks();
        await late.Refresh(Ct);
        Assert.Equal(network, Assert.Single(late.Known));
    }

    [Fact]
    public async Task A_network_of_that_name_that_is_not_the_tenants_is_refused()
    {
        var stranger = DockerTenantNetworks.NetworkName(cluster, "tenant-x");
        await engine.Docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = stranger,
            Labels = new Dictionary<string, string> { ["io.orleans-orchestrator.cluster"] = cluster },
        }, Ct);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => NewNetworks().Ensure("tenant-x", Ct));
        Assert.Contains(stranger, refused.Message);
    }

    [Fact]
    public async Task A_sandbox_joins_its_tenants_network_again_after_it_was_removed_by_hand()
    {
        var runtime = NewRuntime();
        var first = await runtime.RunSandbox(new SandboxSpec(NewPod("tenant-a", "first"), [], "first"), Ct);
        await runtime.RemoveSandbox(first.Pod, Ct);
        await engine.Docker.Networks.DeleteNetworkAsync(DockerTenantNetworks.NetworkName(cluster, "tenant-a"), Ct);

        var second = await runtime.RunSandbox(new SandboxSpec(NewPod("tenant-a", "second"), [], "second"), Ct);

        var network = await runtime.Networks.Ensure("tenant-a", Ct);
        Assert.True(InSubnet(second.PodIp!, network.Subnet), $"{second.PodIp} in {network.Subnet}");
    }

    [Fact]
    public async Task Pods_of_two_tenants_on_one_host_cannot_reach_each_other_while_pods_of_one_tenant_can()
    {
        var runtime = NewRuntime();
        var a1 = await WebPod(runtime, NewPod("tenant-a", "a1"));
        var a2 = await WebPod(runtime, NewPod("tenant-a", "a2"));
        var b1 = await WebPod(runtime, NewPod("tenant-b", "b1"));
        var networkA = await runtime.Networks.Ensure("tenant-a", Ct);
        var networkB = await runtime.Networks.Ensure("tenant-b", Ct);

        // Each pod's address is on its tenant's own network, and the two networks are different bridges.
        Assert.NotEqual(networkA.Bridge, networkB.Bridge);
        Assert.NotEqual(networkA.Subnet, networkB.Subnet);
        Assert.True(InSubnet(a1.Ip, networkA.Subnet) && InSubnet(a2.Ip, networkA.Subnet), $"{a1.Ip}, {a2.Ip} in {networkA.Subnet}");
        Assert.True(InSubnet(b1.Ip, networkB.Subnet), $"{b1.Ip} in {networkB.Subnet}");

        // Same tenant: reached (also the control that the web servers answer at all).
        Assert.Equal((0, "I am a1\n"), await Fetch(runtime, a2, a1));
        Assert.Equal((0, "I am a2\n"), await Fetch(runtime, a1, a2));
        // The host reaches both (it routes to every bridge): what reaches b1 below is the same server.
        Assert.Equal("I am b1\n", await TestShell($"timeout 3 busybox wget -q -O - http://{b1.Ip}:8080/"));

        // Other tenant, both ways: dropped by the engine's isolation rules, so the fetch times out.
        Assert.NotEqual(0, (await Fetch(runtime, b1, a1)).ExitCode);
        Assert.NotEqual(0, (await Fetch(runtime, a2, b1)).ExitCode);
    }

    [Fact]
    public async Task A_sandbox_made_on_the_default_bridge_before_tenant_networks_is_adopted_with_its_address()
    {
        var runtime = NewRuntime();
        var pod = NewPod("tenant-a", "legacy");
        // As the previous version made sandboxes: the same name and labels, no network of its own (docker0).
        var created = await engine.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = PodContainerNaming.SandboxName(pod),
            Image = DockerEngineFixture.TestImage,
            Cmd = ["sleep", "3600"],
            Labels = PodContainerNaming.Labels(cluster, runtime.NodeName, pod, PodContainerNaming.SandboxContainerName, PodContainerNaming.SandboxType, attempt: 0),
        }, Ct);
        await engine.Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), Ct);
        var bridgeAddress = (await engine.Docker.Containers.InspectContainerAsync(created.ID, Ct)).NetworkSettings.Networks["bridge"].IPAddress;

        var listed = Assert.Single(await runtime.ListSandboxes(Ct));
        var adopted = await runtime.RunSandbox(new SandboxSpec(pod, [], "legacy"), Ct);

        Assert.Equal((created.ID, bridgeAddress), (listed.Id, listed.PodIp));
        Assert.Equal((created.ID, bridgeAddress), (adopted.Id, adopted.PodIp));
        Assert.Empty(runtime.Networks.Known);
    }

    // ---------------------------------------------------------------- helpers

    private sealed record WebServer(string ContainerId, string Ip);

    private async Task<WebServer> WebPod(DockerRuntime runtime, PodRef pod)
    {
        var sandbox = await runtime.RunSandbox(new SandboxSpec(pod, [], pod.Name), Ct);
        var spec = new ContainerSpec(pod, "web", 0, DockerEngineFixture.TestImage, ["sh", "-c"],
            [$"mkdir -p /tmp/www && echo 'I am {pod.Name}' > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"],
            null, new Dictionary<string, string>(), [], null, null);
        var id = await runtime.CreateContainer(spec, sandbox.Id, Ct);
        await runtime.StartContainer(id, Ct);
        // Serving: the pod answers itself on its own address.
        var server = new WebServer(id, sandbox.PodIp!);
        await Eventually.True(async () => (await Fetch(runtime, server, server)).ExitCode == 0, $"{pod.Name} serves", TimeSpan.FromSeconds(15));
        return server;
    }

    /// <summary>Fetches <paramref name="to"/>'s page from inside <paramref name="from"/>, giving up after 3 s.</summary>
    private async Task<(int ExitCode, string Output)> Fetch(DockerRuntime runtime, WebServer from, WebServer to)
    {
        var result = await runtime.Exec(from.ContainerId, ["/bin/busybox", "timeout", "3", "wget", "-q", "-O", "-", $"http://{to.Ip}:8080/"], TimeSpan.FromSeconds(10), Ct);
        return (result.ExitCode, result.Output);
    }

    private DockerTenantNetworks NewNetworks()
    {
        var client = new DockerClientConfiguration(DockerRuntime.DefaultEndpoint).CreateClient();
        var tenantNetworks = new DockerTenantNetworks(client, cluster);
        networks.Add(tenantNetworks);
        return tenantNetworks;
    }

    private DockerRuntime NewRuntime()
    {
        var runtime = new DockerRuntime(cluster, $"test-node-{Guid.NewGuid():N}"[..22]);
        runtimes.Add(runtime);
        return runtime;
    }

    private static PodRef NewPod(string tenant, string name) => new(tenant, "default", name, Guid.NewGuid().ToString());

    private static bool InSubnet(string ip, string cidr) => IPNetwork.Parse(cidr).Contains(IPAddress.Parse(ip));

    private static async Task<string> TestShell(string command)
    {
        var info = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
