using OrleansOrchestrator.Agents.Runtime;

namespace OrleansOrchestrator.Agents.Networking;

/// <summary>A port the engine published on this host for a pod, and the tenant whose pod it leads to.</summary>
/// <param name="Protocol">TCP, UDP or SCTP, as the engine reports it.</param>
/// <param name="HostIp">The address it is published on; empty or <c>0.0.0.0</c>: every address.</param>
public sealed record HostPortOwner(string Tenant, string Protocol, string HostIp, int HostPort)
{
    /// <summary>Whether an IPv4 rule can guard it (a port in range, on every address or on an IPv4 one).</summary>
    public bool Guardable => HostPort is > 0 and <= 65535
        && (HostIp is "" or "0.0.0.0" || (System.Net.IPAddress.TryParse(HostIp, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork));
}

/// <summary>The host ports published for this node's pods, by tenant: the proxy lets only their own tenant's pods reach them.</summary>
public interface IHostPortOwners
{
    /// <summary>Every published port now, ordered (the same ports give the same list).</summary>
    IReadOnlyList<HostPortOwner> Known { get; }

    /// <summary>
    /// Whether a whole listing of the node's pods has been seen: before that, <see cref="Known"/> may lack the ports
    /// of pods a restarted agent has not listed yet, and rules written from it would drop their guards.
    /// </summary>
    bool Complete { get; }

    /// <summary>Raised after <see cref="Known"/> changed.</summary>
    event Action? Changed;

    /// <summary>The proxy tells which ports the rules now in the kernel guard.</summary>
    void Guarded(IReadOnlyCollection<HostPortOwner> ports);
}

/// <summary>
/// The host ports of one node's pods, as its pod supervisor sees them: replaced by every listing of the engine's
/// sandboxes, and told at once about a sandbox a worker just started (so that its port is guarded before the next
/// listing, which takes up to a second). A listing taken before a sandbox started does not drop it.
/// </summary>
public sealed class PublishedHostPorts : IHostPortOwners
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (IReadOnlyList<HostPortOwner> Ports, DateTimeOffset SeenAt)> _byPod = new(StringComparer.Ordinal);
    private IReadOnlyList<HostPortOwner> _known = [];
    /// <summary>The ports the kernel's rules guard; null while no proxy has written any (none runs: nothing to wait for).</summary>
    private IReadOnlySet<HostPortOwner>? _guarded;
    private TaskCompletionSource _guardChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<HostPortOwner> Known => Volatile.Read(ref _known);

    public bool Complete { get; private set; }

    public event Action? Changed;

    /// <summary>A listing of every sandbox of the node taken at <paramref name="takenAt"/>.</summary>
    public void Observe(IReadOnlyList<SandboxStatus> sandboxes, DateTimeOffset takenAt)
    {
        lock (_lock)
        {
            var listed = sandboxes.Select(s => s.Pod.Uid).ToHashSet(StringComparer.Ordinal);
            foreach (var (uid, entry) in _byPod.ToList())
                if (!listed.Contains(uid) && entry.SeenAt < takenAt) _byPod.Remove(uid);
            foreach (var sandbox in sandboxes)
            {
                if (_byPod.TryGetValue(sandbox.Pod.Uid, out var newer) && newer.SeenAt > takenAt) continue;
                _byPod[sandbox.Pod.Uid] = (Owners(sandbox), takenAt);
            }
        }
        var first = !Complete;
        Complete = true;
        if (!Publish() && first) Changed?.Invoke();
    }

    /// <summary>A sandbox a worker started at <paramref name="at"/>, before any listing shows it.</summary>
    public void Started(SandboxStatus sandbox, DateTimeOffset at)
    {
        lock (_lock) _byPod[sandbox.Pod.Uid] = (Owners(sandbox), at);
        Publish();
    }

    public void Guarded(IReadOnlyCollection<HostPortOwner> ports)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (_guarded is not null && _guarded.SetEquals(ports)) return;
            _guarded = ports.ToHashSet();
            changed = _guardChanged;
            _guardChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>Whether the sandbox's host ports are guarded in the kernel (or no proxy guards anything on this node).</summary>
    public bool Covers(SandboxStatus sandbox)
    {
        lock (_lock) return _guarded is not { } guarded || Owners(sandbox).Where(p => p.Guardable).All(guarded.Contains);
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for <see cref="Covers"/>: a pod's containers start only once no other
    /// tenant's pod can reach them through its host ports (the proxy writes within tens of milliseconds).
    /// </summary>
    public async Task<bool> WaitUntilCovered(SandboxStatus sandbox, TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + timeout;
        while (true)
        {
            Task changed;
            lock (_lock) changed = _guardChanged.Task;
            if (Covers(sandbox)) return true;
            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero) return false;
            try
            {
                await changed.WaitAsync(left, clock, cancellationToken);
            }
            catch (TimeoutException)
            {
                return Covers(sandbox);
            }
        }
    }

    private static List<HostPortOwner> Owners(SandboxStatus sandbox) =>
        sandbox.Ports.Where(p => p.HostPort is > 0 and <= 65535)
            .Select(p => new HostPortOwner(sandbox.Pod.Tenant, p.Protocol.ToUpperInvariant(), p.HostIp ?? "", p.HostPort))
            .ToList();

    /// <summary>Tells the listeners when the ports changed; returns whether they did.</summary>
    private bool Publish()
    {
        List<HostPortOwner> now;
        lock (_lock)
        {
            now = _byPod.Values.SelectMany(e => e.Ports).Distinct()
                .OrderBy(p => p.HostPort).ThenBy(p => p.Protocol, StringComparer.Ordinal)
                .ThenBy(p => p.HostIp, StringComparer.Ordinal).ThenBy(p => p.Tenant, StringComparer.Ordinal)
                .ToList();
            if (now.SequenceEqual(_known)) return false;
            Volatile.Write(ref _known, now);
        }
        Changed?.Invoke();
        return true;
    }
}
