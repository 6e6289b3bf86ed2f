using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using DockerMount = Docker.DotNet.Models.Mount;

namespace OrleansOrchestrator.Agents.Runtime.Docker;

/// <summary>
/// Real pods on a Docker engine, the way Kubernetes' dockershim ran them: per pod an infrastructure container
/// (the sandbox) that holds the network and IPC namespaces and the published ports, and app containers that
/// join them (<c>--network container:&lt;sandbox&gt;</c>). Names and labels follow dockershim, plus the cluster's
/// id and the node's name, so that listings return only this cluster's and node's containers even when several
/// clusters and nodes share one engine, and an agent restarted with the same cluster and node adopts what is
/// already running.
/// </summary>
public sealed partial class DockerRuntime : IContainerRuntime, IDisposable
{
    /// <summary>The default sandbox image: busybox sleeping forever, built on the node from <see cref="BusyboxPath"/> when absent.</summary>
    public const string DefaultPauseImage = "orleans-orchestrator/pause:1";

    public static readonly Uri DefaultEndpoint = new("unix:///var/run/docker.sock");

    /// <summary>What an exec that outlived its timeout reports, as GNU <c>timeout</c> does.</summary>
    public const int ExecTimedOutExitCode = 124;

    /// <summary>What an exec that could not start (e.g. the container is not running) reports, as a shell does.</summary>
    public const int ExecCouldNotRunExitCode = 126;

    // Docker refuses NanoCPUs below 0.01 CPU ("Range of CPUs is from 0.01 to …"); Kubernetes allows 1m.
    private const long MinimumNanoCpus = 10_000_000;

    // Probe output is for humans reading an event; kubelet keeps 10 KiB. Beyond this we read on but discard.
    private const int MaxExecOutputBytes = 64 * 1024;

    // Inspecting every container of a listing one after the other is slow with ~100 pods; all at once opens
    // one connection each. A few at a time is fast and kind to the engine.
    private const int InspectParallelism = 8;

    private readonly DockerClient docker;
    private readonly DockerClientConfiguration? ownedConfiguration;
    private readonly SemaphoreSlim pauseImageGate = new(1, 1);
    private volatile bool pauseImageReady;

