using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Agents.Runtime.Simulated;
using OrleansOrchestrator.Agents.Volumes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Agents.Tests.Pods;

/// <summary>
/// A node that was unreachable comes back: meanwhile the control plane marked its pods not ready. The agent sees
/// the same containers as before, so its status did not change here; it must still write it again, or the pods
/// stay out of their Services for good.
/// </summary>
public sealed class LostReadinessTests : IDisposable
{
    private readonly string dataDir = Directory.CreateTempSubdirectory("lost-readiness-").FullName;
    private readonly CancellationTokenSource stop = new(TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        stop.Cancel();
        Directory.Delete(dataDir, recursive: true);
        stop.Dispose();
    }

    [Fact]
    public async Task A_running_pod_marked_not_ready_by_the_control_plane_is_reported_ready_again()
    {
        var access = new Statuses();
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "default", Uid = Guid.NewGuid().ToString(), ResourceVersion = "1" },
            Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "app:1" }] },
        };
        var key = StoreKeys.Object("tenant-a", ResourceKinds.Pod, "default", "web");
        var supervisor = new PodSupervisor(new SimulatedRuntime("10.244.1"), access,
            new PodVolumes(access, dataDir, new ClaimVolumes(access, new Contracts.Model.Node(), Path.Combine(dataDir, "local-path"), makeFolders: false)),
            new StaticServiceRoutes(new ClusterNetwork(), complete: true), ResolverConfig.Empty, "10.64.0.2", TimeProvider.System, NullLogger.Instance);
        supervisor.Resync([new BoundPod(key, pod)]);
        var running = supervisor.Run(stop.Token);

        var ready = await Eventually.Value(() => Task.FromResult(access.Latest(key) is { } s && Ready(s) == "True" ? s : null), "the pod reported ready");
        var writes = access.Writes;

        // The node lifecycle controller's write, pushed to the agent as the next version of the pod.
        var markedNotReady = pod with
        {
            Metadata = pod.Metadata with { ResourceVersion = "9" },
            Status = ready with { Conditions = ready.Conditions!.Select(c => c.Type == "Ready" ? c with { Status = "False" } : c).ToList() },
        };
        supervisor.Apply(key, markedNotReady);

        await Eventually.True(() => access.Writes > writes && Ready(access.Latest(key)!) == "True", "the pod reported ready again");
        await stop.CancelAsync();
        await running;
    }

    private static string? Ready(PodStatus status) => status.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status;

    private sealed class Statuses : IClusterAccess
    {
        private readonly ConcurrentDictionary<string, PodStatus> latest = new();
        private int writes;

        public int Writes => Volatile.Read(ref writes);
        public PodStatus? Latest(string key) => latest.GetValueOrDefault(key);
        public Task<ConfigMap?> ConfigMap(string tenant, string ns, string name) => Task.FromResult<ConfigMap?>(null);
        public Task<Secret?> Secret(string tenant, string ns, string name) => Task.FromResult<Secret?>(null);
        public Task<PersistentVolumeClaim?> PersistentVolumeClaim(string tenant, string ns, string name) => Task.FromResult<PersistentVolumeClaim?>(null);
        public Task<PersistentVolume?> PersistentVolume(string tenant, string name) => Task.FromResult<PersistentVolume?>(null);
        public Task<Contracts.Model.Node?> ThisNode() => Task.FromResult<Contracts.Model.Node?>(null);

        public Task WriteStatus(string podKey, Pod pod, PodStatus status)
        {
            latest[podKey] = status;
            Interlocked.Increment(ref writes);
            return Task.CompletedTask;
        }

        public void RecordEvent(string podKey, Pod pod, string type, string reason, string message) { }
        public Task FinishDeletion(string podKey, string uid) => Task.CompletedTask;
    }
}
