namespace OrleansOrchestrator.Agents.Runtime;

/// <summary>
/// The container engine of one node, one step at a time. Everything it creates is labelled with the node,
/// the pod and the container (as Kubernetes' Docker integration labelled them), so that a restarted agent
/// finds and adopts what it already runs. Implementations: Docker (real pods) and a simulated runtime for
/// scale work, whose containers exist only in memory.
/// </summary>
public interface IContainerRuntime
{
    /// <summary>
    /// Whether containers are real processes that read files the agent writes for them (resolv.conf, /etc/hosts).
    /// The simulated runtime's are not: its hundreds of thousands of hollow pods must cost no disk.
    /// </summary>
    bool ReadsPodFiles => true;

    /// <summary>Shown as the node's container runtime version, e.g. <c>docker://20.10.24</c>.</summary>
    Task<string> Version(CancellationToken cancellationToken);

    /// <summary>Starts the pod's infrastructure container, or returns the running one (idempotent).</summary>
    Task<SandboxStatus> RunSandbox(SandboxSpec spec, CancellationToken cancellationToken);

    /// <summary>Stops and removes the infrastructure container; app containers must be gone first.</summary>
    Task RemoveSandbox(PodRef pod, CancellationToken cancellationToken);

    /// <summary>Every sandbox of this node, running or not.</summary>
    Task<IReadOnlyList<SandboxStatus>> ListSandboxes(CancellationToken cancellationToken);

    /// <summary>
    /// Makes the image present per the pull policy (Always, IfNotPresent, Never); true when it was pulled,
    /// false when it was already there. Throws <see cref="ImagePullException"/>.
    /// </summary>
    Task<bool> EnsureImage(string image, string pullPolicy, CancellationToken cancellationToken);

    /// <summary>Creates (does not start) an app container joined to the sandbox's network namespace; returns its id.</summary>
    Task<string> CreateContainer(ContainerSpec spec, string sandboxId, CancellationToken cancellationToken);

    Task StartContainer(string id, CancellationToken cancellationToken);

    /// <summary>SIGTERM, then SIGKILL once <paramref name="grace"/> has passed.</summary>
    Task StopContainer(string id, TimeSpan grace, CancellationToken cancellationToken);

    Task RemoveContainer(string id, CancellationToken cancellationToken);

    /// <summary>Every app container of this node, including exited ones.</summary>
    Task<IReadOnlyList<ContainerInfo>> ListContainers(CancellationToken cancellationToken);

    /// <summary>
    /// The app containers of one pod, including exited ones: what a log or exec request looks up, without a look at
    /// every container of the node (an engine answers this from its label index).
    /// </summary>
    async Task<IReadOnlyList<ContainerInfo>> ListPodContainers(string podUid, CancellationToken cancellationToken) =>
        (await ListContainers(cancellationToken)).Where(c => c.Pod.Uid == podUid).ToList();

    Task<ContainerInfo?> InspectContainer(string id, CancellationToken cancellationToken);

    /// <summary>Runs a command in a running container (exec probes), giving up after <paramref name="timeout"/>.</summary>
    Task<ExecResult> Exec(string id, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// The host paths bind-mounted into containers on this engine, in any state — every container's, not only this
    /// node's or cluster's: a folder any of them mounts is in use. None on an engine without files (simulated).
    /// </summary>
    Task<IReadOnlyCollection<string>> BindMountSources(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyCollection<string>>([]);

    /// <summary>The container's output as plain text (stdout and stderr interleaved), optionally following it.</summary>
    Task<Stream> Logs(string id, bool follow, int? tailLines, CancellationToken cancellationToken);

    /// <summary>
    /// Whether containers are processes one can run commands in, attach to and forward ports to (<c>kubectl exec</c>,
    /// <c>attach</c>, <c>port-forward</c>). The simulated runtime's are not.
    /// </summary>
    bool SupportsStreaming => true;

    /// <summary>
    /// Starts <paramref name="exec"/>'s command in a running container, connected to the returned session until the
    /// command ends. Disposing the session before then stops the command (no process outlives a dropped client).
    /// </summary>
    Task<IContainerSession> StartExec(string id, InteractiveExec exec, CancellationToken cancellationToken) =>
        throw new NotSupportedException("exec is not supported by this container runtime");

    /// <summary>
    /// Connects to a running container's own stdio (its main process); the session ends when the container does.
    /// Disposing the session detaches without stopping the container.
    /// </summary>
    Task<IContainerSession> Attach(string id, AttachStreams streams, CancellationToken cancellationToken) =>
        throw new NotSupportedException("attach is not supported by this container runtime");

    /// <summary>
    /// A TCP connection to <c>localhost:<paramref name="port"/></c> inside the pod's network namespace (a server bound to
    /// 127.0.0.1 in the pod is reachable), as the kubelet forwards ports. Throws <see cref="PodPortUnreachableException"/>.
    /// </summary>
    Task<System.Net.Sockets.Socket> ConnectToPod(string sandboxId, int port, CancellationToken cancellationToken) =>
        throw new NotSupportedException("port forwarding is not supported by this container runtime");
}
