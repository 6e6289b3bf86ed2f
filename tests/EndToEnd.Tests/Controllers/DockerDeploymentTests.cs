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

    private async Task<List<string>> RunningVersions()
    {
        var output = await TestImages.Shell(
            $"for c in $(docker ps -q --filter label=io.orleans-orchestrator.node={node.NodeName} --filter label=io.kubernetes.container.name=web); do docker exec $c cat /www/index.html 2>/dev/null || true; done");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();
    }

    [Fact]
    public async Task Deployment_RunsContainers_RollsOut_RollsBack_HealsAndScales()
    {
        var kubectl = node.Kubectl();
        await kubectl.Ok("apply -f -", Manifest);
        Assert.Contains("successfully rolled out", await kubectl.Ok("rollout status deployment/web --timeout=90s"));
        await Eventually.True(async () => (await RunningVersions()).SequenceEqual(["v1", "v1", "v1"]), "three v1 containers");

        // A new template (kubectl set env, like set image, changes the pod template) rolls out.
        await kubectl.Ok("set env deployment/web VERSION=v2");
        Assert.Contains("successfully rolled out", await kubectl.Ok("rollout status deployment/web --timeout=90s"));
        await Eventually.True(async () => (await RunningVersions()).SequenceEqual(["v2", "v2", "v2"]), "three v2 containers");

        Assert.Contains("rolled back", await kubectl.Ok("rollout undo deployment/web"));
        Assert.Contains("successfully rolled out", await kubectl.Ok("rollout status deployment/web --timeout=90s"));
        await Eventually.True(async () => (await RunningVersions()).SequenceEqual(["v1", "v1", "v1"]), "three v1 containers again");

        // Remove a pod's containers behind the orchestrator's back: it is made whole again.
        await TestImages.Shell($"docker rm -f $(docker ps -aq --filter label=io.orleans-orchestrator.node={node.NodeName} --filter label=io.kubernetes.container.name=web | head -1)");
        await Eventually.True(async () => (await RunningVersions()).Count == 3, "three containers after one was removed", TimeSpan.FromSeconds(60));

        await kubectl.Ok("scale deployment/web --replicas=0");
        await Eventually.True(async () => (await RunningVersions()).Count == 0, "no containers at zero replicas", TimeSpan.FromSeconds(60));
        await kubectl.Ok("scale deployment/web --replicas=3");
        Assert.Contains("successfully rolled out", await kubectl.Ok("rollout status deployment/web --timeout=90s"));
        await Eventually.True(async () => (await RunningVersions()).Count == 3, "three containers again");
    }
}
