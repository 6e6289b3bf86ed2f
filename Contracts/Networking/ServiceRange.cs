using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OrleansOrchestrator.Contracts.Networking;

/// <summary>
/// An IPv4 service range (<c>--service-cidr</c>) as offsets: offset 0 is the network address and the last one the
/// broadcast address, neither of which is ever handed out (Kubernetes' allocator leaves both out too), so the
/// usable addresses are offsets 1 … <see cref="Size"/> − 2. Pure arithmetic, shared by the control plane (which
/// allocates from it) and the agents (which route it locally).
/// </summary>
public sealed record ServiceRange
{
    /// <summary>The longest prefix accepted: a /28 still leaves the <c>kubernetes</c> Service, the DNS address and a few more.</summary>
    public const int LongestPrefix = 28;

    private ServiceRange(uint network, int prefixLength)
    {
        Network = network;
        PrefixLength = prefixLength;
    }

    /// <summary>The network address as a number (host order).</summary>
    public uint Network { get; }

    public int PrefixLength { get; }

    /// <summary>How many addresses the range spans, network and broadcast included.</summary>
    public long Size => 1L << (32 - PrefixLength);

    /// <summary>The CIDR as written canonically, e.g. <c>10.96.0.0/12</c>.</summary>
    public string Cidr => $"{Address(0)}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The first usable address: the <c>kubernetes</c> Service's cluster IP.</summary>
    public string KubernetesServiceIp => Address(1);

    /// <summary>The tenth address: the cluster DNS, as kubeadm and kube-dns place it.</summary>
    public string DnsIp => Address(10);

    public override string ToString() => Cidr;

    /// <summary>The range written as <paramref name="cidr"/>, or why it cannot serve as a service range.</summary>
    public static ServiceRange Parse(string cidr) =>
        TryParse(cidr, out var range, out var problem) ? range : throw new FormatException(problem);

    public static bool TryParse(string cidr, out ServiceRange range, out string problem)
    {
        range = null!;
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address)
                      || !int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            problem = $"{cidr} is not a CIDR such as 10.96.0.0/12";
            return false;
        }
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            problem = $"{cidr} is not an IPv4 range: only IPv4 service ranges are supported";
            return false;
        }
        if (prefix is < 1 or > LongestPrefix)
        {
            problem = $"{cidr} has a /{prefix} prefix: a service range needs a prefix between /1 and /{LongestPrefix}";
            return false;
        }
        var value = ToNumber(address);
        var mask = uint.MaxValue << (32 - prefix);
        if ((value & ~mask) != 0)
        {
            problem = $"{cidr} is not a network address: did you mean {FromNumber(value & mask)}/{prefix}?";
            return false;
        }
        range = new ServiceRange(value, prefix);
        problem = "";
        return true;
    }

    /// <summary>The address at <paramref name="offset"/> from the network address.</summary>
    public string Address(long offset) => FromNumber((uint)(Network + offset)).ToString();

    /// <summary>The offset of <paramref name="ip"/> when it is a usable address of the range (neither network nor broadcast), else null.</summary>
    public long? UsableOffset(string ip)
    {
        if (!IPAddress.TryParse(ip, out var address) || address.AddressFamily != AddressFamily.InterNetwork) return null;
        var offset = (long)ToNumber(address) - Network;
        return offset >= 1 && offset <= Size - 2 ? offset : null;
    }

    /// <summary>Whether <paramref name="ip"/> lies in the range at all (network and broadcast included): what a node routes locally.</summary>
    public bool Contains(string ip) =>
        IPAddress.TryParse(ip, out var address) && address.AddressFamily == AddressFamily.InterNetwork
        && ((long)ToNumber(address) - Network) is >= 0 and var offset && offset < Size;

    private static uint ToNumber(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
    }

    private static IPAddress FromNumber(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}

/// <summary>Builds the cluster's <see cref="ClusterNetwork"/> from the silo's options.</summary>
public static class ClusterNetworks
{
    public static ClusterNetwork Create(ServiceRange range, int nodePortMin, int nodePortMax) => new()
    {
        ServiceCidr = range.Cidr,
        KubernetesServiceIp = range.KubernetesServiceIp,
        DnsIp = range.DnsIp,
        NodePortMin = nodePortMin,
        NodePortMax = nodePortMax,
    };
}
