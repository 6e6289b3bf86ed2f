using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class ServiceSelectionTests
{
    [Fact]
    public void Selects_SelectorIsSubsetOfPodLabels_True() =>
        Assert.True(ServiceSelection.Selects(Service("web", selector: Labels(("app", "web"))), Pod("web-1", labels: Labels(("app", "web"), ("tier", "front")))));

    [Fact]
    public void Selects_OneSelectorLabelDiffers_False() =>
        Assert.False(ServiceSelection.Selects(Service("web", selector: Labels(("app", "web"), ("tier", "back"))),
            Pod("web-1", labels: Labels(("app", "web"), ("tier", "front")))));

    [Fact]
    public void Selects_SelectorLabelMissingOnPod_False() =>
        Assert.False(ServiceSelection.Selects(Service("web", selector: Labels(("app", "web"), ("tier", "front"))), Pod("web-1", labels: Labels(("app", "web")))));

    [Fact]
    public void Selects_OtherNamespace_False() =>
        Assert.False(ServiceSelection.Selects(Service("web", ns: "prod", selector: Labels(("app", "web"))), Pod("web-1", ns: "dev", labels: Labels(("app", "web")))));

    [Fact]
    public void Selects_ServiceWithoutSelector_SelectsNoPod()
    {
        Assert.False(ServiceSelection.Selects(Service("manual"), Pod("web-1", labels: Labels(("app", "web")))));
        Assert.False(ServiceSelection.Selects(Service("manual", selector: Labels()), Pod("web-1", labels: Labels(("app", "web")))));
    }

    [Fact]
    public void SelectingServices_Pod_OnlyThoseThatSelectIt_ByName()
    {
        var pod = Pod("web-1", labels: Labels(("app", "web"), ("tier", "front")));
        var services = new[]
        {
            Service("web", selector: Labels(("app", "web"))),
            Service("front", selector: Labels(("tier", "front"))),
            Service("db", selector: Labels(("app", "db"))),
            Service("web", ns: "other", selector: Labels(("app", "web"))),
        };

        Assert.Equal(["front", "web"], ServiceSelection.SelectingServices(pod, services).Select(s => s.Metadata.Name));
    }

    [Fact]
    public void EndpointRows_ReadyFirstWithPortsNodeAndPod()
    {
        var endpoints = Endpoints("web", ready: [("10.1.0.3", "web-2")], notReady: [("10.1.0.2", "web-1")], node: "node-b");

        var rows = EndpointRow.Of(endpoints, "default");

        Assert.Equal(
            [new EndpointRow("10.1.0.3", "http 8080/TCP", "node-b", "default", "web-2", null, true), new EndpointRow("10.1.0.2", "http 8080/TCP", "node-b", "default", "web-1", null, false)],
            rows);
    }

    [Fact]
    public void EndpointRows_AddressWithoutPod_NoPodLink() =>
        Assert.Null(EndpointRow.Of(new Contracts.Model.Endpoints
        {
            Subsets = [new Contracts.Model.EndpointSubset { Addresses = [new Contracts.Model.EndpointAddress { Ip = "192.0.2.1" }] }],
        }, "default").Single().PodName);
}
