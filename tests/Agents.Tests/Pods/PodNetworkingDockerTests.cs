using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Runtime.Docker;
using OrleansOrchestrator.Agents.Tests.Runtime.Docker;
using OrleansOrchestrator.Agents.Volumes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Agents.Tests.Pods;

/// <summary>
/// What a container of a pod sees, run by the agent's pod supervisor on the real engine: the Service variables of
/// its namespace, a resolv.conf and /etc/hosts as the kubelet writes them, its host name — and that it does not
/// start before the agent knows the cluster's network facts. The Service directory is a fixed in-memory one.
/// </summary>
public sealed class PodNetworkingDockerTests(DockerEngineFixture engine) : IClassFixture<DockerEngineFixture>, IAsyncLifetime
{
    private const string Tenant = "tenant-a";
    private static readonly TimeSpan ConditionTimeout = TimeSpan.FromSeconds(30);

    private readonly string cluster = $"agents-tests-{Guid.NewGuid():N}"[..21];
    private readonly string node = $"test-node-{Guid.NewGuid():N}"[..22];
    private readonly string dataDir = Directory.CreateTempSubdirectory("pod-networking-test-").FullName;
    private readonly RecordingCluster access = new();
    private readonly CancellationTokenSource stop = new(TimeSpan.FromSeconds(120));
    private DockerRuntime runtime = null!;
    private Task supervising = Task.CompletedTask;

    private static readonly ServiceRoute KvLeader = new()
    {
        Tenant = Tenant, Namespace = "shop", Name = "kv-leader", ClusterIP = "10.96.5.5",
        Ports = [new RoutePort { Name = "redis", Port = 6379 }],
    };

    private static readonly ServiceRoute Api = new()
    {
        Tenant = Tenant, Namespace = "default", Name = "kubernetes", ClusterIP = "10.96.0.1",
        Ports = [new RoutePort { Name = "https", Port = 443 }],
    };

    // Another tenant's Service of the same namespace name: never seen by tenant-a's pods.
    private static readonly ServiceRoute Foreign = KvLeader with { Tenant = "tenant-b", Name = "foreign", ClusterIP = "10.96.9.9" };

    public Task InitializeAsync()
    {
        runtime = new DockerRuntime(cluster, node);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        await supervising;
        await engine.RemoveEverythingOf(node);
        await engine.RemoveNetworksOf(cluster);
        runtime.Dispose();
        Directory.Delete(dataDir, recursive: true);
        stop.Dispose();
    }

    [Fact]
    public async Task Containers_wait_for_the_network_facts_then_see_service_variables_resolv_conf_hosts_and_their_hostname()
    {
        var routes = new StaticServiceRoutes(network: null, complete: false);
        var web = NewPod("web", spec => spec with
        {
            Hostname = "web-0",
            Subdomain = "nginx",
            DnsConfig = new PodDNSConfig { Options = [new PodDNSConfigOption { Name = "edns0" }] },
            Containers = [Sleeper() with { Env = [new EnvVar { Name = "LEADER_URL", Value = "http://$(KV_LEADER_SERVICE_HOST):$(KV_LEADER_SERVICE_PORT)/" }] }],
        });
        var isolated = NewPod("isolated", spec => spec with
        {
            EnableServiceLinks = false,
            DnsPolicy = "None",
            DnsConfig = new PodDNSConfig { Nameservers = ["192.0.2.77"], Searches = ["example.test"] },
            Containers = [Sleeper()],
        });
        Supervise(routes, web, isolated);

        // No network facts yet: the pods have sandboxes but no containers, and say why.
        var waiting = await Eventually.Value(() => Task.FromResult(access.Status(web)?.ContainerStatuses?.SingleOrDefault()?.State?.Waiting),
            "the web pod reports why it waits", ConditionTimeout);
        Assert.Equal("ContainerCreating", waiting.Reason);
        Assert.Equal(PodWorker.WaitingForServiceDirectory.Message, waiting.Message);
        Assert.Empty(await runtime.ListContainers(stop.Token));

        routes.Set(new ClusterNetwork { DnsIp = "10.96.0.10", ClusterDomain = "cluster.local" }, [KvLeader, Api, Foreign]);

        var webContainer = await Running("web");
        var podIp = (await runtime.ListSandboxes(stop.Token)).Single(s => s.Pod.Name == "web").PodIp;
        var tenantNetwork = await runtime.Networks.Ensure(Tenant, stop.Token);
        Assert.True(System.Net.IPNetwork.Parse(tenantNetwork.Subnet).Contains(System.Net.IPAddress.Parse(podIp!)), $"{podIp} in {tenantNetwork.Subnet}");
        Assert.Equal(podIp, access.Status(web)?.PodIP);

        var env = Variables(await Exec(webContainer, "env"));
        Assert.Equal("10.96.5.5", env["KV_LEADER_SERVICE_HOST"]);
        Assert.Equal("6379", env["KV_LEADER_SERVICE_PORT_REDIS"]);
        Assert.Equal("tcp://10.96.5.5:6379", env["KV_LEADER_PORT_6379_TCP"]);
        Assert.Equal("10.96.0.1", env["KUBERNETES_SERVICE_HOST"]);
        Assert.Equal("http://10.96.5.5:6379/", env["LEADER_URL"]);
        Assert.DoesNotContain("FOREIGN_SERVICE_HOST", env.Keys);

        Assert.Equal("nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local corp.example\noptions ndots:5 edns0\n",
            await Exec(webContainer, "cat /etc/resolv.conf"));
        Assert.EndsWith($"\n{podIp}\tweb-0.nginx.shop.svc.cluster.local\tweb-0\n", await Exec(webContainer, "cat /etc/hosts"));
        Assert.Equal("web-0\n", await Exec(webContainer, "cat /proc/sys/kernel/hostname"));

        var isolatedContainer = await Running("isolated");
        var isolatedEnv = Variables(await Exec(isolatedContainer, "env"));
        Assert.Equal("10.96.0.1", isolatedEnv["KUBERNETES_SERVICE_HOST"]);
        Assert.DoesNotContain("KV_LEADER_SERVICE_HOST", isolatedEnv.Keys);
        Assert.Equal("nameserver 192.0.2.77\nsearch example.test\n", await Exec(isolatedContainer, "cat /etc/resolv.conf"));
    }

