using Docker.DotNet;
using Docker.DotNet.Models;
using OrleansOrchestrator.Agents.Runtime.Docker;

namespace OrleansOrchestrator.Agents.Tests.Runtime.Docker;

/// <summary>
/// The real Docker engine on this machine, with the test images built once from /bin/busybox (no registry is
/// reachable): a busybox with the applets the tests use, and a variant with an ENTRYPOINT and a CMD for the
/// command/args rules. Images are kept between runs; their tags change when their content does.
/// </summary>
public sealed class DockerEngineFixture : IAsyncLifetime
{
    public const string TestImage = "orleans-orchestrator-test/busybox:1";

    /// <summary>ENTRYPOINT ["/bin/echo", "entrypoint"], CMD ["cmd"]: runs as "entrypoint cmd".</summary>
    public const string EntrypointImage = "orleans-orchestrator-test/entrypoint:1";

    private static readonly string[] Applets =
        ["sh", "httpd", "wget", "echo", "cat", "sleep", "nc", "mkdir", "touch", "ls", "test", "[", "pwd", "env", "true", "false"];

    public DockerClient Docker { get; } = new DockerClientConfiguration(DockerRuntime.DefaultEndpoint).CreateClient();

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await ImportIfAbsent(TestImage, ["""CMD ["/bin/sh"]"""], timeout.Token);
        await ImportIfAbsent(EntrypointImage, ["""ENTRYPOINT ["/bin/echo", "entrypoint"]""", """CMD ["cmd"]"""], timeout.Token);
    }

    public Task DisposeAsync()
    {
        Docker.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Removes every container labelled with <paramref name="node"/>, app containers before sandboxes.</summary>
    public async Task RemoveEverythingOf(string node)
    {
        var containers = await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{PodContainerNaming.NodeLabel}={node}"] = true },
            },
        });

        foreach (var container in containers.OrderBy(c => c.Labels[PodContainerNaming.ContainerTypeLabel] == PodContainerNaming.SandboxType))
        {
            try
            {
                await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
            }
            catch (DockerContainerNotFoundException)
            {
            }
        }
    }

    /// <summary>
    /// Removes the tenant networks of <paramref name="cluster"/> (after its containers). One still in use by another
    /// run sharing the cluster id is left: the engine refuses, and that run removes it.
    /// </summary>
    public async Task RemoveNetworksOf(string cluster)
    {
        var networks = await Docker.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{PodContainerNaming.ClusterLabel}={cluster}"] = true },
            },
        });

        foreach (var network in networks)
        {
            try
            {
                await Docker.Networks.DeleteNetworkAsync(network.ID);
            }
            catch (DockerApiException)
            {
            }
        }
    }

    private async Task ImportIfAbsent(string image, string[] changes, CancellationToken cancellationToken)
    {
        try
        {
            await Docker.Images.InspectImageAsync(image, cancellationToken);
        }
        catch (DockerImageNotFoundException)
        {
            await BusyboxImage.Import(Docker, image, BusyboxImage.DefaultBusyboxPath, Applets, changes, cancellationToken);
        }
    }
}
