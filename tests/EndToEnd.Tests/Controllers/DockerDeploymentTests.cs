using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Controllers;

/// <summary>A Deployment end to end: the real kubectl, the scheduler, the controllers and real Docker containers.</summary>
public sealed class DockerDeploymentTests(DockerNodeFixture node) : IClassFixture<DockerNodeFixture>
{
    private const string Manifest = $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: {{TestImages.Busybox}}
                imagePullPolicy: Never
                command: [sh, -c, "echo $VERSION > /www/index.html; exec httpd -f -p 8080 -h /www"]
                env: [{name: VERSION, value: v1}]
                ports: [{containerPort: 8080}]
                readinessProbe:
                  httpGet: {path: /, port: 8080}
                  periodSeconds: 1
        """;

    /// <summary>The image of every running app container of the deployment, as the engine reports it.</summary>
    private async Task<List<string>> RunningImages() =>
        (await TestImages.Shell($"docker ps --format '{{{{.Image}}}}' --filter label=io.orleans-orchestrator.node={node.NodeName} --filter label=io.kubernetes.container.name=web"))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();

    private static List<string> Three(string image) => [image, image, image];

    [Fact]
    public async Task Deployment_RunsContainers_RollsOut_RollsBack_HealsAndScales()
    {
        var kubectl = node.Kubectl();
        await kubectl.Ok("apply -f -", Manifest);
        Assert.Contains("successfully rolled out", await kubectl.Ok("rollout status deployment/web --timeout=90s"));
        await Eventually.True(async () => (await RunningImages()).SequenceEqual(Three(TestImages.Busybox)), "three containers of the first image");

        await kubectl.Ok($"set image deployment/web web={TestImages.BusyboxV2}");
        Assert.Contains("successfully rolled out", await kubectl.Ok("rollout status deployment/web --timeout=90s"));
        await Eventually.True(async () => (await RunningImages()).SequenceEqual(Three(TestImages.BusyboxV2)), "three containers of the new image");

        Assert.Contains("rolled back", await kubectl.Ok("rollout undo deployment/web"));
        Assert.Contains("successfully rolled out", await kubectl.Ok("rollout status deployment/web --timeout=90s"));
        await Eventually.True(async () => (await RunningImages()).SequenceEqual(Three(TestImages.Busybox)), "the first image back");

        // Remove a pod's containers behind the orchestrator's back: it is made whole again.
        await TestImages.Shell($"docker rm -f $(docker ps -aq --filter label=io.orleans-orchestrator.node={node.NodeName} --filter label=io.kubernetes.container.name=web | head -1)");
        await Eventually.True(async () => (await RunningImages()).Count == 3, "three containers after one was removed", TimeSpan.FromSeconds(60));

        await kubectl.Ok("scale deployment/web --replicas=0");
        await Eventually.True(async () => (await RunningImages()).Count == 0, "no containers at zero replicas", TimeSpan.FromSeconds(60));
        await kubectl.Ok("scale deployment/web --replicas=3");
        Assert.Contains("successfully rolled out", await kubectl.Ok("rollout status deployment/web --timeout=90s"));
        await Eventually.True(async () => (await RunningImages()).Count == 3, "three containers again");
    }
}
