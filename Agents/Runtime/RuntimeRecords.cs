namespace OrleansOrchestrator.Agents.Runtime;

// The plain data the agent and a container runtime exchange. The agent decides (restart policy, probes,
// volumes, env); the runtime carries out one step at a time and reports what is.

/// <summary>A container port to publish on the node. <see cref="HostPort"/> null = a dynamic port the engine picks.</summary>
public sealed record PortMapping(int ContainerPort, string Protocol, int? HostPort, string HostIp);

/// <summary>What a pod's infrastructure container needs: it owns the pod's network namespace and published ports.</summary>
public sealed record SandboxSpec(PodRef Pod, IReadOnlyList<PortMapping> Ports, string Hostname);

/// <summary>A published port as the engine bound it.</summary>
public sealed record PublishedPort(int ContainerPort, string Protocol, string HostIp, int HostPort);

public sealed record SandboxStatus(string Id, PodRef Pod, bool Running, string? PodIp, IReadOnlyList<PublishedPort> Ports);

/// <summary>A bind mount of a host folder or file the agent prepared (emptyDir, configMap, secret volumes).</summary>
public sealed record Mount(string HostPath, string ContainerPath, bool ReadOnly);

/// <summary>
/// One app container of a pod, at one attempt (restart count), ready to create inside the pod's sandbox.
/// <see cref="Stdin"/> keeps a stdin open for <c>kubectl attach</c>; <see cref="StdinOnce"/> closes it when the first
/// attached client detaches.
/// </summary>
public sealed record ContainerSpec(
    PodRef Pod,
    string Name,
    int Attempt,
    string Image,
    IReadOnlyList<string>? Command,
    IReadOnlyList<string>? Args,
    string? WorkingDir,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<Mount> Mounts,
    long? MemoryLimitBytes,
    long? CpuLimitMillis,
    bool Tty = false,
    bool Stdin = false,
    bool StdinOnce = false);

public enum ContainerRunState { Created, Running, Exited }

/// <summary>An app container as the engine reports it.</summary>
public sealed record ContainerInfo(
    string Id,
    PodRef Pod,
    string Name,
    int Attempt,
    ContainerRunState State,
    int ExitCode,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string Image,
    string ImageId,
    bool OomKilled,
    string? Error);

public sealed record ExecResult(int ExitCode, string Output);

/// <summary>An image could not be had: the engine's own message, for <c>ErrImagePull</c>.</summary>
public sealed class ImagePullException(string image, string message) : Exception(message)
{
    public string Image { get; } = image;
}
