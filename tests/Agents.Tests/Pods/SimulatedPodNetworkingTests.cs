using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Runtime.Simulated;
using OrleansOrchestrator.Agents.Volumes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Agents.Tests.Pods;

/// <summary>Hollow pods wait for the network facts like real ones, but cost no files on disk.</summary>
public sealed class SimulatedPodNetworkingTests : IDisposable
{
    private readonly string dataDir = Directory.CreateTempSubdirectory("simulated-pod-networking-").FullName;
    private readonly CancellationTokenSource stop = new(TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        stop.Cancel();
        Directory.Delete(dataDir, recursive: true);
        stop.Dispose();
    }

    [Fact]
    public async Task A_hollow_pod_waits_for_a_complete_directory_then_runs_without_writing_resolv_conf()
    {
        var runtime = new SimulatedRuntime("10.244.1");
        var access = new Statuses();
        var routes = new StaticServiceRoutes(new ClusterNetwork(), complete: false);
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "hollow", Namespace = "default", Uid = Guid.NewGuid().ToString(), ResourceVersion = "1" },
            Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "app:1" }] },
        };
        var key = StoreKeys.Object("tenant-a", ResourceKinds.Pod, "default", "hollow");
        var supervisor = new PodSupervisor(runtime, access, new PodVolumes(access, dataDir, new ClaimVolumes(access, new Contracts.Model.Node(), Path.Combine(dataDir, "local-path"), makeFolders: false)), routes, ResolverConfig.Empty, "10.64.0.2", TimeProvider.System, NullLogger.Instance);
        supervisor.Resync([new BoundPod(key, pod)]);
        var running = supervisor.Run(stop.Token);

        var waiting = await Eventually.Value(() => Task.FromResult(access.Latest(key)?.ContainerStatuses?.Single().State?.Waiting), "the pod says why it waits");
        Assert.Equal(PodWorker.WaitingForServiceDirectory, new WaitingReason(waiting.Reason!, waiting.Message));

        routes.Set(new ClusterNetwork(), []);
        await Eventually.True(async () => (await runtime.ListContainers(stop.Token)).Any(c => c.State == ContainerRunState.Running), "the container runs");

        Assert.False(Directory.Exists(Path.Combine(dataDir, "pods", pod.Metadata.Uid, "etc")));
        await stop.CancelAsync();
        await running;
    }

    private sealed class Statuses : IClusterAccess
    {
        private readonly ConcurrentDictionary<string, PodStatus> latest = new();

        public PodStatus? Latest(string key) => latest.GetValueOrDefault(key);
        public Task<ConfigMap?> ConfigMap(string tenant, string ns, string name) => Task.FromResult<ConfigMap?>(null);
        public Task<Secret?> Secret(string tenant, string ns, string name) => Task.FromResult<Secret?>(null);
        public Task<PersistentVolumeClaim?> PersistentVolumeClaim(string tenant, string ns, string name) => Task.FromResult<PersistentVolumeClaim?>(null);
        public Task<PersistentVolume?> PersistentVolume(string tenant, string name) => Task.FromResult<PersistentVolume?>(null);
        public Task<Contracts.Model.Node?> ThisNode() => Task.FromResult<Contracts.Model.Node?>(null);

        public Task WriteStatus(string podKey, Pod pod, PodStatus status)
        {
            latest[podKey] = status;
            return Task.CompletedTask;
        }

        public void RecordEvent(string podKey, Pod pod, string type, string reason, string message) { }
        public Task FinishDeletion(string podKey, string uid) => Task.CompletedTask;
    }
}
