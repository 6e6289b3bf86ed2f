using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Volumes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Agents.Pods;

/// <summary>
/// Keeps one pod's containers as its newest spec asks, one step per pass over a fresh snapshot of the
/// engine: sandbox, then init containers in order, then app containers; restarts per restart policy with
/// back-off; probes; graceful termination; and the pod's status, written when it changed.
/// </summary>
public sealed partial class PodWorker
{
    private readonly IContainerRuntime _runtime;
    private readonly IClusterAccess _cluster;
    private readonly PodVolumes _volumes;
    private readonly EnvironmentBuilder _environment;
    private readonly IServiceRoutes _routes;
    private readonly ResolverConfig _nodeDns;
    private readonly Prober _prober;
    private readonly string _hostIp;
    private readonly PublishedHostPorts? _hostPorts;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ContainerTracker> _trackers = new(StringComparer.Ordinal);
    /// <summary>
    /// SHA-256 of the last status written, as JSON: what tells a new status from the one already stored. A digest
    /// rather than the text, which cost ≈ 2 KB per pod (300 MB for 150,000 pods on simulated nodes).
    /// </summary>
    private byte[]? _lastStatusDigest;

    /// <summary>Why the pod's volumes could not be mounted at the last try (its FailedMount event is not repeated); null once they were.</summary>
    private string? _mountFailure;

    /// <summary>
    /// When the pod's projected service account token is to be renewed (80 % of its life, as the kubelet does); null
    /// while none was written, <see cref="DateTimeOffset.MaxValue"/> when the pod mounts none.
    /// </summary>
    private DateTimeOffset? _tokenRenewAt;

    /// <summary>What the last status was built from (the pod as it then was, its containers' views, its sandbox).</summary>
    private (Pod Pod, IReadOnlyList<ContainerView> Init, IReadOnlyList<ContainerView> App, SandboxStatus Sandbox)? _reportedFrom;

    /// <summary>
    /// What a container waits with while the agent has no complete view of the cluster's network facts and Services
    /// yet: its resolv.conf and Service variables would be wrong, and a container keeps what it started with.
    /// </summary>
    public static readonly WaitingReason WaitingForServiceDirectory = new("ContainerCreating",
        "waiting for the cluster's Service directory (cluster DNS address and Services) to write resolv.conf and Service variables");

    /// <summary>What a container waits with until the node's proxy keeps other tenants' pods from the pod's host ports.</summary>
    public static readonly WaitingReason WaitingForHostPortGuard = new("ContainerCreating",
        "waiting for the node's Service proxy to keep other tenants' pods from this pod's host ports");

    /// <summary>How long one pass waits for that before it reports the wait and tries again next pass.</summary>
    private static readonly TimeSpan HostPortGuardWait = TimeSpan.FromSeconds(2);

    public PodWorker(string key, Pod pod, IContainerRuntime runtime, IClusterAccess cluster, PodVolumes volumes, IServiceRoutes routes,
        ResolverConfig nodeDns, string hostIp, TimeProvider clock, ILogger logger, PublishedHostPorts? hostPorts = null)
    {
        _hostPorts = hostPorts;
        Key = key;
        Pod = pod;
        Tenant = StoreKeys.ParseObject(key).Tenant;
        Ref = new PodRef(Tenant, pod.Metadata.Namespace ?? "", pod.Metadata.Name ?? "", pod.Metadata.Uid ?? "");
        _runtime = runtime;
        _cluster = cluster;
        _volumes = volumes;
        _environment = new EnvironmentBuilder(cluster, routes);
        _routes = routes;
        _nodeDns = nodeDns;
        _prober = new Prober(runtime);
        _hostIp = hostIp;
        _clock = clock;
        _logger = logger;
    }

    public string Key { get; }
    public string Tenant { get; }
    public PodRef Ref { get; }

    /// <summary>The newest desired state known; never replaced by an older one.</summary>
    public Pod Pod { get; private set; }

    /// <summary>The pod is no longer bound here (deleted, or its binding gone): stop everything.</summary>
    public bool Removed { get; private set; }

