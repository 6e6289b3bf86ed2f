using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Networking;

/// <summary>
/// A silo with its local agent on the Docker engine (the node's proxy and DNS server included), users of two
/// tenants, and the helpers the Services tests share: running commands inside a pod's container, reading
/// objects, and the guard that a cluster IP routes locally before anything is sent to it.
/// </summary>
public sealed class NetworkingFixture : IAsyncLifetime
{
    public string NodeName { get; } = $"e2e-net-{Guid.NewGuid().ToString("N")[..8]}";

    public SiloProcess Silo { get; }

    public NetworkingFixture() => Silo = new SiloProcess(extraArgs: ["--node-name", NodeName], dockerAgent: true);

    /// <summary>kubectl as the administrator of tenant <c>default</c>.</summary>
    public Kubectl Kubectl { get; private set; } = null!;

    /// <summary>kubectl as bob, of tenant <c>team-b</c>.</summary>
    public Kubectl OtherTenant { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await TestImages.EnsureBusybox();
        TokenFiles.WriteUsers(Silo);
        await Silo.Start();
        Kubectl = new Kubectl("1.32", Silo.KubeconfigPath);
        OtherTenant = new Kubectl("1.32", Silo.KubeconfigPath, TokenFiles.OtherTenant);
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await TestImages.RemoveNodeLeftovers(NodeName);
    }

    /// <summary>Runs a shell command in a pod's container through the engine (<c>kubectl exec</c> is a later issue); returns exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> InPod(string pod, string command, string container = "main")
    {
        var id = (await TestImages.Shell(
            $"docker ps -q --filter label=io.orleans-orchestrator.node={NodeName} --filter label=io.kubernetes.pod.name={pod} --filter label=io.kubernetes.container.name={container}")).Trim();
        Assert.False(string.IsNullOrEmpty(id), $"no running container {container} of pod {pod}");
        return await TestImages.Run("docker", "exec", id, "sh", "-c", command);
    }

    public async Task<JsonNode> Get(Kubectl kubectl, string what) => JsonNode.Parse(await kubectl.Ok($"get {what} -o json"))!;

    /// <summary>The guard every test runs before sending to a cluster IP: the service range is routed on this host, so a packet can never leave it.</summary>
    public static async Task AssertRoutesLocally(string address)
    {
        var route = await TestImages.Shell($"ip route get {address}");
        Assert.DoesNotContain(" via ", route);
    }

    /// <summary>The cluster IP once allocated, checked to route locally.</summary>
    public async Task<string> ClusterIp(Kubectl kubectl, string service)
    {
        var ip = (await kubectl.Ok($"get svc {service} -o jsonpath={{.spec.clusterIP}}")).Trim();
        Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", ip);
        await AssertRoutesLocally(ip);
        return ip;
    }

    /// <summary>The addresses of the Service's Endpoints: ready ones and not-ready ones.</summary>
    public async Task<(IReadOnlyList<string> Ready, IReadOnlyList<string> NotReady)> Endpoints(Kubectl kubectl, string service)
    {
        var result = await kubectl.Run($"get endpoints {service} -o json");
        if (result.ExitCode != 0) return ([], []);
        var subsets = JsonNode.Parse(result.Stdout)!["subsets"]?.AsArray() ?? [];
        List<string> Ips(string field) =>
            subsets.SelectMany(s => s![field]?.AsArray() ?? []).Select(a => a!["ip"]!.GetValue<string>()).ToList();
        return (Ips("addresses"), Ips("notReadyAddresses"));
    }

    public Task<IReadOnlyList<string>> WaitForReadyEndpoints(Kubectl kubectl, string service, int count) =>
        Eventually.Value<IReadOnlyList<string>>(async () =>
        {
            var (ready, _) = await Endpoints(kubectl, service);
            return ready.Count == count ? ready : null;
        }, $"{count} ready endpoints of {service}", TimeSpan.FromSeconds(90));

    public Task WaitForPodReady(Kubectl kubectl, string pod) =>
        Eventually.True(async () =>
            (await Get(kubectl, $"pod {pod}"))["status"]?["conditions"]?.AsArray()
                .Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true,
            $"pod {pod} ready", TimeSpan.FromSeconds(90));

    public async Task<string> PodIp(Kubectl kubectl, string pod) =>
        (await kubectl.Ok($"get pod {pod} -o jsonpath={{.status.podIP}}")).Trim();

    public string WebPod(string name, string app, int port = 8080, string portName = "http") => ServicePods.Web(NodeName, name, app, port, portName);

    public string ClientPod(string name) => ServicePods.Client(NodeName, name);
}
