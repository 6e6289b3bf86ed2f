using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Tests.Admission;

public class EndpointAddressRestrictionTests
{
    private static readonly Actor Tenant = new("bob", []);
    private static readonly Actor Admin = new("alice", [Caller.AdminGroup]);

    private static Endpoints EndpointsAt(string ip) => new()
    {
        Metadata = new ObjectMeta { Name = "backend", Namespace = "default" },
        Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = ip }], Ports = [new EndpointPort { Port = 80 }] }],
    };

    private static EndpointSlice SliceAt(string addressType, string address) => new()
    {
        Metadata = new ObjectMeta { Name = "backend-1", Namespace = "default" },
        AddressType = addressType,
        Endpoints = [new SliceEndpoint { Addresses = [address] }],
    };

    private static async Task<StoreError?> Validate(KubeObject obj, Actor actor, AdmissionOperation operation = AdmissionOperation.Create) =>
        await new EndpointAddressRestriction().Validate(new AdmissionRequest(
            operation, ResourceKinds.Of(obj), Subresource.Main, "t", obj, operation == AdmissionOperation.Update ? obj : null, actor));

    [Theory]
    [InlineData("127.0.0.1", "may not be in the loopback range (127.0.0.0/8, ::1/128)")]
    [InlineData("127.8.9.10", "may not be in the loopback range (127.0.0.0/8, ::1/128)")]
    [InlineData("169.254.169.254", "may not be in the link-local range (169.254.0.0/16, fe80::/10)")]
    [InlineData("0.0.0.0", "may not be unspecified (0.0.0.0)")]
    [InlineData("224.0.0.1", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/16)")]
    [InlineData("not-an-ip", "must be a valid IP address")]
    public async Task Tenant_EndpointsNamingASpecialAddress_Invalid422AtTheAddress(string ip, string detail)
    {
        var refusal = await Validate(EndpointsAt(ip), Tenant);

        Assert.Equal((422, "Invalid"), (refusal?.Code, refusal?.Reason));
        Assert.Contains($"subsets[0].addresses[0].ip: Invalid value: \"{ip}\": {detail}", refusal!.Message);
    }

    [Fact]
    public async Task Tenant_NotReadyAddressOnLoopback_InvalidToo_AndOnUpdate()
    {
        var endpoints = new Endpoints
        {
            Metadata = new ObjectMeta { Name = "backend", Namespace = "default" },
            Subsets = [new EndpointSubset { NotReadyAddresses = [new EndpointAddress { Ip = "::1" }] }],
        };

        var refusal = await Validate(endpoints, Tenant, AdmissionOperation.Update);

        Assert.Contains("subsets[0].notReadyAddresses[0].ip: Invalid value: \"::1\"", refusal?.Message);
    }

    [Theory]
    [InlineData("10.244.1.7")]
    [InlineData("203.0.113.10")]
    public async Task Tenant_EndpointsOnAPodOrExternalAddress_Allowed(string ip)
    {
        Assert.Null(await Validate(EndpointsAt(ip), Tenant));
        Assert.Null(await Validate(SliceAt("IPv4", ip), Tenant));
    }

    [Fact]
    public async Task Administrator_IsHeldToTheRuleAsInKubernetes()
    {
        Assert.Equal(422, (await Validate(EndpointsAt("127.0.0.1"), Admin))?.Code);
    }

    [Fact]
    public async Task Bootstrap_KubernetesServiceEndpointsOnTheLoopbackAdvertiseAddress_Allowed()
    {
        Assert.Null(await Validate(EndpointsAt("127.0.0.1"), SystemActors.Bootstrap));
        Assert.Null(await Validate(SliceAt("IPv4", "127.0.0.1"), SystemActors.EndpointSlices));
    }

    [Fact]
    public async Task UserCallingThemselvesAController_WithoutTheControllersGroup_IsHeldToTheRule()
    {
        Assert.Equal(422, (await Validate(EndpointsAt("127.0.0.1"), new Actor("system:controller:bootstrap", [])))?.Code);
    }

    [Theory]
    [InlineData("IPv4", "127.0.0.1", "may not be in the loopback range (127.0.0.0/8, ::1/128)")]
    [InlineData("IPv4", "169.254.169.254", "may not be in the link-local range (169.254.0.0/16, fe80::/10)")]
    [InlineData("IPv4", "0.0.0.0", "may not be unspecified (0.0.0.0)")]
    [InlineData("IPv4", "224.0.0.251", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/16)")]
    [InlineData("IPv6", "fe80::1", "may not be in the link-local range (169.254.0.0/16, fe80::/10)")]
    [InlineData("IPv6", "ff02::1", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/16)")]
    [InlineData("IPv6", "ff01::1", "may not be in the interface-local multicast range (ff01::/16)")]
    [InlineData("IPv6", "::", "may not be unspecified (::)")]
    public async Task Tenant_SliceNamingASpecialAddress_Invalid422AtTheAddress(string addressType, string address, string detail)
    {
        var refusal = await Validate(SliceAt(addressType, address), Tenant);

        Assert.Equal(422, refusal?.Code);
        Assert.Contains($"endpoints[0].addresses[0]: Invalid value: \"{address}\": {detail}", refusal!.Message);
    }

    [Fact]
    public async Task Tenant_FqdnSlice_NotJudgedAsAnAddress()
    {
        Assert.Null(await Validate(SliceAt("FQDN", "db.example.com"), Tenant));
    }
}
