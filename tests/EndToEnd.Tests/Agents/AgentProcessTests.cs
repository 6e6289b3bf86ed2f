using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Agents;

/// <summary>The agent as its own process: it survives its own crash without losing or duplicating pods, and hosts many hollow nodes.</summary>
public sealed class AgentProcessTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task AgentKilledWhilePodsRun_Restarted_AdoptsTheSameContainers_NoDuplicates()
    {
        await TestImages.EnsureBusybox();
        var nodeName = $"e2e-adopt-{Guid.NewGuid().ToString("N")[..6]}";
        await using var agent = new AgentProcess(fixture.Silo, ["--node-name", nodeName]);
        await agent.Start();
        var kubectl = fixture.Kubectl("1.32");
        await Eventually.True(async () => (await kubectl.Run($"get node {nodeName}")).Stdout.Contains("Ready", StringComparison.Ordinal), "the node to register");

        string Pod(string name) => $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}}
            spec:
              nodeName: {{nodeName}}
              containers:
              - {name: main, image: "{{TestImages.Busybox}}", imagePullPolicy: Never, command: [sh, -c, "exec sleep 100000"]}
            """;
        await kubectl.Ok("apply -f -", Pod("survivor-a"));
        await kubectl.Ok("apply -f -", Pod("survivor-b"));
        await Eventually.True(async () => (await kubectl.Ok("get pods -o wide")).Split('\n').Count(l => l.Contains(nodeName, StringComparison.Ordinal) && l.Contains("Running", StringComparison.Ordinal)) == 2,
            "both pods Running");
        var before = await Containers(nodeName);
        Assert.Equal(4, before.Count); // two sandboxes, two app containers

        await agent.Kill();
        // While the agent is down, one pod is deleted (it stays Terminating: nobody can stop its containers yet).
        var deleting = kubectl.Start("delete pod survivor-b --wait=false --grace-period=2");
        await Eventually.True(() => deleting.HasExited, "the delete request");
        await agent.Start();

        await Eventually.True(async () => (await Containers(nodeName)).Count == 2, "the deleted pod's containers to go");
        Assert.Equal(before.Where(c => c.Contains("survivor-a", StringComparison.Ordinal)).Order(), (await Containers(nodeName)).Order());
        var pod = JsonNode.Parse(await kubectl.Ok("get pod survivor-a -o json"))!;
        Assert.Equal("Running", pod["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(0, pod["status"]!["containerStatuses"]![0]!["restartCount"]!.GetValue<int>());
        await Eventually.True(async () => (await kubectl.Run("get pod survivor-b")).ExitCode != 0, "the deleted pod to be gone");
        await kubectl.Ok("delete pod survivor-a --grace-period=1");
    }

    [Fact]
    public async Task OneAgentProcess_AThousandSimulatedNodes_AllRegisterAndStayReady()
    {
        const int nodes = 1000;
        await using var agent = new AgentProcess(fixture.Silo, ["--no-docker", "--simulated-nodes", $"{nodes}", "--simulated-prefix", "hollow"]);
        await agent.Start();
        var kubectl = fixture.Kubectl("1.32");

        int ReadyHollow(string table) => table.Split('\n').Count(l => l.StartsWith("hollow-", StringComparison.Ordinal) && l.Contains(" Ready ", StringComparison.Ordinal));
        await Eventually.True(async () => ReadyHollow(await kubectl.Ok("get nodes")) == nodes, $"{nodes} nodes Ready", TimeSpan.FromMinutes(2));

        // Still Ready after several heartbeat intervals, and their pods run.
        await kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: Pod
            metadata: {name: on-hollow}
            spec:
              nodeName: hollow-0999
              containers: [{name: main, image: "example/app:1"}]
            """);
        await Eventually.True(async () => (await kubectl.Ok("get pod on-hollow")).Contains("Running", StringComparison.Ordinal), "a pod on a hollow node to run");
        Assert.Equal(nodes, ReadyHollow(await kubectl.Ok("get nodes")));
    }

    [Fact]
    public async Task MainCommand_NoDockerEngine_SaysSoAndRunsSimulatedNodes()
    {
        await using var silo = new SiloProcess(extraArgs: ["--docker-endpoint", "unix:///nonexistent/docker.sock", "--simulated-nodes", "2"], dockerAgent: true);
        await silo.Start();
        Assert.Contains("no Docker engine reachable at unix:///nonexistent/docker.sock", silo.Output);
        Assert.Contains("2 simulated nodes", silo.Output);
        var kubectl = new Kubectl("1.32", silo.KubeconfigPath);
        await Eventually.True(async () => (await kubectl.Ok("get nodes")).Split('\n').Count(l => l.StartsWith("sim-", StringComparison.Ordinal) && l.Contains(" Ready ", StringComparison.Ordinal)) == 2,
            "two simulated nodes Ready");
    }

    private static async Task<List<string>> Containers(string node) =>
        (await TestImages.Shell($"docker ps -a --format '{{{{.Names}}}}' --filter label=io.orleans-orchestrator.node={node}"))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
}
