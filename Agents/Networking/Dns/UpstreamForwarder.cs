using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace OrleansOrchestrator.Agents.Networking.Dns;

/// <summary>
/// Asks the upstream servers a question the cluster DNS does not own: each server in turn over UDP (with
/// EDNS, 1,232-byte answers), again over TCP when the answer came truncated, all within one deadline. At
/// most <c>maxConcurrent</c> questions are in flight, so that a pod flooding names costs the agent a bounded
/// number of sockets and tasks; further questions are refused at once, as CoreDNS' <c>forward</c> does past
/// <c>max_concurrent</c>.
/// </summary>
/// <remarks>
/// The exchange is ours, not ARSoft's <c>DnsClient</c>: that client allocates a receive buffer the size of the
/// socket's kernel buffer (about 200 KB) per question, and its TCP transport waits without limit when the
/// server stays silent. The question is written here (header, name, type, class, OPT); the reply is parsed
/// by ARSoft and accepted only with our random id and our question.
/// </remarks>
internal sealed class UpstreamForwarder : IDisposable
{
    private const int UdpPayloadSize = 1232;
    private const int MaxNameLength = 255;

    private readonly IReadOnlyList<IPEndPoint> _servers;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _inFlight;

    public UpstreamForwarder(IEnumerable<IPEndPoint> servers, TimeSpan timeout, int maxConcurrent)
    {
        _servers = [.. servers];
        _timeout = timeout;
        _inFlight = new SemaphoreSlim(maxConcurrent, maxConcurrent);
    }

    public IReadOnlyList<IPEndPoint> Servers => _servers;

    /// <summary>
    /// The upstream's reply, or a reply code of our own: SERVFAIL when no server answered in time (or each
    /// answered SERVFAIL/REFUSED), REFUSED when too many questions are already in flight.
    /// <paramref name="skip"/> names servers that must not be asked (our own sockets: asking them would loop).
    /// </summary>
    public async Task<(DnsMessage? Reply, ReturnCode Failure)> Ask(DnsQuestion question, bool checkingDisabled, Func<IPEndPoint, bool> skip, CancellationToken cancellationToken)
    {
        if (!_inFlight.Wait(0)) return (null, ReturnCode.Refused);
        try
        {
            var id = (ushort)RandomNumberGenerator.GetInt32(1, 0x10000);
            if (EncodeQuestion(id, question, checkingDisabled) is not { } query) return (null, ReturnCode.ServerFailure);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_timeout);
            foreach (var server in _servers)
            {
                if (skip(server)) continue;
                try
                {
                    var reply = await OverUdp(server, query, id, question, deadline.Token);
                    if (reply is { IsTruncated: true }) reply = await OverTcp(server, query, id, question, deadline.Token);
                    if (reply is null || reply.ReturnCode is ReturnCode.ServerFailure or ReturnCode.Refused) continue;
                    return (reply, ReturnCode.NoError);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
                {
                    if (deadline.IsCancellationRequested) break;
                }
            }
            return (null, ReturnCode.ServerFailure);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private static async Task<DnsMessage?> OverUdp(IPEndPoint server, byte[] query, ushort id, DnsQuestion question, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server, cancellationToken);
        await socket.SendAsync(query, SocketFlags.None, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(UdpPayloadSize * 2);
        try
        {
            while (true)
            {
                // A connected socket only hears that server; a reply to another question (or junk) is skipped.
                var length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (Accept(new ArraySegment<byte>(buffer, 0, length), id, question) is { } reply) return reply;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<DnsMessage?> OverTcp(IPEndPoint server, byte[] query, ushort id, DnsQuestion question, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server, cancellationToken);
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed, 2);
        await socket.SendAsync(framed, SocketFlags.None, cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var prefix = new byte[2];
        await stream.ReadExactlyAsync(prefix, cancellationToken);
        var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return Accept(body, id, question);
    }

    /// <summary>The reply if it parses, is a response, and carries our id and our question; else null.</summary>
    private static DnsMessage? Accept(ArraySegment<byte> packet, ushort id, DnsQuestion question)
    {
        if (packet.Count < 12 || BinaryPrimitives.ReadUInt16BigEndian(packet) != id) return null;
        DnsMessage reply;
        try
        {
            reply = DnsMessage.Parse(packet);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
        return !reply.IsQuery && reply.Questions.Count == 1 && reply.Questions[0].Equals(question) ? reply : null;
    }

    /// <summary>
    /// The question on the wire with an OPT record offering <see cref="UdpPayloadSize"/>; null for a name that
    /// cannot be written (a label not 1–63 ASCII characters, or over 255 bytes).
    /// </summary>
    internal static byte[]? EncodeQuestion(ushort id, DnsQuestion question, bool checkingDisabled)
    {
        var bytes = new List<byte>(64);
        void Short(int value)
        {
            bytes.Add((byte)(value >> 8));
            bytes.Add((byte)value);
        }
        Short(id);
        Short(0x0100 | (checkingDisabled ? 0x0010 : 0)); // RD, and CD when the pod set it
        Short(1);
        Short(0);
        Short(0);
        Short(1);
        var nameStart = bytes.Count;
        foreach (var label in question.Name.Labels)
        {
            if (label.Length is 0 or > 63 || label.Any(c => c > 0x7F)) return null;
            bytes.Add((byte)label.Length);
            foreach (var c in label) bytes.Add((byte)c);
        }
        bytes.Add(0);
        if (bytes.Count - nameStart > MaxNameLength) return null;
        Short((int)question.RecordType);
        Short((int)question.RecordClass);
        bytes.Add(0); // OPT: root name
        Short((int)RecordType.Opt);
        Short(UdpPayloadSize);
        Short(0); // extended code and version
        Short(0); // flags
        Short(0); // no options
        return [.. bytes];
    }

    public void Dispose() => _inFlight.Dispose();
}
