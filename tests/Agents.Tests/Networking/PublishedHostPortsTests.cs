using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Runtime;

namespace OrleansOrchestrator.Agents.Tests.Networking;

public sealed class PublishedHostPortsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SandboxStatus Sandbox(string tenant, string uid, params int[] hostPorts) =>
        new($"id-{uid}", new PodRef(tenant, "default", $"pod-{uid}", uid), Running: true, "172.20.0.2",
            hostPorts.Select(p => new PublishedPort(8080, "tcp", "192.0.2.2", p)).ToList());

    [Fact]
    public void A_listing_names_each_published_port_with_its_pods_tenant()
    {
        var ports = new PublishedHostPorts();
        ports.Observe([Sandbox("acme", "a", 40001), Sandbox("globex", "g", 40000)], T0);

        Assert.Equal(
        [
            new HostPortOwner("globex", "TCP", "192.0.2.2", 40000),
            new HostPortOwner("acme", "TCP", "192.0.2.2", 40001),
        ], ports.Known);
    }

    [Fact]
    public void A_sandbox_started_after_a_listing_was_taken_survives_that_listing_and_goes_with_the_next_one_that_lacks_it()
    {
        var ports = new PublishedHostPorts();
        var changes = 0;
        ports.Changed += () => changes++;

        ports.Started(Sandbox("acme", "a", 40001), T0.AddSeconds(2));
        ports.Observe([], T0.AddSeconds(1));
        Assert.Equal([new HostPortOwner("acme", "TCP", "192.0.2.2", 40001)], ports.Known);

        var told = changes;
        ports.Observe([Sandbox("acme", "a", 40001)], T0.AddSeconds(3));
        Assert.Equal(told, changes); // the same ports again: nothing to tell
        ports.Observe([], T0.AddSeconds(4));
        Assert.Empty(ports.Known);
        Assert.Equal(told + 1, changes);
    }

    [Fact]
    public void Ports_the_engine_did_not_bind_are_left_out()
    {
        var ports = new PublishedHostPorts();
        ports.Observe([Sandbox("acme", "a", 0)], T0);
        Assert.Empty(ports.Known);
    }

    [Fact]
    public void It_is_complete_from_the_first_listing_on_and_says_so_even_when_that_listing_has_no_ports()
    {
        var ports = new PublishedHostPorts();
        var changes = 0;
        ports.Changed += () => changes++;
        ports.Started(Sandbox("acme", "a", 0), T0);
        Assert.False(ports.Complete);

        ports.Observe([], T0.AddSeconds(1));
        Assert.True(ports.Complete);
        Assert.Equal(1, changes);
        ports.Observe([], T0.AddSeconds(2));
        Assert.Equal(1, changes);
    }

    [Fact]
    public async Task A_pod_waits_for_its_host_ports_to_be_guarded_once_a_proxy_guards_this_node_and_not_when_none_does()
    {
        var ports = new PublishedHostPorts();
        var pod = Sandbox("acme", "a", 40001);
        // No proxy has written rules (none runs on this node): nothing to wait for.
        Assert.True(ports.Covers(pod));
        Assert.True(await ports.WaitUntilCovered(pod, TimeSpan.Zero, TimeProvider.System, CancellationToken.None));

        ports.Guarded([]);
        Assert.False(ports.Covers(pod));
        Assert.False(await ports.WaitUntilCovered(pod, TimeSpan.Zero, TimeProvider.System, CancellationToken.None));
        Assert.True(ports.Covers(Sandbox("acme", "b")));

        var waiting = ports.WaitUntilCovered(pod, TimeSpan.FromSeconds(30), TimeProvider.System, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        ports.Guarded([new HostPortOwner("globex", "TCP", "192.0.2.2", 40001)]); // another tenant's port: still waiting
        ports.Guarded([new HostPortOwner("acme", "TCP", "192.0.2.2", 40001)]);
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