    /// <summary>Everything of the pod is gone from the host; the worker can be dropped.</summary>
    public bool Finished { get; private set; }

    /// <summary>When this worker last acted; a snapshot older than that does not show its actions yet.</summary>
    public DateTimeOffset LastActed { get; private set; } = DateTimeOffset.MinValue;

    public void Update(Pod pod)
    {
        if (pod.Metadata.Uid == Pod.Metadata.Uid && Version(pod) < Version(Pod)) return;
        // Someone else changed the pod's readiness (the node lifecycle controller marks the pods of a node it lost
        // not ready): the status this agent sees must be written again even though it has not changed here.
        if (ReadyOf(pod) != ReadyOf(Pod)) _lastStatusDigest = null;
        Pod = pod;
        Removed = false;
    }

    public void Remove() => Removed = true;

    private static string? ReadyOf(Pod pod) => pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status;

    private static long Version(Pod pod) => long.TryParse(pod.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;

    /// <summary>One pass: look at the snapshot, take the next step(s), report status.</summary>
    public async Task Reconcile(NodeSnapshot snapshot, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var mine = snapshot.Containers.Where(c => c.Pod.Uid == Ref.Uid).ToList();
        var sandbox = snapshot.Sandboxes.FirstOrDefault(s => s.Pod.Uid == Ref.Uid);
        try
        {
            if (Removed || Pod.Metadata.DeletionTimestamp is not null)
            {
                await Terminate(mine, sandbox, cancellationToken);
                return;
            }
            if (Pod.Status?.Phase is "Succeeded" or "Failed" && mine.All(c => c.State != ContainerRunState.Running))
                return; // a finished pod keeps its containers (for logs) and runs nothing again

            if (sandbox is not { Running: true })
            {
                // No sandbox, or it died (its network namespace with it): start over, as the kubelet does.
                foreach (var c in mine) await _runtime.RemoveContainer(c.Id, cancellationToken);
                if (sandbox is not null) await _runtime.RemoveSandbox(Ref, cancellationToken);
                sandbox = await _runtime.RunSandbox(new SandboxSpec(Ref, Ports(), PodDns.Hostname(Pod) is { Length: > 0 } hostname ? hostname : "pod"), cancellationToken);
                // The proxy guards the new host ports from other tenants' pods without waiting for the next listing.
                _hostPorts?.Started(sandbox, _clock.GetUtcNow());
                mine.Clear();
                Acted();
            }

            // Prepared at most once a pass, when a container is to start; a failure is every such container's this pass.
            Task<IReadOnlyDictionary<string, (string HostPath, bool ReadOnly)>>? volumes = null;
            Task<IReadOnlyDictionary<string, (string HostPath, bool ReadOnly)>> Volumes() => volumes ??= _volumes.Prepare(Tenant, Pod);

            var initViews = new List<ContainerView>();
            var initDone = true;
            foreach (var container in Pod.Spec.InitContainers ?? [])
            {
                var view = initDone
                    ? await Step(container, mine, sandbox, isInit: true, Volumes, now, cancellationToken)
                    : View(container, mine, null);
                initViews.Add(view);
                if (view.Current is not { State: ContainerRunState.Exited, ExitCode: 0 }) initDone = false;
            }
            var views = new List<ContainerView>();
            foreach (var container in Pod.Spec.Containers)
                views.Add(initDone
                    ? await Step(container, mine, sandbox, isInit: false, Volumes, now, cancellationToken)
                    : View(container, mine, null));

            if (_runtime.ReadsPodFiles && (_tokenRenewAt is { } renewAt ? now >= renewAt : mine.Count > 0)) await RenewToken(now);
            await ReportStatus(initViews, views, sandbox, now);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogReconcileFailed(_logger, e, Ref.ToString());
        }
    }

    /// <summary>The next step for one container, and how it looks afterwards.</summary>
    private async Task<ContainerView> Step(
        Container container, List<ContainerInfo> mine, SandboxStatus sandbox, bool isInit,
        Func<Task<IReadOnlyDictionary<string, (string HostPath, bool ReadOnly)>>> volumes, DateTimeOffset now, CancellationToken ct)
    {
        var tracker = Tracker(container.Name);
        var attempts = mine.Where(c => c.Name == container.Name).OrderByDescending(c => c.Attempt).ToList();
        var current = attempts.FirstOrDefault();
        tracker.SeeAttempt(current?.Attempt);

        switch (current?.State)
        {
            case null:
                await Start(container, tracker, tracker.NextAttempt, sandbox, volumes, ct);
                break;
            case ContainerRunState.Created:
                await _runtime.StartContainer(current.Id, ct);
                Acted();
                break;
            case ContainerRunState.Running:
                tracker.Waiting = null;
                if (!isInit) await RunProbes(container, tracker, current, sandbox, now, ct);
                break;
            case ContainerRunState.Exited:
                var policy = Pod.Spec.RestartPolicy ?? "Always";
                var restart = isInit
                    ? current.ExitCode != 0 && policy != "Never"
                    : policy == "Always" || (policy == "OnFailure" && current.ExitCode != 0);
                if (!restart)
                {
                    tracker.Waiting = null;
                    break;
                }
                if (tracker.Backoff.TryRestart(now, current.StartedAt, current.FinishedAt, out var retryAt))
                {
                    // Keep the attempt that just ended (for logs --previous); older ones go.
                    foreach (var old in attempts.Skip(1)) await _runtime.RemoveContainer(old.Id, ct);
                    await Start(container, tracker, current.Attempt + 1, sandbox, volumes, ct);
                }
                else
                {
                    if (tracker.Waiting?.Reason != "CrashLoopBackOff")
                        _cluster.RecordEvent(Key, Pod, "Warning", "BackOff", $"Back-off restarting failed container {container.Name} in pod {Ref.Name}_{Ref.Namespace}({Ref.Uid})");
                    tracker.Waiting = new WaitingReason("CrashLoopBackOff",
                        $"back-off {HumanDelay(tracker.Backoff.Delay)} restarting failed container={container.Name} pod={Ref.Name}_{Ref.Namespace}({Ref.Uid})");
                }
                break;
        }
        return View(container, mine, tracker);
    }

    private async Task Start(Container container, ContainerTracker tracker, int attempt, SandboxStatus sandbox,
        Func<Task<IReadOnlyDictionary<string, (string HostPath, bool ReadOnly)>>> volumes, CancellationToken ct)
    {
        // Claims before the image, as the kubelet mounts a pod's volumes before it pulls or makes any container.
        try
        {
            await _volumes.MountClaims(Tenant, Pod);
            _mountFailure = null;
        }
        catch (VolumeMountException e)
        {
            // The pod waits in ContainerCreating, and the next pass tries again (a claim being bound, a volume being made).
            if (_mountFailure != e.Message) _cluster.RecordEvent(Key, Pod, "Warning", "FailedMount", e.Message);
            _mountFailure = e.Message;
            tracker.Waiting = WaitingReason.ContainerCreating;
            return;
        }
        var image = container.Image ?? "";
        if (tracker.ImagePullRetryAt is { } retryAt && _clock.GetUtcNow() < retryAt)
        {
            tracker.Waiting = new WaitingReason("ImagePullBackOff", $"Back-off pulling image \"{image}\"");
            return;
        }
        try
        {
            tracker.Waiting = WaitingReason.ContainerCreating;
            var pulled = await _runtime.EnsureImage(image, container.ImagePullPolicy ?? "IfNotPresent", ct);
            _cluster.RecordEvent(Key, Pod, "Normal", "Pulled", pulled
                ? $"Successfully pulled image \"{image}\""
                : $"Container image \"{image}\" already present on machine");
            tracker.ImagePullRetryAt = null;
        }
        catch (ImagePullException e)
        {
            tracker.PullBackoff.TryRestart(_clock.GetUtcNow(), null, null, out _);
            tracker.ImagePullRetryAt = _clock.GetUtcNow() + tracker.PullBackoff.Delay;
            tracker.Waiting = new WaitingReason("ErrImagePull", e.Message);
            _cluster.RecordEvent(Key, Pod, "Warning", "Failed", $"Failed to pull image \"{image}\": {e.Message}");
            Acted();
            return;
        }
        if (_routes.Network is not { } network || !_routes.Complete)
        {
            tracker.Waiting = WaitingForServiceDirectory;
            return;
        }
        if (_hostPorts is not null && !await _hostPorts.WaitUntilCovered(sandbox, HostPortGuardWait, _clock, ct))
        {
            tracker.Waiting = WaitingForHostPortGuard;
            return;
        }
        IReadOnlyDictionary<string, string> env;
        IReadOnlyList<Mount> mounts;
        try
        {
            mounts = PodVolumes.MountsFor(container, await volumes());
            env = await _environment.Build(Tenant, Pod, container, sandbox.PodIp, _hostIp);
            if (_runtime.ReadsPodFiles)
            {
                var (hostname, domain) = PodDns.HostnameAndDomain(Pod, network.ClusterDomain);
                var resolvConf = PodDns.Render(PodDns.ResolvConf(Pod.Spec, Ref.Namespace, network, _nodeDns));
                mounts = [.. mounts, .. _volumes.NetworkFiles(Ref.Uid, container, resolvConf, PodDns.HostsFile(sandbox.PodIp, hostname, domain))];
                if (await ServiceAccountFiles()) mounts = [.. mounts, .. _volumes.ServiceAccountMount(Ref.Uid, container)];
            }
        }
        catch (ContainerConfigException e)
        {
            if (tracker.Waiting?.Reason != "CreateContainerConfigError")
                _cluster.RecordEvent(Key, Pod, "Warning", "Failed", $"Error: {e.Message}");
            tracker.Waiting = new WaitingReason("CreateContainerConfigError", e.Message);
            return;
        }
        var limits = container.Resources?.Limits;
        var spec = new ContainerSpec(Ref, container.Name, attempt, image, container.Command, container.Args, container.WorkingDir,
            env, mounts,
            limits?.GetValueOrDefault("memory") is { } memory && Quantity.TryParse(memory, out var bytes) ? (long)bytes : null,
            limits?.GetValueOrDefault("cpu") is { } cpu && Quantity.TryParse(cpu, out _) ? Quantity.MilliValue(cpu) : null,
            container.Tty ?? false,
            container.Stdin ?? false,
            container.StdinOnce ?? false);
        var id = await _runtime.CreateContainer(spec, sandbox.Id, ct);
        _cluster.RecordEvent(Key, Pod, "Normal", "Created", $"Created container {container.Name}");
        await _runtime.StartContainer(id, ct);
        _cluster.RecordEvent(Key, Pod, "Normal", "Started", $"Started container {container.Name}");
        tracker.ResetProbes(container);
        tracker.Waiting = null;
        Acted();
    }

    /// <summary>
    /// Makes sure the pod's service account files are written (asking the cluster for the token the first time); false
    /// when the pod mounts none. A refused token (its service account missing) keeps the container from starting.
    /// </summary>
    private async Task<bool> ServiceAccountFiles() =>
        _tokenRenewAt is { } renewAt ? renewAt != DateTimeOffset.MaxValue : await WriteToken();

    /// <summary>Asks the cluster for the pod's token and writes the files; false when the pod mounts none.</summary>
    private async Task<bool> WriteToken()
    {
        var token = Pod.Spec.AutomountServiceAccountToken == false ? null : await _cluster.PodToken(Key, Ref.Uid);
        if (token is null || !token.Automount)
        {
            _tokenRenewAt = DateTimeOffset.MaxValue;
            return false;
        }
        if (token.Token is null) throw new ContainerConfigException($"failed to fetch token: {token.Refusal}");
        _volumes.WriteServiceAccountFiles(Ref.Uid, Ref.Namespace, token.Token, token.CaCertificatePem);
        _tokenRenewAt = RenewalTime(token);
        return true;
    }

    /// <summary>
    /// A new token once 80 % of the current one's life has passed (or, for containers this agent found running after
    /// its own restart, at once); a failure is tried again shortly and the containers keep the token they have.
    /// </summary>
    private async Task RenewToken(DateTimeOffset now)
    {
        try
        {
            await WriteToken();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _tokenRenewAt = now + TokenRetry;
            LogTokenRenewalFailed(_logger, Ref.ToString(), e.Message);
        }
    }

    private static readonly TimeSpan TokenRetry = TimeSpan.FromSeconds(10);

    /// <summary>The kubelet renews a projected token after 80 % of its life.</summary>
    internal static DateTimeOffset RenewalTime(Contracts.Security.PodToken token) =>
        token.IssuedAt + (token.ExpiresAt - token.IssuedAt) * 0.8;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the service account token of pod {Pod}: {Reason}")]
    private static partial void LogTokenRenewalFailed(ILogger logger, string pod, string reason);

    private async Task RunProbes(Container container, ContainerTracker tracker, ContainerInfo current, SandboxStatus sandbox, DateTimeOffset now, CancellationToken ct)
    {
        var startedAt = current.StartedAt ?? now;
        if (tracker.Startup is { Passing: false } startup)
        {
            if (startup.IsDue(now, startedAt))
                startup.Record(await _prober.Run(startup.Probe, container, current.Id, sandbox.PodIp, startup.Timeout, ct), now);
            if (startup.Failed) await KillForRestart(container, current, "failed startup probe", ct);
            return; // liveness and readiness wait for the startup probe
        }
        foreach (var probe in new[] { tracker.Liveness, tracker.Readiness })
            if (probe is not null && probe.IsDue(now, startedAt))
                probe.Record(await _prober.Run(probe.Probe, container, current.Id, sandbox.PodIp, probe.Timeout, ct), now);
        if (tracker.Liveness is { Failed: true })
            await KillForRestart(container, current, "failed liveness probe", ct);
    }

    private async Task KillForRestart(Container container, ContainerInfo current, string why, CancellationToken ct)
    {
        LogProbeKill(_logger, container.Name, Ref.ToString(), why);
        _cluster.RecordEvent(Key, Pod, "Warning", "Unhealthy", $"Container {container.Name} {why}, will be restarted");
        _cluster.RecordEvent(Key, Pod, "Normal", "Killing", $"Stopping container {container.Name}");
        var grace = TimeSpan.FromSeconds(Pod.Spec.TerminationGracePeriodSeconds ?? 30);
        await _runtime.StopContainer(current.Id, grace, ct);
        Tracker(container.Name).ResetProbes(container);
        Acted();
    }

    /// <summary>Stops every container within the grace period, removes them and the sandbox, then completes a graceful delete.</summary>
    private async Task Terminate(List<ContainerInfo> mine, SandboxStatus? sandbox, CancellationToken ct)
    {
        var grace = TimeSpan.FromSeconds(Math.Max(0, Pod.Metadata.DeletionGracePeriodSeconds ?? Pod.Spec.TerminationGracePeriodSeconds ?? 30));
        foreach (var running in mine.Where(c => c.State == ContainerRunState.Running))
            _cluster.RecordEvent(Key, Pod, "Normal", "Killing", $"Stopping container {running.Name}");
        await Task.WhenAll(mine.Where(c => c.State == ContainerRunState.Running).Select(c => _runtime.StopContainer(c.Id, grace, ct)));
        foreach (var c in mine) await _runtime.RemoveContainer(c.Id, ct);
        if (sandbox is not null) await _runtime.RemoveSandbox(Ref, ct);
        _volumes.Remove(Ref.Uid);
        if (!Removed && Pod.Metadata.DeletionTimestamp is not null)
        {
            // A pod a finalizer keeps (a job's) outlives its containers: as the kubelet does, it ends in a terminal phase,
            // so that its controller can tell how it ended.
            if (Pod.Metadata.Finalizers is { Count: > 0 } && Pod.Status?.Phase is not ("Succeeded" or "Failed"))
                await _cluster.WriteStatus(Key, Pod, (Pod.Status ?? new PodStatus()) with { Phase = "Failed" });
            await _cluster.FinishDeletion(Key, Ref.Uid);
        }
        Acted();
        Finished = true;
    }

    private async Task ReportStatus(IReadOnlyList<ContainerView> init, IReadOnlyList<ContainerView> app, SandboxStatus sandbox, DateTimeOffset now)
    {
        // The same pod and the same views build the same status: not built again. A node looks at each of its pods
        // every second; building and serialising every status each time was most of the CPU of 5,000 simulated
        // nodes holding 120,000 pods.
        if (_reportedFrom is { } last && ReferenceEquals(last.Pod, Pod) && last.Init.SequenceEqual(init) && last.App.SequenceEqual(app)
            && last.Sandbox == sandbox with { Ports = last.Sandbox.Ports } && last.Sandbox.Ports.SequenceEqual(sandbox.Ports))
            return;
        var status = PodStatusBuilder.Build(Pod, init, app, sandbox, _hostIp, now);
        var digest = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(status, KubeJson.Options));
        if (_lastStatusDigest is null || !digest.AsSpan().SequenceEqual(_lastStatusDigest))
        {
            await _cluster.WriteStatus(Key, Pod, status);
            _lastStatusDigest = digest;
            Pod = Pod with { Status = status };
        }
        _reportedFrom = (Pod, init, app, sandbox);
    }

