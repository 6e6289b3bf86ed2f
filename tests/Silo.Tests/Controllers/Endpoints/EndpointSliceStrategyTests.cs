using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Endpoints;

/// <summary>The EndpointSlice kind: Kubernetes' defaults, validation messages and <c>kubectl get</c> columns.</summary>
public sealed class EndpointSliceStrategyTests
{
    private static readonly KindStrategy Strategy = KindRegistry.For(ResourceKinds.EndpointSlice);

    private static EndpointSlice Slice(string addressType = "IPv4", params string[] addresses) => new()
    {
        Metadata = new ObjectMeta { Name = "web-abcde", Namespace = "default" },
        AddressType = addressType,
        Endpoints = addresses.Select(a => new SliceEndpoint { Addresses = [a] }).ToList(),
        Ports = [new EndpointSlicePort { Port = 80 }],
    };

    private static List<FieldCause> Problems(EndpointSlice slice)
    {
        var errors = new List<FieldCause>();
        Strategy.Validate(Strategy.Default(slice), errors);
        return errors;
    }

    [Fact]
    public void Defaults_PortNameEmptyAndProtocolTcp()
    {
        var port = Assert.Single(((EndpointSlice)Strategy.Default(Slice("IPv4", "10.0.0.1"))).Ports!);
        Assert.Equal(("", "TCP"), (port.Name, port.Protocol));
    }

    [Fact]
    public void Validation_AddressTypeAndAddresses()
    {
        Assert.Empty(Problems(Slice("IPv4", "10.0.0.1")));
        Assert.Equal("addressType: Required value", Text(Assert.Single(Problems(Slice("")))));
        Assert.Equal("addressType: Unsupported value: \"IPv5\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"", Text(Assert.Single(Problems(Slice("IPv5")))));
        Assert.Equal("endpoints[0].addresses[0]: Invalid value: \"fe80::1\": must be a valid IPv4 address", Text(Assert.Single(Problems(Slice("IPv4", "fe80::1")))));
        Assert.Equal("endpoints[0].addresses: Required value: must contain at least 1 address",
            Text(Assert.Single(Problems(Slice() with { Endpoints = [new SliceEndpoint()] }))));
        Assert.Empty(Problems(Slice("FQDN", "db.example.com")));
    }

    private static string Text(FieldCause cause) => $"{cause.Field}: {cause.Message}";

    [Fact]
    public void Table_ShowsAddressTypePortsAndTheFirstThreeEndpoints()
    {
        var columns = Strategy.Columns;
        Assert.Equal(["Name", "AddressType", "Ports", "Endpoints", "Age"], columns.Select(c => c.Name));
        var slice = Slice("IPv4", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5") with
        {
            Ports = [new EndpointSlicePort { Name = "http", Port = 80 }, new EndpointSlicePort { Name = "any" }],
        };
        Assert.Equal("IPv4", columns[1].Cell(slice, DateTimeOffset.UtcNow));
        Assert.Equal("80,any", columns[2].Cell(slice, DateTimeOffset.UtcNow));
        Assert.Equal("10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...", columns[3].Cell(slice, DateTimeOffset.UtcNow));
        var empty = Slice("IPv4") with { Ports = [] };
        Assert.Equal("<unset>", columns[2].Cell(empty, DateTimeOffset.UtcNow));
        Assert.Equal("<unset>", columns[3].Cell(empty, DateTimeOffset.UtcNow));
    }
}
