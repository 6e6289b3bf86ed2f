using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Tests.Pods;

/// <summary>How Service variables combine with a container's own, in the kubelet's order.</summary>
public sealed class EnvironmentBuilderTests
{
    private static readonly StaticServiceRoutes Routes = new(new ClusterNetwork(),
    [
        new ServiceRoute { Tenant = "acme", Namespace = "shop", Name = "kv-leader", ClusterIP = "10.96.5.5", Ports = [new RoutePort { Port = 6379 }] },
        new ServiceRoute { Tenant = "acme", Namespace = "default", Name = "kubernetes", ClusterIP = "10.96.0.1", Ports = [new RoutePort { Name = "https", Port = 443 }] },
    ]);

    private static Pod PodWith(IReadOnlyList<EnvVar>? env = null, IReadOnlyList<EnvFromSource>? envFrom = null, bool? links = null) => new()
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "shop", Uid = "u1" },
        Spec = new PodSpec { EnableServiceLinks = links, Containers = [new Container { Name = "c", Image = "i", Env = env, EnvFrom = envFrom }] },
    };

    private static Task<IReadOnlyDictionary<string, string>> Build(Pod pod) =>
        new EnvironmentBuilder(new ConfigMaps(), Routes).Build("acme", pod, pod.Spec.Containers[0], "172.18.0.2", "192.0.2.10");

    [Fact]
    public async Task Service_variables_are_added_to_the_containers_own()
    {
        var env = await Build(PodWith([new EnvVar { Name = "MODE", Value = "follower" }]));

        Assert.Equal("follower", env["MODE"]);
        Assert.Equal("10.96.5.5", env["KV_LEADER_SERVICE_HOST"]);
        Assert.Equal("6379", env["KV_LEADER_SERVICE_PORT"]);
        Assert.Equal("10.96.0.1", env["KUBERNETES_SERVICE_HOST"]);
    }

    [Fact]
    public async Task The_containers_own_env_and_env_from_win_over_service_variables()
    {
        var env = await Build(PodWith(
            env: [new EnvVar { Name = "KV_LEADER_SERVICE_HOST", Value = "mine" }],
            envFrom: [new EnvFromSource { ConfigMapRef = new NamedSourceRef { Name = "settings" } }]));

        Assert.Equal("mine", env["KV_LEADER_SERVICE_HOST"]);
        Assert.Equal("from-config-map", env["KV_LEADER_SERVICE_PORT"]);
        Assert.Equal("tcp://10.96.5.5:6379", env["KV_LEADER_PORT"]);
    }

    [Fact]
    public async Task An_indexed_jobs_pod_reads_its_completion_index_from_its_annotation()
    {
        var pod = PodWith([new EnvVar
        {
            Name = "JOB_COMPLETION_INDEX",
            ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
        }]);
        pod = pod with { Metadata = pod.Metadata with { Annotations = new Dictionary<string, string> { ["batch.kubernetes.io/job-completion-index"] = "3" } } };

        Assert.Equal("3", (await Build(pod))["JOB_COMPLETION_INDEX"]);
    }

    [Fact]
    public async Task A_value_may_refer_to_service_variables()
    {
        var env = await Build(PodWith([new EnvVar { Name = "LEADER_URL", Value = "http://$(KV_LEADER_SERVICE_HOST):$(KV_LEADER_SERVICE_PORT)/" }]));

        Assert.Equal("http://10.96.5.5:6379/", env["LEADER_URL"]);
    }

    [Fact]
    public async Task Enable_service_links_false_keeps_only_the_kubernetes_service()
    {
        var env = await Build(PodWith(links: false));

        Assert.DoesNotContain("KV_LEADER_SERVICE_HOST", env.Keys);
        Assert.Equal("443", env["KUBERNETES_SERVICE_PORT"]);
    }

    private sealed class ConfigMaps : IClusterAccess
    {
        public Task<ConfigMap?> ConfigMap(string tenant, string ns, string name) => Task.FromResult<ConfigMap?>(
            name == "settings" ? new ConfigMap { Data = new Dictionary<string, string> { ["KV_LEADER_SERVICE_PORT"] = "from-config-map" } } : null);

        public Task<Secret?> Secret(string tenant, string ns, string name) => Task.FromResult<Secret?>(null);
        public Task<PersistentVolumeClaim?> PersistentVolumeClaim(string tenant, string ns, string name) => Task.FromResult<PersistentVolumeClaim?>(null);
        public Task<PersistentVolume?> PersistentVolume(string tenant, string name) => Task.FromResult<PersistentVolume?>(null);
        public Task<Contracts.Model.Node?> ThisNode() => Task.FromResult<Contracts.Model.Node?>(null);
        public Task WriteStatus(string podKey, Pod pod, PodStatus status) => Task.CompletedTask;
        public void RecordEvent(string podKey, Pod pod, string type, string reason, string message) { }
        public Task FinishDeletion(string podKey, string uid) => Task.CompletedTask;
    }
}
