using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Contracts.Tests.Networking;

public sealed class ServiceRangeTests
{
    [Theory]
    [InlineData("10.96.0.0/12", "10.96.0.1", "10.96.0.10", 1L << 20)]
    [InlineData("10.200.7.0/24", "10.200.7.1", "10.200.7.10", 256L)]
    [InlineData("192.168.0.16/28", "192.168.0.17", "192.168.0.26", 16L)]
    [InlineData("172.30.0.0/15", "172.30.0.1", "172.30.0.10", 1L << 17)]
    public void KubernetesAndDnsAddresses_AreTheFirstAndTenthOfTheRange(string cidr, string kubernetes, string dns, long size)
    {
        var range = ServiceRange.Parse(cidr);
        Assert.Equal(cidr, range.Cidr);
        Assert.Equal(kubernetes, range.KubernetesServiceIp);
        Assert.Equal(dns, range.DnsIp);
        Assert.Equal(size, range.Size);
    }

    [Fact]
    public void ClusterNetwork_CarriesTheRangesAddressesAndNodePorts()
    {
        var network = ClusterNetworks.Create(ServiceRange.Parse("10.200.3.0/24"), 30048, 30063);
        Assert.Equal(new ClusterNetwork
        {
            ServiceCidr = "10.200.3.0/24",
            KubernetesServiceIp = "10.200.3.1",
            DnsIp = "10.200.3.10",
            NodePortMin = 30048,
            NodePortMax = 30063,
        }, network);
    }

    [Theory]
    [InlineData("10.96.0.1/12", "not a network address: did you mean 10.96.0.0/12?")]
    [InlineData("10.0.0.0/29", "a service range needs a prefix between /1 and /28")]
    [InlineData("10.0.0.0/0", "a service range needs a prefix between /1 and /28")]
    [InlineData("fd00::/108", "only IPv4 service ranges are supported")]
    [InlineData("10.96.0.0", "is not a CIDR such as 10.96.0.0/12")]
    [InlineData("ten/12", "is not a CIDR such as 10.96.0.0/12")]
    [InlineData("10.96.0.0/x", "is not a CIDR such as 10.96.0.0/12")]
    public void Parse_RefusesWhatCannotBeAServiceRange_SayingWhy(string cidr, string problem)
    {
        Assert.False(ServiceRange.TryParse(cidr, out _, out var why));
        Assert.Contains(problem, why);
        Assert.Contains(problem, Assert.Throws<FormatException>(() => ServiceRange.Parse(cidr)).Message);
    }

    [Theory]
    [InlineData("10.200.7.0", null)]     // the network address is never handed out
    [InlineData("10.200.7.1", 1L)]
    [InlineData("10.200.7.254", 254L)]
    [InlineData("10.200.7.255", null)]   // nor the broadcast address
    [InlineData("10.200.8.1", null)]
    [InlineData("10.200.6.255", null)]
    [InlineData("fd00::1", null)]
    [InlineData("nonsense", null)]
    public void UsableOffset_IsTheAddressesPlaceBetweenNetworkAndBroadcast(string ip, long? offset)
    {
        var range = ServiceRange.Parse("10.200.7.0/24");
        Assert.Equal(offset, range.UsableOffset(ip));
        if (offset is { } o) Assert.Equal(ip, range.Address(o));
    }

    [Theory]
    [InlineData("10.96.0.0", true)]
    [InlineData("10.111.255.255", true)]
    [InlineData("10.112.0.0", false)]
    [InlineData("10.95.255.255", false)]
    public void Contains_CoversNetworkToBroadcast(string ip, bool contained) =>
        Assert.Equal(contained, ServiceRange.Parse("10.96.0.0/12").Contains(ip));
}
