using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Tests.Networking;

/// <summary>
/// The directory client's loop against a directory that records its calls: it subscribes before it takes the
/// snapshot, applies pushes, and takes a new snapshot when a push reveals a gap or a new directory activation.
/// </summary>
public sealed class ServiceDirectoryClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeDirectory _directory = new();
    private readonly CancellationTokenSource _stop = new();
    private ServiceDirectoryClient _client = null!;
    private Task _running = Task.CompletedTask;
    private int _changes;

    private static ServiceRoute Route(string name) =>
        new() { Tenant = "t", Namespace = "default", Name = name, ClusterIP = "10.96.0.20", Ports = [new RoutePort { Port = 80 }] };

    public async Task InitializeAsync()
    {
        _directory.Current = new ServiceDirectorySnapshot { Epoch = Guid.NewGuid(), Version = 1, Routes = [Route("a")], Complete = true };
        _client = new ServiceDirectoryClient(GrainFactoryOf(_directory), NullLogger<ServiceDirectoryClient>.Instance);
        _client.Changed += () => Interlocked.Increment(ref _changes);
        _running = _client.Run(_stop.Token);
        await _client.FirstSnapshot.WaitAsync(Timeout);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        Assert.Equal(1, _directory.Unsubscribes);
    }

    [Fact]
    public void It_subscribes_before_it_takes_the_snapshot()
    {
        Assert.Equal(["Subscribe", "Snapshot"], _directory.Calls.Take(2));
        Assert.Same(_client, _directory.Observer);
        Assert.Equal(["t/default/a"], _client.Routes.Keys);
        Assert.True(_client.Complete);
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void A_push_in_order_applies_at_once_and_says_so()
    {
        _client.RoutesChanged(_directory.Current.Epoch, 2, [Route("b")], ["t/default/a"]);
        Assert.Equal(["t/default/b"], _client.Routes.Keys);
        Assert.Equal(2, _changes);
    }

    [Fact]
    public async Task A_gap_that_stays_open_brings_a_snapshot()
    {
        _directory.Current = _directory.Current with { Version = 3, Routes = [Route("a"), Route("b"), Route("c")] };
        // Version 2 never arrives.
        _client.RoutesChanged(_directory.Current.Epoch, 3, [Route("c")], []);
        await Eventually.True(() => _client.Routes.Count == 3, "the snapshot filling the gap", Timeout);
        Assert.Equal(2, _directory.Calls.Count(c => c == "Snapshot"));
    }

    [Fact]
    public async Task A_push_from_a_new_directory_activation_brings_a_snapshot()
    {
        _directory.Current = new ServiceDirectorySnapshot { Epoch = Guid.NewGuid(), Version = 1, Routes = [Route("z")], Complete = true };
        _client.RoutesChanged(_directory.Current.Epoch, 1, [Route("z")], []);
        await Eventually.True(() => _client.Routes.Keys.SequenceEqual(["t/default/z"]), "the new activation's snapshot", Timeout);
    }

    private static IGrainFactory GrainFactoryOf(FakeDirectory directory)
    {
        var factory = DispatchProxy.Create<IGrainFactory, FactoryProxy>();
        ((FactoryProxy)(object)factory).Directory = directory;
        return factory;
    }

    /// <summary>The two grain factory calls the client makes: the directory grain, and an observer reference (itself here).</summary>
    public class FactoryProxy : DispatchProxy
    {
        public FakeDirectory Directory { get; set; } = null!;

        protected override object? Invoke(MethodInfo? method, object?[]? args) => method?.Name switch
        {
            nameof(IGrainFactory.GetGrain) => Directory,
            nameof(IGrainFactory.CreateObjectReference) => args![0],
            _ => throw new NotSupportedException(method?.Name),
        };
    }

    public sealed class FakeDirectory : IServiceDirectoryGrain
    {
        public ServiceDirectorySnapshot Current { get; set; } = new();

        public List<string> Calls { get; } = [];

        public IServiceDirectoryObserver? Observer { get; private set; }

        public int Unsubscribes { get; private set; }

        public Task<ServiceDirectorySnapshot> Snapshot()
        {
            lock (Calls) Calls.Add("Snapshot");
            return Task.FromResult(Current);
        }

        public Task Subscribe(IServiceDirectoryObserver observer)
        {
            lock (Calls) Calls.Add("Subscribe");
            Observer = observer;
            return Task.CompletedTask;
        }

        public Task Unsubscribe(IServiceDirectoryObserver observer)
        {
            Unsubscribes++;
            return Task.CompletedTask;
        }

        public Task Publish(ServiceRoute route) => throw new NotSupportedException();

        public Task Withdraw(string key) => throw new NotSupportedException();
    }
}
