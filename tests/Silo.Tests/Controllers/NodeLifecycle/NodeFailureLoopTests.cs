using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Controllers.NodeLifecycle;
using OrleansOrchestrator.Silo.Networking;
using OrleansOrchestrator.Silo.Nodes;

namespace OrleansOrchestrator.Silo.Tests.Controllers.NodeLifecycle;

/// <summary>
/// A node whose agent goes silent, in an in-process silo over a real (SQLite) store: the agent is this test, which
/// registers the node and heartbeats as an agent does, then stops. The loop runs with a short grace period and short
/// tolerations so that what takes minutes with Kubernetes' defaults takes seconds here.
/// </summary>
[Collection(NodeLifecycleGrainTests.Collection)]
public sealed class NodeFailureLoopTests : IAsyncLifetime
{
    private const string Tenant = "team-a";
    private const string Ns = "default";
    private const string NodeName = "node-1";

    /// <summary>A node whose grain fails to be marked unreachable, as one on a silo just lost does (<see cref="FailingMarkUnreachable"/>).</summary>
    private const string BrokenNode = "node-broken";
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(4);
    private const long TolerationSeconds = 3;

    private readonly string _folder = System.IO.Directory.CreateTempSubdirectory("oo-nodefailure-").FullName;
    private InProcessTestCluster _cluster = null!;
    private TestAgent _agent = null!;

    private IGrainFactory Grains => _cluster.Client;

    private StoreClient Store => new(Grains, Tenant, SystemActors.Bootstrap);

    private INodeLifecycle Loop => Grains.GetGrain<INodeLifecycle>(NodeLifecycleGrain.Key);

    private IObjectGrain NodeObject => Grains.GetGrain<IObjectGrain>(StoreKeys.Object(StoreKeys.SystemTenant, ResourceKinds.Node, null, NodeName));

