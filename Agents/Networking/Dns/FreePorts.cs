using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OrleansOrchestrator.Agents.Networking.Dns;

/// <summary>
/// Picks the DNS port when none is configured. It must stay free on tenant gateways that appear later, so it
/// comes from below the kernel's ephemeral range (where the agent's own outgoing sockets take ports) and
/// below the node port range, and is checked free for UDP and TCP on every address.
/// </summary>
internal static class FreePorts
{
    private const int NodePortMin = 30000;

    public static int PickBelowEphemeral()
    {
        var high = Math.Min(NodePortMin, EphemeralLow()) - 1;
        var low = Math.Max(1024, high - 9999);
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(low, high + 1);
            if (IsFree(port)) return port;
        }
        throw new InvalidOperationException($"no free port for the cluster DNS between {low} and {high}; set --dns-port");
    }

    internal static bool IsFree(int port)
    {
        try
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Any, port));
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first ephemeral port (Linux' <c>ip_local_port_range</c>; 32768 where it cannot be read).</summary>
    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }
}