    // RunSandbox for one pod must not race itself: a second call could find the first one's sandbox created but
    // not yet started, take it for a dead one and remove it. Striped by pod uid, so different pods run in parallel
    // while the number of gates stays fixed however many pods come and go.
    private readonly SemaphoreSlim[] sandboxGates = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Uses <paramref name="client"/>, which the caller keeps and disposes.</summary>
    public DockerRuntime(string clusterId, string nodeName, DockerClient client)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        ClusterId = clusterId;
        NodeName = nodeName;
        docker = client;
        Networks = new DockerTenantNetworks(docker, clusterId);
    }

    /// <summary>Connects to the engine at <paramref name="endpoint"/> (default the local Unix socket).</summary>
    public DockerRuntime(string clusterId, string nodeName, Uri? endpoint = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        ClusterId = clusterId;
        NodeName = nodeName;
        ownedConfiguration = new DockerClientConfiguration(endpoint ?? DefaultEndpoint);
        // Unversioned: Docker.DotNet does not negotiate, and an engine refuses API versions newer than its own
        // (dockerd 20.10 speaks 1.41 at most). Unversioned requests get the engine's own version.
        docker = ownedConfiguration.CreateClient();
        Networks = new DockerTenantNetworks(docker, clusterId);
    }

    /// <summary>The Orleans cluster id of the agent: containers of other clusters on the same engine are not its own.</summary>
    public string ClusterId { get; }

    public string NodeName { get; }

    /// <summary>The tenants' pod networks on this engine: each sandbox joins its pod's tenant's.</summary>
    public DockerTenantNetworks Networks { get; }

    /// <summary>The image of every sandbox; made on first use when the engine does not have it.</summary>
    public string PauseImage { get; init; } = DefaultPauseImage;

    /// <summary>A static busybox binary, used to build <see cref="PauseImage"/> when the engine does not have it.</summary>
    public string BusyboxPath { get; init; } = BusyboxImage.DefaultBusyboxPath;

    public async Task<string> Version(CancellationToken cancellationToken)
    {
        var version = await docker.System.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        return $"docker://{version.Version}";
    }

    // ---------------------------------------------------------------- sandboxes

    public async Task<SandboxStatus> RunSandbox(SandboxSpec spec, CancellationToken cancellationToken)
    {
        var gate = sandboxGates[(int)((uint)StringComparer.Ordinal.GetHashCode(spec.Pod.Uid) % (uint)sandboxGates.Length)];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunSandboxAlone(spec, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<SandboxStatus> RunSandboxAlone(SandboxSpec spec, CancellationToken cancellationToken)
    {
        var name = PodContainerNaming.SandboxName(spec.Pod);

        // A few rounds because things can change under us: another process (a second agent on the same engine)
        // can create the sandbox between our look and our create (a name conflict: look again), and someone can
        // remove the pause image after we made it (build it again).
        for (var round = 1; ; round++)
        {
            await EnsurePauseImage(cancellationToken).ConfigureAwait(false);

            var existing = await TryInspect(name, cancellationToken).ConfigureAwait(false);
            if (existing is not null && !IsOurs(existing, PodContainerNaming.SandboxType))
            {
                // The same pod (its uid is in the name) bound to another node or cluster on this engine.
                throw new InvalidOperationException($"Container {name} belongs to another node or cluster on this engine.");
            }

            if (existing is not null)
            {
                if (existing.State.Running)
                {
                    return ToSandboxStatus(existing);
                }

                // A stopped sandbox has lost its network namespace, its IP and its port bindings; like the
                // kubelet, start over with a new one rather than restart it.
                await ForceRemove(existing.ID, cancellationToken).ConfigureAwait(false);
            }

            // Only a new sandbox needs the tenant's network: a running one (also one made on docker0 before tenant
            // networks existed) is adopted as it is. A pod without a tenant stays on the engine's default bridge.
            var network = spec.Pod.Tenant.Length > 0 ? await Networks.Ensure(spec.Pod.Tenant, cancellationToken).ConfigureAwait(false) : null;
            string id;
            try
            {
                id = (await docker.Containers.CreateContainerAsync(SandboxParameters(spec, name, network?.DockerNetwork), cancellationToken).ConfigureAwait(false)).ID;
            }
            catch (DockerApiException e) when (round < 3 && e.StatusCode == HttpStatusCode.Conflict)
            {
                continue;
            }
            catch (DockerImageNotFoundException) when (round < 3)
            {
                // Docker.DotNet reports every 404 of a create as a missing image; the engine's message may as well say
                // that the tenant's network is gone (removed by hand). Look for both again.
                pauseImageReady = false;
                if (network is not null) Networks.Forget(network.Tenant);
                continue;
            }

            try
            {
                await docker.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
                if (network is not null) DockerTenantNetworks.AllowHairpin(network.Bridge);
                return ToSandboxStatus(await docker.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false));
            }
            catch (DockerApiException e) when (round < 3 && network is not null && e.StatusCode == HttpStatusCode.NotFound
                && EngineMessage(e).StartsWith("network ", StringComparison.Ordinal))
            {
                // The engine checks the network only when the container starts: the tenant's network was removed after
                // we last looked (by hand, or by a test's cleanup). Make it again and start over.
                await ForceRemove(id, CancellationToken.None).ConfigureAwait(false);
                Networks.Forget(network.Tenant);
            }
            catch
            {
                // E.g. a fixed host port already taken: leave nothing half-made behind for the next attempt.
                await ForceRemove(id, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }

    public async Task RemoveSandbox(PodRef pod, CancellationToken cancellationToken)
    {
        // By label rather than by name: finds every sandbox this node ever made for the pod.
        var sandboxes = await docker.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = PodContainerNaming.NodeFilter(NodeName, PodContainerNaming.SandboxType, pod.Uid) },
            cancellationToken).ConfigureAwait(false);

        foreach (var sandbox in sandboxes.Where(s => PodContainerNaming.BelongsTo(s.Labels, ClusterId, NodeName, PodContainerNaming.SandboxType)))
        {
            // The sleeping pause process has nothing to shut down gracefully: kill and remove in one call.
            await ForceRemove(sandbox.ID, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<SandboxStatus>> ListSandboxes(CancellationToken cancellationToken)
    {
        var inspected = await InspectAllOfType(PodContainerNaming.SandboxType, cancellationToken).ConfigureAwait(false);
        return inspected.Select(ToSandboxStatus).ToList();
    }

    private CreateContainerParameters SandboxParameters(SandboxSpec spec, string name, string? network)
    {
        var ports = spec.Ports
            .GroupBy(port => PortKey(port.ContainerPort, port.Protocol))
            .ToDictionary(group => group.Key, group => group.ToList());

        return new CreateContainerParameters
        {
            Name = name,
            Image = PauseImage,
            Hostname = string.IsNullOrEmpty(spec.Hostname) ? null : spec.Hostname,
            Labels = PodContainerNaming.Labels(ClusterId, NodeName, spec.Pod, PodContainerNaming.SandboxContainerName, PodContainerNaming.SandboxType, attempt: 0),
            ExposedPorts = ports.Keys.ToDictionary(key => key, _ => default(EmptyStruct)),
            HostConfig = new HostConfig
            {
                PortBindings = ports.ToDictionary(
                    entry => entry.Key,
                    entry => (IList<PortBinding>)entry.Value
                        .Select(port => new PortBinding
                        {
                            // Empty host IP = every address; empty host port = one the engine picks.
                            HostIP = port.HostIp ?? "",
                            HostPort = port.HostPort?.ToString(CultureInfo.InvariantCulture) ?? "",
                        })
                        .ToList()),
                // The pod's tenant's bridge; null = the engine's default bridge (docker0).
                NetworkMode = network,
                // The engine's default IPC mode is private, and only a "shareable" one can be joined.
                IpcMode = "shareable",
                RestartPolicy = NoRestart(),
                LogConfig = JsonFileLogs(),
            },
        };
    }

    private static SandboxStatus ToSandboxStatus(ContainerInspectResponse sandbox)
    {
        var network = sandbox.NetworkSettings;
        // The address on the network the sandbox was created on (its tenant's; the default bridge for sandboxes made
        // before tenant networks existed, whose address is also the top-level one).
        var joined = sandbox.HostConfig?.NetworkMode is { Length: > 0 } mode && network?.Networks?.TryGetValue(mode, out var endpoint) == true
            ? endpoint.IPAddress
            : null;
        var podIp = FirstNonEmpty(joined, network?.IPAddress, network?.Networks?.Values.Select(n => n.IPAddress).FirstOrDefault(ip => !string.IsNullOrEmpty(ip)));

        var published = new List<PublishedPort>();
        foreach (var (key, bindings) in network?.Ports ?? new Dictionary<string, IList<PortBinding>>())
        {
            if (bindings is null)
            {
                continue; // exposed but not published
            }

            var (containerPort, protocol) = ParsePortKey(key);
            foreach (var binding in bindings)
            {
                // With an empty host IP the engine (20.10+) binds both 0.0.0.0 and ::, and with a dynamic port it
                // may pick a different port for each (moby/moby#42375). That is one published port as far as the
                // pod is concerned: report the IPv4 one, so that a Service gets one endpoint per container port.
                if (binding.HostIP == "::" && bindings.Any(other => other.HostIP == "0.0.0.0"))
                {
                    continue;
                }

                published.Add(new PublishedPort(containerPort, protocol, binding.HostIP, int.Parse(binding.HostPort, CultureInfo.InvariantCulture)));
            }
        }

        return new SandboxStatus(
            sandbox.ID,
            PodContainerNaming.PodOf(sandbox.Config.Labels) ?? throw new InvalidOperationException($"Container {sandbox.ID} has no pod labels."),
            sandbox.State.Running,
            sandbox.State.Running ? podIp : null,
            published.OrderBy(p => p.ContainerPort).ThenBy(p => p.Protocol, StringComparer.Ordinal).ToList());
    }

    private async Task EnsurePauseImage(CancellationToken cancellationToken)
    {
        if (pauseImageReady)
        {
            return;
        }

        await pauseImageGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!pauseImageReady)
            {
                if (!await ImagePresent(PauseImage, cancellationToken).ConfigureAwait(false))
                {
                    await BusyboxImage.Import(docker, PauseImage, BusyboxPath, applets: [],
                        changes: ["""CMD ["/bin/busybox", "sleep", "2147483647"]"""], cancellationToken).ConfigureAwait(false);
                }

                pauseImageReady = true;
            }
        }
        finally
        {
            pauseImageGate.Release();
        }
    }

    // ---------------------------------------------------------------- images

    public async Task<bool> EnsureImage(string image, string pullPolicy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);

        // An empty policy gets Kubernetes' default.
        var policy = string.IsNullOrEmpty(pullPolicy) ? (ImageReference.IsLatest(image) ? "Always" : "IfNotPresent") : pullPolicy;

        switch (policy)
        {
            case "Never":
                if (!await ImagePresent(image, cancellationToken).ConfigureAwait(false))
                {
                    // The kubelet's ErrImageNeverPull message.
                    throw new ImagePullException(image, $"Container image \"{image}\" is not present with pull policy of Never");
                }

                return false;

            case "IfNotPresent":
                if (await ImagePresent(image, cancellationToken).ConfigureAwait(false)) return false;
                await Pull(image, cancellationToken).ConfigureAwait(false);
                return true;

            case "Always":
                try
                {
                    await Pull(image, cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (ImagePullException)
                {
                    // Deliberately softer than Kubernetes (which fails the pod): nodes here often reach no registry
                    // at all and run images built or loaded locally. A present image is a better answer than none.
                    if (!await ImagePresent(image, cancellationToken).ConfigureAwait(false))
                    {
                        throw;
                    }
                }

                return false;

            default:
                throw new ArgumentException($"Unknown image pull policy \"{pullPolicy}\" (expected Always, IfNotPresent or Never).", nameof(pullPolicy));
        }
    }

    private async Task Pull(string image, CancellationToken cancellationToken)
    {
        var (repository, tag) = ImageReference.Split(image);
        string? streamedError = null;
        var messages = new SynchronousProgress<JSONMessage>(message => streamedError ??= FirstNonEmpty(message.Error?.Message, message.ErrorMessage));

        try
        {
            await docker.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = repository, Tag = tag },
                authConfig: null,
                messages,
                cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            // Refused before the pull began (unknown host, no such repository, denied): the message is in the body.
            throw new ImagePullException(image, $"Failed to pull image \"{image}\": {EngineMessage(e)}");
        }

        // Failed after it began (a layer, a manifest): the engine answered 200 and said so in the stream.
        if (streamedError is not null)
        {
            throw new ImagePullException(image, $"Failed to pull image \"{image}\": {streamedError}");
        }
    }

    private async Task<bool> ImagePresent(string image, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    // ---------------------------------------------------------------- app containers

    public async Task<string> CreateContainer(ContainerSpec spec, string sandboxId, CancellationToken cancellationToken)
    {
        var name = PodContainerNaming.ContainerName(spec.Pod, spec.Name, spec.Attempt);
        var parameters = ContainerParameters(spec, sandboxId, name);

        try
        {
            return (await docker.Containers.CreateContainerAsync(parameters, cancellationToken).ConfigureAwait(false)).ID;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // This attempt's name is taken. An agent that crashed between create and start leaves a container that
            // never ran: that one is safe to replace. Anything that ran is history the agent must look at first.
            var existing = await TryInspect(name, cancellationToken).ConfigureAwait(false);
            if (existing is null || existing.State.Status != "created" || !IsOurs(existing, PodContainerNaming.ContainerType))
            {
                throw new InvalidOperationException(
                    $"Container {name} already exists ({existing?.State.Status ?? "being removed"}); remove it or create the next attempt.", e);
            }

            await ForceRemove(existing.ID, cancellationToken).ConfigureAwait(false);
            return (await docker.Containers.CreateContainerAsync(parameters, cancellationToken).ConfigureAwait(false)).ID;
        }
    }

    private CreateContainerParameters ContainerParameters(ContainerSpec spec, string sandboxId, string name)
    {
        var labels = PodContainerNaming.Labels(ClusterId, NodeName, spec.Pod, spec.Name, PodContainerNaming.ContainerType, spec.Attempt);
        labels[PodContainerNaming.SandboxIdLabel] = sandboxId;

        var parameters = new CreateContainerParameters
        {
            Name = name,
            Image = spec.Image,
            Labels = labels,
            WorkingDir = string.IsNullOrEmpty(spec.WorkingDir) ? null : spec.WorkingDir,
            Env = spec.Env.Select(variable => $"{variable.Key}={variable.Value}").ToList(),
            Tty = spec.Tty,
            // kubectl attach reaches the main process's stdin only when the engine keeps one open.
            OpenStdin = spec.Stdin,
            StdinOnce = spec.Stdin && spec.StdinOnce,
            HostConfig = new HostConfig
            {
                // Joining the sandbox: same IP, same localhost, same ports; same System V IPC.
                NetworkMode = $"container:{sandboxId}",
                IpcMode = $"container:{sandboxId}",
                Mounts = spec.Mounts
                    .Select(mount => new DockerMount { Type = "bind", Source = mount.HostPath, Target = mount.ContainerPath, ReadOnly = mount.ReadOnly })
                    .ToList(),
                // The agent applies the pod's restart policy itself, with back-off and a new attempt each time.
                RestartPolicy = NoRestart(),
                LogConfig = JsonFileLogs(),
            },
        };

        // Kubernetes' rule: command replaces the image's ENTRYPOINT, args replace its CMD. Docker drops the image's
        // CMD whenever ENTRYPOINT is given, which is what Kubernetes wants for "command without args" too.
        if (spec.Command is { Count: > 0 })
        {
            parameters.Entrypoint = spec.Command.ToList();
        }

        if (spec.Args is { Count: > 0 })
        {
            parameters.Cmd = spec.Args.ToList();
        }

        if (spec.MemoryLimitBytes is { } memory)
        {
            parameters.HostConfig.Memory = memory;
            // As the kubelet does: swap equal to memory means no swap, so the limit is the limit.
            parameters.HostConfig.MemorySwap = memory;
        }

        if (spec.CpuLimitMillis is { } millis)
        {
            parameters.HostConfig.NanoCPUs = Math.Max(millis * 1_000_000, MinimumNanoCpus);
        }

        return parameters;
    }

    public Task StartContainer(string id, CancellationToken cancellationToken) =>
        // Returns false when it was already running; starting is idempotent for the agent.
        docker.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);

    public async Task StopContainer(string id, TimeSpan grace, CancellationToken cancellationToken)
    {
        // The engine sends the stop signal (SIGTERM unless the image says otherwise), waits whole seconds, then
        // SIGKILLs; the call returns once the container has stopped. Round up so a container gets at least its grace.
        try
        {
            if (grace <= TimeSpan.Zero)
            {
                // Docker.DotNet leaves default values out of query strings, so "t=0" is never sent and the engine
                // would wait its default 10 s instead. No grace means SIGKILL now, then wait until it has stopped.
                await Kill(id, cancellationToken).ConfigureAwait(false);
                await docker.Containers.WaitContainerAsync(id, cancellationToken).ConfigureAwait(false);
                return;
            }

            var seconds = (uint)Math.Ceiling(grace.TotalSeconds);
            await docker.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = seconds }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            // Gone already: stopped enough.
        }
    }

    private async Task Kill(string id, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "SIGKILL" }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // "Container … is not running": what we wanted.
        }
    }

    public Task RemoveContainer(string id, CancellationToken cancellationToken) => ForceRemove(id, cancellationToken);

    public async Task<IReadOnlyList<ContainerInfo>> ListContainers(CancellationToken cancellationToken)
    {
        var inspected = await InspectAllOfType(PodContainerNaming.ContainerType, cancellationToken).ConfigureAwait(false);
        return inspected.Select(ToContainerInfo).ToList();
    }

    public async Task<IReadOnlyList<ContainerInfo>> ListPodContainers(string podUid, CancellationToken cancellationToken)
    {
        var inspected = await InspectAllOfType(PodContainerNaming.ContainerType, cancellationToken, podUid).ConfigureAwait(false);
        return inspected.Select(ToContainerInfo).ToList();
    }

    public async Task<IReadOnlyCollection<string>> BindMountSources(CancellationToken cancellationToken)
    {
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true }, cancellationToken).ConfigureAwait(false);
        return containers.SelectMany(c => c.Mounts ?? []).Where(m => m.Type == "bind").Select(m => m.Source).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<ContainerInfo?> InspectContainer(string id, CancellationToken cancellationToken)
    {
        var container = await TryInspect(id, cancellationToken).ConfigureAwait(false);
        // Only this node's app containers, as ListContainers: a sandbox, or another node's container on a shared
        // engine, is not this agent's to report.
        return container is not null && IsOurs(container, PodContainerNaming.ContainerType) ? ToContainerInfo(container) : null;
    }

    private static ContainerInfo ToContainerInfo(ContainerInspectResponse container)
    {
        var labels = container.Config.Labels;
        var state = container.State;
        var startedAt = DockerTime.Parse(state.StartedAt);
        var finishedAt = DockerTime.Parse(state.FinishedAt);
        // The engine stamps StartedAt after the process is already running, so a process that exits at once can
        // finish "before" it started (by well under a millisecond). Report a run that never took negative time.
        if (startedAt > finishedAt)
        {
            startedAt = finishedAt;
        }

        return new ContainerInfo(
            container.ID,
            PodContainerNaming.PodOf(labels) ?? throw new InvalidOperationException($"Container {container.ID} has no pod labels."),
            labels[PodContainerNaming.ContainerNameLabel],
            PodContainerNaming.AttemptOf(labels),
            state.Status switch
            {
                "created" => ContainerRunState.Created,
                // Paused and restarting containers still have their process; the agent never pauses nor restarts in place.
                "running" or "paused" or "restarting" => ContainerRunState.Running,
                _ => ContainerRunState.Exited, // exited, dead, removing
            },
            (int)state.ExitCode,
            startedAt,
            finishedAt,
            container.Config.Image, // as the spec named it
            container.Image,        // the content it runs: sha256:…
            state.OOMKilled,
            string.IsNullOrEmpty(state.Error) ? null : state.Error);
    }

    // ---------------------------------------------------------------- exec and logs

    public async Task<ExecResult> Exec(string id, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout);
        }

        var output = new CappedBuffer(MaxExecOutputBytes);

        try
        {
            var exec = await docker.Exec.ExecCreateContainerAsync(
                id,
                new ContainerExecCreateParameters { Cmd = command.ToList(), AttachStdout = true, AttachStderr = true },
                deadline.Token).ConfigureAwait(false);

            using (var stream = await docker.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false, deadline.Token).ConfigureAwait(false))
            // The token ends a pending read on the Unix socket; closing the connection too makes sure of it on
            // transports whose reads ignore their token (the hijacked stream is Docker.DotNet's own).
            await using (deadline.Token.Register(stream.Dispose))
            {
                var buffer = new byte[8192];
                while (true)
                {
                    var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, deadline.Token).ConfigureAwait(false);
                    if (read.EOF)
                    {
                        break;
                    }

                    output.Append(buffer.AsSpan(0, read.Count)); // stdout and stderr in the order they came
                }
            }

            // The output ends when the process exits, but the engine may record the exit code a moment later.
            while (true)
            {
                var result = await docker.Exec.InspectContainerExecAsync(exec.ID, deadline.Token).ConfigureAwait(false);
                if (!result.Running)
                {
                    return new ExecResult((int)result.ExitCode, output.ToString());
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && e is OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The process may live on inside the container: the engine has no way to kill an exec.
            return new ExecResult(ExecTimedOutExitCode, $"command {Quote(command)} timed out after {timeout.TotalSeconds:0.###}s{Environment.NewLine}{output}");
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // "Container … is not running" (or paused): the command could not run; a probe counts that as a failure.
            return new ExecResult(ExecCouldNotRunExitCode, EngineMessage(e));
        }
    }

    public async Task<Stream> Logs(string id, bool follow, int? tailLines, CancellationToken cancellationToken)
    {
        // With a TTY the engine stores one raw stream; without, frames that must be demultiplexed.
        var container = await docker.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
        var logs = await docker.Containers.GetContainerLogsAsync(
            id,
            container.Config.Tty,
            new ContainerLogsParameters
            {
                ShowStdout = true,
                ShowStderr = true,
                Follow = follow,
                Tail = tailLines is { } lines ? Math.Max(lines, 0).ToString(CultureInfo.InvariantCulture) : "all",
            },
            cancellationToken).ConfigureAwait(false);

        // cancellationToken covers opening only: a follower stops by disposing the stream (or passing a token to its reads).
        return new DemultiplexedLogStream(logs);
    }

    // ---------------------------------------------------------------- helpers

    /// <param name="podUid">Only this pod's (null: every pod's on this node).</param>
    private async Task<IReadOnlyList<ContainerInspectResponse>> InspectAllOfType(string type, CancellationToken cancellationToken, string? podUid = null)
    {
        // The list endpoint has no exit code, times or OOM flag: inspect each one.
        var listed = (await docker.Containers.ListContainersAsync(
                new ContainersListParameters { All = true, Filters = PodContainerNaming.NodeFilter(NodeName, type, podUid) },
                cancellationToken).ConfigureAwait(false))
            .Where(c => PodContainerNaming.BelongsTo(c.Labels, ClusterId, NodeName, type))
            .ToList();

        var inspected = new ContainerInspectResponse?[listed.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, listed.Count),
            new ParallelOptions { MaxDegreeOfParallelism = InspectParallelism, CancellationToken = cancellationToken },
            async (index, token) => inspected[index] = await TryInspect(listed[index].ID, token).ConfigureAwait(false)).ConfigureAwait(false);

        // Null = removed between the listing and the inspection.
        return inspected.OfType<ContainerInspectResponse>().OrderBy(c => c.Created).ToList();
    }

    private bool IsOurs(ContainerInspectResponse container, string type) =>
        PodContainerNaming.BelongsTo(container.Config.Labels, ClusterId, NodeName, type);

    private async Task<ContainerInspectResponse?> TryInspect(string idOrName, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.Containers.InspectContainerAsync(idOrName, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    private async Task ForceRemove(string id, CancellationToken cancellationToken)
    {
        try
        {
            // RemoveVolumes: anonymous volumes the image declared die with the container, as under the kubelet.
            await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict && e.ResponseBody?.Contains("already in progress", StringComparison.Ordinal) == true)
        {
            // Someone else is removing it already.
        }
    }

    private static RestartPolicy NoRestart() => new() { Name = RestartPolicyKind.No };

    // json-file is what `docker logs` and our Logs read back (some daemons default to drivers that cannot be read,
    // e.g. syslog); bounded so that a chatty container cannot fill the node's disk.
    private static LogConfig JsonFileLogs() => new()
    {
        Type = "json-file",
        Config = new Dictionary<string, string> { ["max-size"] = "10m", ["max-file"] = "3" },
    };

    private static string PortKey(int containerPort, string protocol) =>
        $"{containerPort.ToString(CultureInfo.InvariantCulture)}/{(string.IsNullOrEmpty(protocol) ? "tcp" : protocol.ToLowerInvariant())}";

    /// <summary><c>8080/tcp</c> → (8080, <c>TCP</c>): Kubernetes spells protocols in capitals.</summary>
    private static (int Port, string Protocol) ParsePortKey(string key)
    {
        var slash = key.IndexOf('/');
        var port = int.Parse(slash < 0 ? key : key[..slash], CultureInfo.InvariantCulture);
        return (port, slash < 0 ? "TCP" : key[(slash + 1)..].ToUpperInvariant());
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));

    private static string Quote(IReadOnlyList<string> command) => $"\"{string.Join(' ', command)}\"";

    /// <summary>The engine's own words: error bodies are <c>{"message":"…"}</c>.</summary>
    internal static string EngineMessage(DockerApiException exception)
    {
        var body = exception.ResponseBody;
        if (string.IsNullOrWhiteSpace(body))
        {
            return $"{(int)exception.StatusCode} {exception.StatusCode}";
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("message", out var message)
                && message.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
        }

        return body.Trim();
    }

    public void Dispose()
    {
        // Only what we made: a client passed in belongs to the caller.
        if (ownedConfiguration is not null)
        {
            docker.Dispose();
            ownedConfiguration.Dispose();
        }

        pauseImageGate.Dispose();
        Networks.Dispose();
        foreach (var gate in sandboxGates)
        {
            gate.Dispose();
        }
    }

    /// <summary>Keeps the first bytes of an output and counts the rest.</summary>
    private sealed class CappedBuffer(int capacity)
    {
        private readonly MemoryStream kept = new();
        private long dropped;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            var room = (int)Math.Max(0, capacity - kept.Length);
            kept.Write(bytes[..Math.Min(room, bytes.Length)]);
            dropped += Math.Max(0, bytes.Length - room);
        }

        public override string ToString() =>
            Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length)
            + (dropped > 0 ? $"{Environment.NewLine}[{dropped} more bytes not kept]" : "");
    }
}
