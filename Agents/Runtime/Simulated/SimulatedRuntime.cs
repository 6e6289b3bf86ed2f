using System.Collections.Concurrent;
using System.Text;

namespace OrleansOrchestrator.Agents.Runtime.Simulated;

/// <summary>
/// A container engine that exists only in memory, for hollow nodes (as Kubernetes' kubemark/KWOK): pods go
/// Running at once and stay so, costing no processes — unless their command is one <see cref="SimulatedProgram"/>
/// reads (<c>sh -c "sleep 2; exit 1"</c>), which ends as a shell would run it. For scale work and control-loop tests
/// only — never what a feature is demonstrated with.
/// </summary>
public sealed class SimulatedRuntime : IContainerRuntime
{
    private readonly ConcurrentDictionary<string, ContainerInfo> _containers = new();
    private readonly ConcurrentDictionary<string, SandboxStatus> _sandboxes = new();
    /// <summary>The containers that end by themselves, and how.</summary>
    private readonly ConcurrentDictionary<string, SimulatedProgram> _programs = new();
    private readonly string _podNetworkPrefix;
    private int _nextIp;

    /// <param name="podNetworkPrefix">The first three octets of this node's simulated pod addresses, e.g. <c>10.244.7</c>.</param>
    public SimulatedRuntime(string podNetworkPrefix) => _podNetworkPrefix = podNetworkPrefix;

    public bool ReadsPodFiles => false;

    /// <summary>Its containers are no processes: nothing to exec in, attach to or forward to.</summary>
    public bool SupportsStreaming => false;

    public Task<string> Version(CancellationToken cancellationToken) => Task.FromResult("simulated://1.0");

    public Task<SandboxStatus> RunSandbox(SandboxSpec spec, CancellationToken cancellationToken)
    {
        var sandbox = _sandboxes.GetOrAdd(spec.Pod.Uid, _ =>
        {
            var ip = $"{_podNetworkPrefix}.{Interlocked.Increment(ref _nextIp) % 250 + 2}";
            var ports = spec.Ports.Select(p => new PublishedPort(p.ContainerPort, p.Protocol, p.HostIp, p.HostPort ?? 30000 + p.ContainerPort % 2000)).ToList();
            return new SandboxStatus("sim-" + spec.Pod.Uid, spec.Pod, true, ip, ports);
        });
        return Task.FromResult(sandbox);
    }

    public Task RemoveSandbox(PodRef pod, CancellationToken cancellationToken)
    {
        _sandboxes.TryRemove(pod.Uid, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SandboxStatus>> ListSandboxes(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SandboxStatus>>(_sandboxes.Values.ToList());

    public Task<bool> EnsureImage(string image, string pullPolicy, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<string> CreateContainer(ContainerSpec spec, string sandboxId, CancellationToken cancellationToken)
    {
        var id = $"sim-{spec.Pod.Uid}-{spec.Name}-{spec.Attempt}";
        _containers[id] = new ContainerInfo(id, spec.Pod, spec.Name, spec.Attempt, ContainerRunState.Created, 0, null, null, spec.Image, "sim:" + spec.Image, false, null);
        if (SimulatedProgram.Of(spec.Command, spec.Args, spec.Env) is { } program) _programs[id] = program;
        else _programs.TryRemove(id, out _);
        return Task.FromResult(id);
    }

    public Task StartContainer(string id, CancellationToken cancellationToken)
    {
        if (_containers.TryGetValue(id, out var c))
            _containers[id] = c with { State = ContainerRunState.Running, StartedAt = DateTimeOffset.UtcNow };
        return Task.CompletedTask;
    }

    public Task StopContainer(string id, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (_containers.TryGetValue(id, out var c) && c.State == ContainerRunState.Running)
            _containers[id] = c with { State = ContainerRunState.Exited, ExitCode = 0, FinishedAt = DateTimeOffset.UtcNow };
        return Task.CompletedTask;
    }

    public Task RemoveContainer(string id, CancellationToken cancellationToken)
    {
        _containers.TryRemove(id, out _);
        _programs.TryRemove(id, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ContainerInfo>> ListContainers(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ContainerInfo>>(_containers.Values.Select(Current).ToList());

    public Task<ContainerInfo?> InspectContainer(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_containers.TryGetValue(id, out var c) ? Current(c) : null);

    /// <summary>The container now: one whose program has run its course has exited with its code.</summary>
    private ContainerInfo Current(ContainerInfo c)
    {
        if (c is not { State: ContainerRunState.Running, StartedAt: { } started } || !_programs.TryGetValue(c.Id, out var program)) return c;
        var end = started + program.Duration;
        if (DateTimeOffset.UtcNow < end) return c;
        var exited = c with { State = ContainerRunState.Exited, ExitCode = program.ExitCode, FinishedAt = end };
        _containers.TryUpdate(c.Id, exited, c);
        return exited;
    }

    public Task<ExecResult> Exec(string id, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(new ExecResult(0, ""));

    public Task<Stream> Logs(string id, bool follow, int? tailLines, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes($"simulated container {id}: no output\n")));
}