    // ---------------------------------------------------------------- helpers

    private static Container Sleeper() => new()
    {
        Name = "app", Image = DockerEngineFixture.TestImage, ImagePullPolicy = "Never", Command = ["sleep", "3600"],
    };

    private static BoundPod NewPod(string name, Func<PodSpec, PodSpec> spec) => new(
        StoreKeys.Object(Tenant, ResourceKinds.Pod, "shop", name),
        new Pod
        {
            Metadata = new ObjectMeta { Name = name, Namespace = "shop", Uid = Guid.NewGuid().ToString(), ResourceVersion = "1" },
            Spec = spec(new PodSpec { TerminationGracePeriodSeconds = 0 }),
        });

    private void Supervise(IServiceRoutes routes, params BoundPod[] pods)
    {
        var supervisor = new PodSupervisor(runtime, access, new PodVolumes(access, dataDir, new ClaimVolumes(access, new Contracts.Model.Node(), Path.Combine(dataDir, "local-path"), makeFolders: false)), routes,
            PodDns.ParseResolvConf("nameserver 127.0.0.53\nsearch corp.example\n"), "127.0.0.1", TimeProvider.System, NullLogger.Instance);
        supervisor.Resync(pods);
        supervising = supervisor.Run(stop.Token);
    }

    private Task<string> Running(string pod) => Eventually.Value(async () =>
        (await runtime.ListContainers(stop.Token)).FirstOrDefault(c => c.Pod.Name == pod && c.State == ContainerRunState.Running)?.Id,
        $"pod {pod}'s container runs", ConditionTimeout);

    private async Task<string> Exec(string container, string script)
    {
        var result = await runtime.Exec(container, ["sh", "-c", script], TimeSpan.FromSeconds(10), stop.Token);
        Assert.True(result.ExitCode == 0, $"`{script}` exited {result.ExitCode}: {result.Output}");
        return result.Output;
    }

    private static Dictionary<string, string> Variables(string env) =>
        env.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);

    /// <summary>The store as the agent sees it: no ConfigMaps or Secrets; statuses kept, newest per pod.</summary>
    private sealed class RecordingCluster : IClusterAccess
    {
        private readonly ConcurrentDictionary<string, PodStatus> statuses = new();

        public PodStatus? Status(BoundPod pod) => statuses.GetValueOrDefault(pod.Key);

        public Task<ConfigMap?> ConfigMap(string tenant, string ns, string name) => Task.FromResult<ConfigMap?>(null);
        public Task<Secret?> Secret(string tenant, string ns, string name) => Task.FromResult<Secret?>(null);
        public Task<PersistentVolumeClaim?> PersistentVolumeClaim(string tenant, string ns, string name) => Task.FromResult<PersistentVolumeClaim?>(null);
        public Task<PersistentVolume?> PersistentVolume(string tenant, string name) => Task.FromResult<PersistentVolume?>(null);
        public Task<Contracts.Model.Node?> ThisNode() => Task.FromResult<Contracts.Model.Node?>(null);

        public Task WriteStatus(string podKey, Pod pod, PodStatus status)
        {
            statuses[podKey] = status;
            return Task.CompletedTask;
        }

        public void RecordEvent(string podKey, Pod pod, string type, string reason, string message) { }
        public Task FinishDeletion(string podKey, string uid) => Task.CompletedTask;
    }
}
