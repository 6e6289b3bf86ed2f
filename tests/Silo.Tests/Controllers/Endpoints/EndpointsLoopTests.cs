using OrleansOrchestrator.Silo.Networking;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Controllers.Endpoints;
using Xunit.Abstractions;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Endpoints;

/// <summary>
/// The endpoints controller and the service directory in an in-process silo over a real (SQLite) store: pods
/// written as their node's agent writes them, the Endpoints, slices and routes the loop derives, the
/// directory's pushes to a subscribed observer, and how fast a readiness change or a deletion gets there.
/// </summary>
public sealed class EndpointsLoopTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Tenant = "team-a";
    private const string Ns = "default";
    private readonly string _folder = System.IO.Directory.CreateTempSubdirectory("oo-endpoints-").FullName;
    private InProcessTestCluster _cluster = null!;
    private readonly RecordingObserver _observer = new();
    private IServiceDirectoryObserver _observerReference = null!;

    private IGrainFactory Grains => _cluster.Client;

    private StoreClient Store => new(Grains, Tenant, SystemActors.Bootstrap);

    private IServiceDirectoryGrain Directory => Grains.GetGrain<IServiceDirectoryGrain>(IServiceDirectoryGrain.Key);

    public async Task InitializeAsync()
    {
        _cluster = await StoreTestSilo.Start(_folder, $"0123456789abcdef0123,admin,{Tenant},system:masters\n", services =>
        {
            services.AddSingleton(TimeProvider.System);
            services.AddServiceNetworking(new ClusterNetwork { ServiceCidr = "10.43.0.0/16", KubernetesServiceIp = "10.43.0.1", DnsIp = "10.43.0.10" }, []);
        });
        _observerReference = _cluster.Client.CreateObjectReference<IServiceDirectoryObserver>(_observer);
        Assert.NotNull(await Store.Create(new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = Ns } }));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try { System.IO.Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static Service WebService(string type = "ClusterIP") => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new ObjectMeta { Name = "web", Namespace = Ns },
        Spec = new ServiceSpec
        {
            Type = type,
            Selector = Samples.Labels(("app", "web")),
            Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = "http" }],
        },
    };

    /// <summary>A pod bound to <paramref name="node"/>, then started as its agent reports it: an address, a published port, and readiness.</summary>
    private async Task<Pod> RunPod(string name, string node, string ip, bool ready)
    {
        var created = await Store.Create(new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = Ns, Labels = Samples.Labels(("app", "web")) },
            Spec = new PodSpec
            {
                NodeName = node,
                Containers = [new Container { Name = "app", Image = "nginx", Ports = [new ContainerPort { Name = "http", Number = 8080 }] }],
            },
        });
        Assert.NotNull(created);
        return await SetReady(created!, node, ip, ready);
    }

    private async Task<Pod> SetReady(Pod pod, string node, string ip, bool ready)
    {
        var agent = new StoreClient(Grains, Tenant, Actor.Node(node));
        var stored = await Store.Get<Pod>(Ns, pod.Metadata.Name!);
        var updated = await agent.UpdateStatus(stored! with
        {
            Status = new PodStatus
            {
                Phase = "Running",
                PodIP = ip,
                HostIP = "192.168.50." + node[^1],
                HostPorts = [new HostPortBinding { ContainerPort = 8080, Protocol = "TCP", HostIP = "192.168.50." + node[^1], HostPort = 31000 + int.Parse(ip.Split('.')[^1], System.Globalization.CultureInfo.InvariantCulture) }],
                Conditions = [new Condition { Type = "Ready", Status = ready ? "True" : "False" }],
            },
        });
        Assert.NotNull(updated);
        return updated!;
    }

    private async Task<Contracts.Model.Endpoints?> StoredEndpoints() => await Store.Get<Contracts.Model.Endpoints>(Ns, "web");

    private static IReadOnlyList<string> Ips(IEnumerable<EndpointAddress>? addresses) => (addresses ?? []).Select(a => a.Ip).Order().ToList();

    [Fact]
    public async Task ReadinessChangesAndDeletions_ReachEndpointsSlicesAndSubscribedObserver()
    {
        await Directory.Subscribe(_observerReference);
        await Eventually.True(async () => (await Directory.Snapshot()).Complete, "the directory to be complete");
        await RunPod("web-1", "node-1", "10.244.1.5", ready: true);
        var second = await RunPod("web-2", "node-2", "10.244.2.6", ready: false);
        Assert.NotNull(await Store.Create(WebService()));

        // Endpoints and slices from the pods; the route with the agent-published node ports.
        await Eventually.True(async () => await StoredEndpoints() is { Subsets: [var s] } && Ips(s.Addresses) is ["10.244.1.5"] && Ips(s.NotReadyAddresses) is ["10.244.2.6"],
            "web-1 ready and web-2 not ready in the Endpoints");
        // The slices are written after the Endpoints, in the same pass: wait for them too.
        var slice = await Eventually.Value(async () => (await Store.List<EndpointSlice>(Ns)) is [var only] && only.Endpoints is { Count: 2 } ? only : null,
            "one slice with both pods");
        Assert.Equal("web", slice.Metadata.Labels!["kubernetes.io/service-name"]);
        Assert.Equal([("10.244.1.5", true), ("10.244.2.6", false)], slice.Endpoints!.OrderBy(e => e.Addresses[0]).Select(e => (e.Addresses[0], e.Conditions!.Ready == true)));
        var route = await Eventually.Value(() => Task.FromResult(_observer.Latest("team-a/default/web") is { Endpoints.Count: 2 } r ? r : null), "the route pushed");
        var web1 = route.Endpoints.Single(e => e.PodName == "web-1");
        Assert.Equal(("192.168.50.1", 8080, (int?)31005), (web1.HostIP, web1.Targets[0].Port, web1.Targets[0].HostPort));

        // web-2 becomes ready: measured from the agent's status write to the pushed route.
        var clock = Stopwatch.StartNew();
        await SetReady(second, "node-2", "10.244.2.6", ready: true);
        await _observer.WaitFor("team-a/default/web", r => r.Endpoints.Count(e => e.Ready) == 2);
        var becameReady = clock.Elapsed;
        Assert.Equal(["10.244.1.5", "10.244.2.6"], Ips((await StoredEndpoints())!.Subsets![0].Addresses));

        // web-1 is deleted: terminating, it leaves the ready set at once.
        clock.Restart();
        var deleted = await Grains.GetGrain<IObjectGrain>(StoreKeys.Object(Tenant, ResourceKinds.Pod, Ns, "web-1"))
            .Delete(new DeleteOptions { Propagation = PropagationPolicy.Background }, SystemActors.Bootstrap);
        Assert.True(deleted.Succeeded);
        await _observer.WaitFor("team-a/default/web", r => r.Endpoints.Single(e => e.PodName == "web-1") is { Ready: false, Terminating: true });
        var leftOnDeletion = clock.Elapsed;
        Assert.Equal(["10.244.2.6"], Ips((await StoredEndpoints())!.Subsets![0].Addresses));
        var terminating = (await Store.List<EndpointSlice>(Ns)).Single().Endpoints!.Single(e => e.Addresses[0] == "10.244.1.5").Conditions!;
        Assert.Equal((false, true), (terminating.Ready, terminating.Terminating));

        // Reported, not asserted: how fast is the services benchmark's to judge (docs/benchmarks.md §10), not a test's on a
        // machine whose load it does not control.
        output.WriteLine($"readiness → route pushed: {becameReady.TotalMilliseconds:F0} ms; deletion → route pushed: {leftOnDeletion.TotalMilliseconds:F0} ms");

        // The Service goes: its route is withdrawn.
        var service = await Store.Get<Service>(Ns, "web");
        Assert.True(await Store.Delete(service!));
        await Eventually.True(() => _observer.Removed.Contains("team-a/default/web"), "the route withdrawn");
        Assert.DoesNotContain((await Directory.Snapshot()).Routes, r => r.Name == "web");
    }

    [Fact]
    public async Task Directory_SnapshotCarriesTheClusterNetwork_AndARebuiltDirectoryIsCompleteWithEveryRoute()
    {
        await RunPod("web-1", "node-1", "10.244.1.5", ready: true);
        Assert.NotNull(await Store.Create(WebService()));
        Assert.NotNull(await Store.Create(new Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta { Name = "upstream", Namespace = Ns },
            Spec = new ServiceSpec { Type = "ExternalName", ExternalName = "db.example.com" },
        }));
        var first = await Eventually.Value(async () => await Directory.Snapshot() is { Complete: true, Routes.Count: 2 } s ? s : null, "two routes in a complete directory");
        Assert.Equal("10.43.0.10", first.Network.DnsIp);
        Assert.Equal("db.example.com", first.Routes.Single(r => r.Name == "upstream").ExternalName);

        // A new activation starts empty and incomplete, asks every namespace again, and completes with the same routes.
        await _cluster.DeactivateAsync(Directory);
        await _cluster.WaitForDeactivationAsync(Directory);
        var rebuilt = await Eventually.Value(async () => await Directory.Snapshot() is { Complete: true } s ? s : null, "the rebuilt directory complete");
        Assert.NotEqual(first.Epoch, rebuilt.Epoch);
        Assert.Equal(["upstream", "web"], rebuilt.Routes.Select(r => r.Name).Order());
        Assert.Single(rebuilt.Routes.Single(r => r.Name == "web").Endpoints);
    }

    [Fact]
    public async Task LoadBalancerService_StatusListsReadySchedulableNodes_AndFollowsNodes()
    {
        await RegisterNode("lb-1", "192.168.60.1");
        await RegisterNode("lb-2", "192.168.60.2");
        Assert.NotNull(await Store.Create(WebService("LoadBalancer")));

        async Task<IReadOnlyList<string>> Ingress() =>
            (await Store.Get<Service>(Ns, "web"))?.Status?.LoadBalancer?.Ingress?.Select(i => i.Ip!).ToList() ?? [];
        await Eventually.True(async () => await Ingress() is ["192.168.60.1", "192.168.60.2"], "both nodes' addresses in the status");
        // The route is published in the same pass, after the status.
        await Eventually.True(async () => (await Directory.Snapshot()).Routes.SingleOrDefault(r => r.Name == "web")?.LoadBalancerNodes is ["lb-1", "lb-2"],
            "the route served by both nodes");
        await _observer.Subscribed(Directory, _observerReference);

        // Cordoned, lb-2 serves no more.
        var node = (Node)(await NodeObject("lb-2").Get())!;
        Assert.True((await NodeObject("lb-2").Update(node with { Spec = node.Spec with { Unschedulable = true } }, Subresource.Main, SystemActors.Bootstrap)).Succeeded);
        await Eventually.True(async () => await Ingress() is ["192.168.60.1"], "only lb-1 left in the status");
        await _observer.WaitFor("team-a/default/web", r => r.LoadBalancerNodes is ["lb-1"]);
    }

    private IObjectGrain NodeObject(string name) => Grains.GetGrain<IObjectGrain>(StoreKeys.Object(StoreKeys.SystemTenant, ResourceKinds.Node, null, name));

    private async Task RegisterNode(string name, string address)
    {
        var result = await NodeObject(name).Create(new Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new ObjectMeta { Name = name },
            Status = new NodeStatus
            {
                Conditions = [new Condition { Type = "Ready", Status = "True" }],
                Addresses = [new NodeAddress { Type = "InternalIP", Address = address }, new NodeAddress { Type = "Hostname", Address = name }],
            },
        }, Actor.Node(name));
        Assert.True(result.Succeeded, result.Error?.Message);
    }

    /// <summary>Records what the directory pushes, with a signal per change.</summary>
    private sealed class RecordingObserver : IServiceDirectoryObserver
    {
        private readonly ConcurrentDictionary<string, ServiceRoute> _latest = new();
        private readonly ConcurrentBag<string> _removed = [];
        private long _version = -1;
        private Guid _epoch;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyCollection<string> Removed => _removed;

        public ServiceRoute? Latest(string key) => _latest.GetValueOrDefault(key);

        public void RoutesChanged(Guid epoch, long version, IReadOnlyList<ServiceRoute> changed, IReadOnlyList<string> removed)
        {
            // The versions of one epoch arrive one after another.
            if (epoch == _epoch && _version >= 0) Assert.Equal(_version + 1, version);
            (_epoch, _version) = (epoch, version);
            foreach (var route in changed) _latest[route.Key] = route;
            foreach (var key in removed) { _latest.TryRemove(key, out _); _removed.Add(key); }
            Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        /// <summary>Waits for a pushed route that satisfies <paramref name="condition"/> (push, not polling: the time measured is the push's).</summary>
        public async Task WaitFor(string key, Func<ServiceRoute, bool> condition)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                var signal = _changed.Task;
                if (Latest(key) is { } route && condition(route)) return;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) throw new TimeoutException($"no pushed route {key} as expected; last: {Latest(key)}");
                // The next push, or the deadline: nothing else can change what this waits for.
                await signal.WaitAsync(left).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        /// <summary>Subscribes and seeds from a snapshot, as an agent does.</summary>
        public async Task Subscribed(IServiceDirectoryGrain directory, IServiceDirectoryObserver self)
        {
            await directory.Subscribe(self);
            foreach (var route in (await directory.Snapshot()).Routes) _latest[route.Key] = route;
        }
    }
}
