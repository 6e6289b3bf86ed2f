using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Contracts.Streaming;

/// <summary>
/// The channels of Kubernetes' <c>v5.channel.k8s.io</c> WebSocket protocol: every binary message starts with the
/// channel's byte. The API speaks it with kubectl 1.30+ and, for every client, with the pod's agent.
/// </summary>
public static class StreamChannels
{
    public const string V5 = "v5.channel.k8s.io";
    public const string V4 = "v4.channel.k8s.io";

    public const byte Stdin = 0;
    public const byte Stdout = 1;
    public const byte Stderr = 2;
    /// <summary>One <c>metav1.Status</c> (JSON) when the command ends: success, or its exit code or failure.</summary>
    public const byte Error = 3;
    /// <summary>Terminal sizes as JSON, <c>{"Width":80,"Height":24}</c>, one per message.</summary>
    public const byte Resize = 4;
    /// <summary>v5 only: <c>[255, channel]</c> closes that channel's writing side (stdin's end of file).</summary>
    public const byte Close = 255;
}

/// <summary>What an exec or attach asks for: the query of <c>…/pods/{name}/exec</c> and of the agent's endpoint.</summary>
public sealed record ExecRequest(string Container, IReadOnlyList<string> Command, bool Stdin, bool Stdout, bool Stderr, bool Tty);

/// <summary>
/// The agent's streaming endpoints, which the API reaches as it reaches a kubelet's (bearer token of
/// <see cref="Nodes.AgentEndpoint"/>). An endpoint checks the pod and container before it upgrades; a refusal is an
/// HTTP status with the message in <see cref="ErrorHeader"/> (and as the body), so that the API can answer its
/// client before upgrading it.
/// <list type="bullet">
/// <item><c>GET /exec/{node}/{podUid}/{container}?command=…&amp;stdin=&amp;stdout=&amp;stderr=&amp;tty=</c> and
/// <c>GET /attach/…</c> (no command): a WebSocket speaking <see cref="StreamChannels.V5"/>; the agent ends it with
/// one Status on the error channel and a normal close.</item>
/// <item><c>GET /portForward/{node}/{podUid}?port=N</c>: one WebSocket per forwarded connection, connected to
/// <c>localhost:N</c> inside the pod's network before the upgrade; binary messages are the bytes each way, a
/// normal close ends each direction's stream.</item>
/// </list>
/// </summary>
public static class AgentStreamPaths
{
    public const string ErrorHeader = "X-Stream-Error";

    public static string Exec(string node, string podUid, ExecRequest request) =>
        $"/exec/{Escape(node)}/{Escape(podUid)}/{Escape(request.Container)}?{Query(request, withCommand: true)}";

    public static string Attach(string node, string podUid, ExecRequest request) =>
        $"/attach/{Escape(node)}/{Escape(podUid)}/{Escape(request.Container)}?{Query(request, withCommand: false)}";

    public static string PortForward(string node, string podUid, int port) =>
        $"/portForward/{Escape(node)}/{Escape(podUid)}?port={port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A refusal's message made safe for an HTTP header (printable ASCII, bounded).</summary>
    public static string HeaderSafe(string message)
    {
        var text = new StringBuilder(Math.Min(message.Length, 512));
        foreach (var c in message.AsSpan(0, Math.Min(message.Length, 512)))
            text.Append(c is >= ' ' and <= '~' ? c : '?');
        return text.ToString();
    }

    private static string Query(ExecRequest request, bool withCommand)
    {
        var query = new StringBuilder();
        if (withCommand)
            foreach (var part in request.Command)
                query.Append("command=").Append(Uri.EscapeDataString(part)).Append('&');
        query.Append("stdin=").Append(Flag(request.Stdin))
            .Append("&stdout=").Append(Flag(request.Stdout))
            .Append("&stderr=").Append(Flag(request.Stderr))
            .Append("&tty=").Append(Flag(request.Tty));
        return query.ToString();
    }

    private static string Flag(bool value) => value ? "true" : "false";

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}

/// <summary>
/// The <c>metav1.Status</c> an exec ends with on the error channel, as the kubelet writes it: kubectl turns
/// <c>NonZeroExitCode</c> into "command terminated with exit code N" and exits with N.
/// </summary>
public static class ExecStatus
{
    public static string Success() => new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" }.ToJsonString();

    public static string Exited(int exitCode, IReadOnlyList<string> command) => new JsonObject
    {
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = $"command terminated with non-zero exit code: error executing command [{string.Join(' ', command)}], exit code {exitCode.ToString(CultureInfo.InvariantCulture)}",
        ["reason"] = "NonZeroExitCode",
        ["details"] = new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = exitCode.ToString(CultureInfo.InvariantCulture) }),
        },
    }.ToJsonString();

    public static string Failed(string message) => new JsonObject
    {
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = "InternalError",
        ["code"] = 500,
    }.ToJsonString();
}
