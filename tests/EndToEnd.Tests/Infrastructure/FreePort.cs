using System.Net;
using System.Net.Sockets;

namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

public static class FreePort
{
    /// <summary>
    /// 10000–19999: below Kubernetes' node-port range (30000–32767: Services' node ports, which match every local
    /// address, and <see cref="NetworkSlice"/>s hand those out to test silos) and so below Linux's ephemeral range
    /// (32768–60999), where the kernel takes the local ports of outgoing connections: the tests open thousands
    /// (kubectl, HTTP clients, Orleans gateways), and a free port picked inside that range was now and then taken by
    /// one of them before the silo bound it ("address already in use"). Also below 20000–29999, where every agent
    /// the tests start picks its cluster DNS port on all addresses (<c>Agents/Networking/Dns/FreePorts.cs</c>):
    /// sharing that pool, an agent once took the port handed to a silo of another test in between.
    /// </summary>
    private const int First = 10_000, Last = 20_000;

    /// <summary>Ports this process handed out: never twice, even once the first holder has let go of it.</summary>
    private static readonly HashSet<int> Given = [];

    /// <summary>A loopback port nobody listens on right now, chosen at random so that parallel test processes rarely try the same.</summary>
    public static int Next()
    {
        lock (Given)
        {
            for (var attempt = 0; attempt < 1_000; attempt++)
            {
                var port = Random.Shared.Next(First, Last);
                if (!Given.Contains(port) && Bindable(port))
                {
                    Given.Add(port);
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"no free loopback port between {First} and {Last}");
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
