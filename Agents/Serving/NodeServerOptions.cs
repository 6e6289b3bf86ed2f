namespace OrleansOrchestrator.Agents.Serving;

/// <summary>How the node's streaming server treats its sessions.</summary>
public sealed record NodeServerOptions
{
    /// <summary>
    /// An exec, attach or forwarded connection through which nothing has moved for this long is closed (an exec'd
    /// command is stopped): the kubelet's <c>--streaming-connection-idle-timeout</c>, 4 hours by default.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromHours(4);

    /// <summary>
    /// Once one side of a forwarded connection has ended, how long the other may still send before both are closed
    /// (as socat lingers after an end of file in the kubelet's forwarder).
    /// </summary>
    public TimeSpan PortForwardLinger { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a closing session waits for its peer's part of the close (the client's reply, the engine's exit code).</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
