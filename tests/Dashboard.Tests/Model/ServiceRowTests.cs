using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class ServiceRowTests
{
    [Fact]
    public void ClusterIP_Headless_ShownAsNone() =>
        Assert.Equal("None", ServiceRow.From(Service("db", clusterIP: "None"), null).ClusterIP);

    [Fact]
    public void ClusterIP_NotAssignedYet_ShownAsNoneInBrackets() =>
        Assert.Equal("<none>", ServiceRow.From(Service("web", clusterIP: null), null).ClusterIP);

    [Fact]
    public void ClusterIP_Assigned_ShownAsIs() =>
        Assert.Equal("10.96.0.10", ServiceRow.From(Service("web", clusterIP: "10.96.0.10"), null).ClusterIP);

    [Fact]
    public void Type_Unset_IsClusterIP() => Assert.Equal("ClusterIP", ServiceRow.From(Service("web"), null).Type);

    [Fact]
    public void Ports_NodePortAndTarget_AsPortColonNodePortProtocolArrowTarget()
    {
        var service = Service("web", type: "NodePort", ports:
        [
            new ServicePort { Name = "http", Port = 80, NodePort = 30080, Protocol = "TCP", TargetPort = 8080 },
            new ServicePort { Name = "dns", Port = 53, Protocol = "UDP", TargetPort = "dns" },
            new ServicePort { Name = "admin", Port = 9000 },
        ]);

        Assert.Equal(["80:30080/TCP → 8080", "53/UDP → dns", "9000/TCP → 9000"], ServiceRow.From(service, null).Ports);
    }

    [Fact]
    public void External_LoadBalancerWithoutAddress_Pending() =>
        Assert.Equal(["<pending>"], ServiceRow.From(Service("web", type: "LoadBalancer"), null).External);

    [Fact]
    public void External_LoadBalancerWithIngress_TheIngressAddresses() =>
        Assert.Equal(["192.168.1.10", "192.168.1.11"],
            ServiceRow.From(Service("web", type: "LoadBalancer", ingressIPs: ["192.168.1.10", "192.168.1.11"]), null).External);

    [Fact]
    public void External_ExternalIPsAndIngress_BothListedOnce() =>
        Assert.Equal(["203.0.113.5", "192.168.1.10"],
            ServiceRow.From(Service("web", type: "LoadBalancer", externalIPs: ["203.0.113.5"], ingressIPs: ["192.168.1.10", "203.0.113.5"]), null).External);

    [Fact]
    public void External_ClusterIPWithExternalIPs_TheExternalIPs() =>
        Assert.Equal(["203.0.113.5"], ServiceRow.From(Service("web", externalIPs: ["203.0.113.5"]), null).External);

    [Fact]
    public void External_PlainClusterIP_NoneShown()
    {
        var row = ServiceRow.From(Service("web"), null);
        Assert.Empty(row.External);
        Assert.Equal("<none>", row.ExternalText);
    }

    [Fact]
    public void Endpoints_ReadyAndNotReadyAcrossSubsets_Counted()
    {
        var endpoints = Endpoints("web", ready: [("10.1.0.2", "web-1"), ("10.1.0.3", "web-2")], notReady: [("10.1.0.4", "web-3")]);
        endpoints = endpoints with { Subsets = [.. endpoints.Subsets!, new EndpointSubset { Addresses = [new EndpointAddress { Ip = "10.1.0.9" }] }] };

        var row = ServiceRow.From(Service("web"), endpoints);

        Assert.Equal(new EndpointCounts(3, 1), row.Endpoints);
        Assert.Equal("3/4", row.Endpoints.Text);
        Assert.Equal(Tone.Working, row.EndpointsTone);
    }

    [Fact]
    public void Endpoints_NoEndpointsObject_NoneReadyAndAWarning()
    {
        var row = ServiceRow.From(Service("web"), null);

        Assert.Equal("0/0", row.Endpoints.Text);
        Assert.Equal(Tone.Warning, row.EndpointsTone);
    }

    [Fact]
    public void Endpoints_AllReady_Good() =>
        Assert.Equal(Tone.Good, ServiceRow.From(Service("web"), Endpoints("web", ready: [("10.1.0.2", "web-1")])).EndpointsTone);
}