    private ContainerView View(Container container, List<ContainerInfo> mine, ContainerTracker? tracker)
    {
        var attempts = mine.Where(c => c.Name == container.Name).OrderByDescending(c => c.Attempt).ToList();
        var current = attempts.FirstOrDefault();
        var running = current?.State == ContainerRunState.Running;
        var started = running && tracker?.Startup is not { Passing: false };
        var ready = started && (tracker?.Readiness is null || tracker.Readiness.Passing);
        return new ContainerView(container.Name, container.Image ?? "", current, attempts.Skip(1).FirstOrDefault(),
            running ? null : tracker?.Waiting, ready, started);
    }

    private ContainerTracker Tracker(string name)
    {
        if (!_trackers.TryGetValue(name, out var tracker)) _trackers[name] = tracker = new ContainerTracker();
        return tracker;
    }

    private IReadOnlyList<PortMapping> Ports() =>
        Pod.Spec.Containers.Concat(Pod.Spec.InitContainers ?? [])
            .SelectMany(c => c.Ports ?? [])
            .Select(p => new PortMapping(p.Number, p.Protocol ?? "TCP", p.HostPort is > 0 ? p.HostPort : null, p.HostIP ?? _hostIp))
            .DistinctBy(p => (p.ContainerPort, p.Protocol))
            .ToList();

