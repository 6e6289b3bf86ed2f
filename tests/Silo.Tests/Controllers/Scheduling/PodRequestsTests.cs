using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Scheduling;
using static OrleansOrchestrator.Silo.Tests.Controllers.Scheduling.SchedulingSamples;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Scheduling;

public class PodRequestsTests
{
    private const long Mi = 1024 * 1024;

    [Fact]
    public void Of_Containers_RequestsSummed()
    {
        var requests = PodRequests.Of(new PodSpec { Containers = [Container("250m", "128Mi"), Container("1", "1Gi", name: "b")] });

        Assert.Equal(1250, requests.MilliCpu);
        Assert.Equal(128 * Mi + 1024 * Mi, requests.Memory);
    }

    [Fact]
    public void Of_NoRequests_ZeroButDefaultsForScoring()
    {
        var requests = PodRequests.Of(new PodSpec { Containers = [Container(), Container(name: "b")] });

        Assert.Equal(0, requests.MilliCpu);
        Assert.Equal(0, requests.Memory);
        Assert.Equal(2 * PodRequests.DefaultMilliCpuRequest, requests.NonZeroMilliCpu);
        Assert.Equal(2 * PodRequests.DefaultMemoryRequest, requests.NonZeroMemory);
    }

    [Fact]
    public void Of_ExplicitZeroRequest_NoDefaultForScoring()
    {
        var requests = PodRequests.Of(new PodSpec { Containers = [Container("0", "0")] });

        Assert.Equal(0, requests.NonZeroMilliCpu);
        Assert.Equal(0, requests.NonZeroMemory);
    }

    [Fact]
    public void Of_LimitsWithoutRequests_LimitsRequested()
    {
        var requests = PodRequests.Of(new PodSpec { Containers = [Container(limitCpu: "500m", limitMemory: "256Mi")] });

        Assert.Equal(500, requests.MilliCpu);
        Assert.Equal(256 * Mi, requests.Memory);
    }

    [Fact]
    public void Of_RequestAndLimit_RequestWins()
    {
        var requests = PodRequests.Of(new PodSpec { Containers = [Container("100m", null, limitCpu: "2", limitMemory: "1Gi")] });

        Assert.Equal(100, requests.MilliCpu);
        Assert.Equal(1024 * Mi, requests.Memory);
    }

    [Fact]
    public void Of_InitContainerLargerThanSum_InitContainerPeak()
    {
        // Kubernetes' own example: init 2 CPU/1G and 2 CPU/3G, containers 2 CPU/1G and 1 CPU/1G → 3 CPU, 3G.
        var requests = PodRequests.Of(new PodSpec
        {
            InitContainers = [Container("2", "1G", name: "i1"), Container("2", "3G", name: "i2")],
            Containers = [Container("2", "1G", name: "c1"), Container("1", "1G", name: "c2")],
        });

        Assert.Equal(3000, requests.MilliCpu);
        Assert.Equal(3_000_000_000, requests.Memory);
    }

    [Fact]
    public void Of_SidecarInitContainer_AddsToSumAndToLaterInitContainers()
    {
        var requests = PodRequests.Of(new PodSpec
        {
            InitContainers =
            [
                Container("500m", "100Mi", name: "sidecar") with { RestartPolicy = "Always" },
                Container("1", "50Mi", name: "migrate"),
            ],
            Containers = [Container("200m", "100Mi")],
        });

        Assert.Equal(1500, requests.MilliCpu); // migrate runs beside the sidecar: 1 + 0.5 > 0.2 + 0.5
        Assert.Equal(200 * Mi, requests.Memory); // sidecar + app, larger than sidecar + migrate
    }

    [Fact]
    public void Of_FractionalQuantities_RoundedUp()
    {
        var requests = PodRequests.Of(new PodSpec { Containers = [Container("0.0001", "1500m")] });

        Assert.Equal(1, requests.MilliCpu);
        Assert.Equal(2, requests.Memory);
    }

    [Fact]
    public void Of_HostPorts_NormalisedAndOnlyWithHostPort()
    {
        var spec = new PodSpec
        {
            Containers =
            [
                Container() with
                {
                    Ports =
                    [
                        new ContainerPort { Number = 80, HostPort = 8080 },
                        new ContainerPort { Number = 53, HostPort = 53, Protocol = "UDP", HostIP = "10.0.0.1" },
                        new ContainerPort { Number = 9090 },
                    ],
                },
            ],
        };

        var requests = PodRequests.Of(spec);

        Assert.Equal([new HostPort("TCP", "0.0.0.0", 8080), new HostPort("UDP", "10.0.0.1", 53)], requests.HostPorts);
    }
}