    public async Task InitializeAsync()
    {
        _cluster = await StoreTestSilo.Start(_folder, $"0123456789abcdef0123,admin,{Tenant},system:masters\n", services =>
        {
            services.AddSingleton(TimeProvider.System);
            services.AddServiceNetworking(new ClusterNetwork { ServiceCidr = "10.43.0.0/16", KubernetesServiceIp = "10.43.0.1", DnsIp = "10.43.0.10" }, []);
            // Registered after StoreTestSilo's defaults, so these are the ones the loop and the admission read.
            services.AddSingleton(new ControllerOptions
            {
                NodeMonitorGracePeriod = Grace,
                ClusterSweep = TimeSpan.FromMilliseconds(500),
                DefaultUnreachableTolerationSeconds = TolerationSeconds,
                DefaultNotReadyTolerationSeconds = TolerationSeconds,
            });
            services.AddNodeHeartbeats();
            services.AddSingleton<IIncomingGrainCallFilter, FailingMarkUnreachable>();
        });
        Assert.NotNull(await Store.Create(new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = Ns } }));
        _agent = new TestAgent(Grains.GetGrain<INodeGrain>(NodeName));
        await _agent.Start();
        await Loop.Start();
    }

    public async Task DisposeAsync()
    {
        await _agent.Stop();
        await _cluster.DisposeAsync();
        try { System.IO.Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task SilentNode_IsUnknownAndTaintedWithinGrace_ItsPodsLeaveEndpoints_AndAreEvictedWhenTheirTolerationRunsOut()
    {
        Assert.NotNull(await Store.Create(new Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta { Name = "web", Namespace = Ns },
            Spec = new ServiceSpec { Selector = Samples.Labels(("app", "web")), Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = "http" }] },
        }));
        var web = await RunPod("web-1", "10.244.1.5");
        // The admission gave the pod Kubernetes' default tolerations, with this silo's seconds.
        Assert.Equal([(NodeTaints.NotReady, TolerationSeconds), (NodeTaints.Unreachable, TolerationSeconds)],
            web.Spec.Tolerations!.Select(t => (t.Key!, t.TolerationSeconds!.Value)));
        // A daemon's pod tolerates a failed node for ever.
        await RunPod("daemon-1", "10.244.1.6", [
            new Toleration { Key = NodeTaints.NotReady, Operator = "Exists", Effect = "NoExecute" },
            new Toleration { Key = NodeTaints.Unreachable, Operator = "Exists", Effect = "NoExecute" }]);
        await Eventually.True(async () => await Endpoints() is { Subsets: [{ Addresses: [{ Ip: "10.244.1.5" }] }] }, "web-1 ready in the Endpoints");

        var lastHeartbeat = await _agent.Stop();

        var node = await Eventually.Value(async () => await NodeObject.Get() is Node { } n && NodeTaints.ReadyStatus(n) == "Unknown" ? n : null,
            "the node Ready=Unknown", TimeSpan.FromSeconds(30));
        var detected = DateTimeOffset.UtcNow - lastHeartbeat;
        Assert.True(detected > Grace, $"marked after {detected.TotalSeconds:F1} s of silence, before the {Grace.TotalSeconds} s grace period");
        Assert.True(detected <= Grace + TimeSpan.FromSeconds(5), $"marked only after {detected.TotalSeconds:F1} s of silence");
        Assert.All(node.Status!.Conditions!, c => Assert.Equal(("Unknown", "Kubelet stopped posting node status."), (c.Status, c.Message)));
        Assert.Equal([(NodeTaints.Unreachable, "NoExecute"), (NodeTaints.Unreachable, "NoSchedule")],
            node.Spec.Taints!.Select(t => (t.Key, t.Effect)).Order());

        // Its pods are not ready: the Service stops sending them traffic.
        await Eventually.True(async () => await Store.Get<Pod>(Ns, "web-1") is { } pod && !PodConditions.IsReady(pod), "web-1 Ready=False");
        await Eventually.True(async () => await Endpoints() is { Subsets: [{ Addresses: null or [], NotReadyAddresses: [{ Ip: "10.244.1.5" }] }] },
            "web-1 among the Endpoints' not-ready addresses");

        // Evicted once its toleration ran out, counted from the taint.
        var taintAdded = node.Spec.Taints!.Single(t => t.Effect == "NoExecute").TimeAdded!.Value;
        await Eventually.True(async () => await Store.Get<Pod>(Ns, "web-1") is null or { Metadata.DeletionTimestamp: not null }, "web-1 evicted", TimeSpan.FromSeconds(30));
        Assert.True(DateTimeOffset.UtcNow >= taintAdded + TimeSpan.FromSeconds(TolerationSeconds), "evicted before its toleration ran out");
        // The daemon's pod, looked at in the same sweeps, stays.
        Assert.Null((await Store.Get<Pod>(Ns, "daemon-1"))!.Metadata.DeletionTimestamp);

        // The agent comes back: the node is Ready and untainted again.
        await _agent.Start();
        await Eventually.True(async () => await NodeObject.Get() is Node n && NodeTaints.ReadyStatus(n) == "True" && n.Spec.Taints is null or [],
            "the node Ready and untainted after its agent came back");
    }

    [Fact]
    public async Task LastHeartbeat_SurvivesTheLoopsAndTheNodesDeactivation_SoTheGracePeriodIsNotRestarted()
    {
        var lastHeartbeat = await _agent.Stop();
        var stored = await Eventually.Value(async () => (await Loop.LastHeard()).TryGetValue(NodeName, out var at) && at >= lastHeartbeat ? (object)at : null,
            "the last heartbeat stored");

        // Half the grace period gone, both grains lose what they held in memory, as when their silo is lost.
        await Eventually.True(() => DateTimeOffset.UtcNow >= lastHeartbeat + Grace / 2, "half the grace period gone");
        var nodeGrain = Grains.GetGrain<INodeGrain>(NodeName);
        await _cluster.DeactivateAsync(nodeGrain);
        await _cluster.DeactivateAsync(Loop);
        await _cluster.WaitForDeactivationAsync(nodeGrain);
        await _cluster.WaitForDeactivationAsync(Loop);
        var reactivated = DateTimeOffset.UtcNow;
        await Loop.Start();
        Assert.Equal(stored, (await Loop.LastHeard())[NodeName]);
        Assert.Null(await nodeGrain.LastHeartbeat());

        await Eventually.True(async () => await NodeObject.Get() is Node n && NodeTaints.ReadyStatus(n) == "Unknown", "the node Ready=Unknown", TimeSpan.FromSeconds(30));
        var marked = DateTimeOffset.UtcNow;
        // A grace period restarted on reactivation would end at reactivated + Grace, at the earliest.
        Assert.True(marked < reactivated + Grace,
            $"marked {(marked - lastHeartbeat).TotalSeconds:F1} s after the last heartbeat, {(marked - reactivated).TotalSeconds:F1} s after reactivation: the grace period restarted");
    }

    [Fact]
    public async Task NodeReportingNotReady_GetsTheNotReadyTaints_ItsPodsAreNotReadyAndEvicted_AndReadyAgainRemovesThem()
    {
        await RunPod("web-1", "10.244.1.5");

        // The agent, still heartbeating, reports its node not ready (as a kubelet whose runtime is down).
        await SetNodeReady("False");
        var node = await Eventually.Value(async () => await NodeObject.Get() is Node { Spec.Taints: { Count: > 0 } taints } n
            && taints.All(t => t.Key == NodeTaints.NotReady) ? n : null, "the not-ready taints");
        Assert.Equal([(NodeTaints.NotReady, "NoExecute"), (NodeTaints.NotReady, "NoSchedule")], node.Spec.Taints!.Select(t => (t.Key, t.Effect)).Order());
        Assert.Equal("False", NodeTaints.ReadyStatus(node));
        await Eventually.True(async () => await Store.Get<Pod>(Ns, "web-1") is { } pod && !PodConditions.IsReady(pod), "web-1 Ready=False");
        var taintAdded = node.Spec.Taints!.Single(t => t.Effect == "NoExecute").TimeAdded!.Value;
        await Eventually.True(async () => await Store.Get<Pod>(Ns, "web-1") is null or { Metadata.DeletionTimestamp: not null }, "web-1 evicted");
        Assert.True(DateTimeOffset.UtcNow >= taintAdded + TimeSpan.FromSeconds(TolerationSeconds), "evicted before its toleration ran out");

        await SetNodeReady("True");
        await Eventually.True(async () => await NodeObject.Get() is Node { Spec.Taints: null or [] }, "the taints gone once the node is Ready");
    }

    [Fact]
    public async Task ANodeWhoseHandlingFails_DoesNotStopTheOtherNodes_TheEvictions_OrTheLedger()
    {
        await RunPod("web-1", "10.244.1.5");
        var broken = new TestAgent(Grains.GetGrain<INodeGrain>(BrokenNode));
        await broken.Start();
        await Eventually.True(async () => (await Loop.LastHeard()).ContainsKey(BrokenNode), "the broken node in the stored ledger");
        var brokenSilentSince = await broken.Stop();

        // Past its grace period, marking the broken node fails on every sweep; node-1's heartbeats are still stored.
        await Eventually.True(async () => (await Loop.LastHeard())[NodeName] > brokenSilentSince + Grace + TimeSpan.FromSeconds(2),
            "node-1's heartbeats stored while the broken node fails", TimeSpan.FromSeconds(30));

        // node-1 goes silent too: it is marked, and its pod evicted, while the broken node still fails on every sweep.
        await _agent.Stop();
        await Eventually.True(async () => await NodeObject.Get() is Node n && NodeTaints.ReadyStatus(n) == "Unknown", "node-1 Ready=Unknown", TimeSpan.FromSeconds(30));
        await Eventually.True(async () => await Store.Get<Pod>(Ns, "web-1") is null or { Metadata.DeletionTimestamp: not null }, "web-1 evicted", TimeSpan.FromSeconds(30));
        var brokenNode = await Grains.GetGrain<IObjectGrain>(StoreKeys.Object(StoreKeys.SystemTenant, ResourceKinds.Node, null, BrokenNode)).Get() as Node;
        Assert.NotEqual("Unknown", NodeTaints.ReadyStatus(brokenNode!));
    }

    /// <summary>Fails every call that marks <see cref="BrokenNode"/> unreachable.</summary>
    private sealed class FailingMarkUnreachable : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context) =>
            context.MethodName == nameof(INodeGrain.MarkUnreachable) && context.TargetId.Key.ToString() == BrokenNode
                ? throw new InvalidOperationException("the node grain's silo is gone")
                : context.Invoke();
    }

    /// <summary>Writes the node's Ready condition as its agent.</summary>
    private async Task SetNodeReady(string status)
    {
        var node = (Node)(await NodeObject.Get())!;
        var conditions = node.Status!.Conditions!.Select(c => c.Type == "Ready" ? c with { Status = status, Reason = status == "True" ? "KubeletReady" : "KubeletNotReady" } : c).ToList();
        var written = await NodeObject.Update(node with { Status = node.Status with { Conditions = conditions } }, Subresource.Status, Actor.Node(NodeName));
        Assert.True(written.Succeeded, written.Error?.Message);
    }

    private async Task<Contracts.Model.Endpoints?> Endpoints() => await Store.Get<Contracts.Model.Endpoints>(Ns, "web");

    /// <summary>A pod bound to the node and Running and Ready as its agent reports it.</summary>
    private async Task<Pod> RunPod(string name, string ip, IReadOnlyList<Toleration>? tolerations = null)
    {
        var created = await Store.Create(new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = Ns, Labels = Samples.Labels(("app", name.StartsWith("web", StringComparison.Ordinal) ? "web" : "daemon")) },
            Spec = new PodSpec
            {
                NodeName = NodeName,
                Tolerations = tolerations,
                Containers = [new Container { Name = "app", Image = "nginx", Ports = [new ContainerPort { Name = "http", Number = 8080 }] }],
            },
        });
        Assert.NotNull(created);
        var agent = new StoreClient(Grains, Tenant, Actor.Node(NodeName));
        var running = await agent.UpdateStatus(created! with
        {
            Status = new PodStatus { Phase = "Running", PodIP = ip, HostIP = "192.168.50.1", Conditions = [new Condition { Type = "Ready", Status = "True" }] },
        });
        Assert.NotNull(running);
        return running!;
    }

    /// <summary>The node's agent as far as the control plane sees it: registration, then a heartbeat every half second until stopped.</summary>
    private sealed class TestAgent(INodeGrain node)
    {
        private CancellationTokenSource? _stop;
        private Task? _beating;
        private DateTimeOffset _lastSent;

        public async Task Start()
        {
            await node.Register(new Node
            {
                ApiVersion = "v1",
                Kind = "Node",
                Metadata = new ObjectMeta { Name = node.GetPrimaryKeyString() },
                Status = new NodeStatus { Addresses = [new NodeAddress { Type = "InternalIP", Address = "192.168.50.1" }] },
            }, new AgentEndpoint("https://192.168.50.1:10250", "token"));
            _lastSent = DateTimeOffset.UtcNow;
            _stop = new CancellationTokenSource();
            _beating = Beat(_stop.Token);
        }

        private async Task Beat(CancellationToken stop)
        {
            // The agent's heartbeat period (shortened), not a wait of the test's.
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), stop).ContinueWith(_ => { }, TaskScheduler.Default);
                if (stop.IsCancellationRequested) return;
                var sending = DateTimeOffset.UtcNow;
                await node.Heartbeat();
                _lastSent = sending;
            }
        }

        /// <summary>Stops heartbeating; returns when the last heartbeat was sent (the node grain heard it at that time or later).</summary>
        public async Task<DateTimeOffset> Stop()
        {
            if (_stop is null) return _lastSent;
            await _stop.CancelAsync();
            await _beating!;
            _stop.Dispose();
            _stop = null;
            return _lastSent;
        }
    }
}