    private void Acted() => LastActed = _clock.GetUtcNow();

    private static string HumanDelay(TimeSpan delay) =>
        delay.TotalMinutes >= 1 ? $"{(int)delay.TotalMinutes}m{delay.Seconds}s" : $"{(int)delay.TotalSeconds}s";

    /// <summary>What the worker remembers about one container across passes.</summary>
    private sealed class ContainerTracker
    {
        private int _highestAttempt = -1;

        public RestartBackoff Backoff { get; } = new();
        public RestartBackoff PullBackoff { get; } = new();
        public DateTimeOffset? ImagePullRetryAt { get; set; }
        public WaitingReason? Waiting { get; set; }
        public ProbeTracker? Startup { get; private set; }
        public ProbeTracker? Liveness { get; private set; }
        public ProbeTracker? Readiness { get; private set; }

        /// <summary>Attempts keep counting up even when a container was removed behind our back.</summary>
        public int NextAttempt => _highestAttempt + 1;

        public void SeeAttempt(int? attempt)
        {
            if (attempt > _highestAttempt) _highestAttempt = attempt.Value;
        }

        public void ResetProbes(Container container)
        {
            Startup = container.StartupProbe is { } s ? new ProbeTracker(s, ProbeKind.Startup) : null;
            Liveness = container.LivenessProbe is { } l ? new ProbeTracker(l, ProbeKind.Liveness) : null;
            Readiness = container.ReadinessProbe is { } r ? new ProbeTracker(r, ProbeKind.Readiness) : null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling pod {Pod} failed")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string pod);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restarting container {Container} of pod {Pod}: {Why}")]
    private static partial void LogProbeKill(ILogger logger, string container, string pod, string why);
}
