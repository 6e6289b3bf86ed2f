using System.Globalization;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Storage;
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
        try
        {
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
            var survivorIds = before.Where(c => c.Name.Contains("survivor-a", StringComparison.Ordinal)).Select(c => c.Id).Order().ToList();
            Assert.Equal(2, survivorIds.Count);
            var survivorUid = JsonNode.Parse(await kubectl.Ok("get pod survivor-a -o json"))!["metadata"]!["uid"]!.GetValue<string>();

            await agent.Kill();
            var heartbeatBefore = await LastHeartbeat(kubectl, nodeName); // the killed agent's last
            // While the agent is down, one pod is deleted (it stays Terminating: nobody can stop its containers yet).
            var deleting = kubectl.Start("delete pod survivor-b --wait=false --grace-period=2");
            await Eventually.True(() => deleting.HasExited, "the delete request");
            await agent.Start();

            await Eventually.True(async () => (await Containers(nodeName)).Count == 2, "the deleted pod's containers to go");
            await Eventually.True(() => IsGone(kubectl, "pod survivor-b"), "the deleted pod to be gone");

            // Adopted, not recreated, and still so after the restarted agent has registered, resynced and sent a heartbeat
            // (which moves the Ready condition's lastHeartbeatTime past the one its registration wrote).
            var registered = heartbeatBefore;
            await Eventually.True(async () => (registered = await LastHeartbeat(kubectl, nodeName)) > heartbeatBefore, "the restarted agent's registration",
                TimeSpan.FromSeconds(90));
            await Eventually.True(async () => await LastHeartbeat(kubectl, nodeName) > registered, "a heartbeat of the restarted agent", TimeSpan.FromSeconds(90));
            // The very containers that ran before the crash: a recreated container would carry the same name, not the same ID.
            var after = await Containers(nodeName);
            Assert.Equal(survivorIds, after.Select(c => c.Id).Order());
            Assert.All(after, c => Assert.Equal("running", c.State));
            var pod = JsonNode.Parse(await kubectl.Ok("get pod survivor-a -o json"))!;
            Assert.Equal(survivorUid, pod["metadata"]!["uid"]!.GetValue<string>());
            Assert.Equal("Running", pod["status"]!["phase"]!.GetValue<string>());
            Assert.Equal("True", pod["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Ready")!["status"]!.GetValue<string>());
            Assert.Equal(0, pod["status"]!["containerStatuses"]![0]!["restartCount"]!.GetValue<int>());
            await kubectl.Ok("delete pod survivor-a --grace-period=1");
        }
        finally
        {
            await TestImages.RemoveNodeLeftovers(nodeName);
        }
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
        var registered = await HollowHeartbeats(kubectl);

        // Still Ready once every node has sent a heartbeat since it registered (each moved its lastHeartbeatTime), and their pods run.
        await kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: Pod
            metadata: {name: on-hollow}
            spec:
              nodeName: hollow-0999
              containers: [{name: main, image: "example/app:1"}]
            """);
        await Eventually.True(async () => (await kubectl.Ok("get pod on-hollow")).Contains("Running", StringComparison.Ordinal), "a pod on a hollow node to run");
        await Eventually.True(async () => await HollowHeartbeats(kubectl) is var now && now.Count == nodes && now.All(n => n.Value > registered[n.Key]),
            "a heartbeat of every node after its registration", TimeSpan.FromMinutes(2));
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

    [Fact]
    public async Task Nodes_AnnounceTheirLocalPathRoot_AndAnAgentRestartedWithAnotherRootUpdatesIt()
    {
        var prefix = $"e2e-lp-{Guid.NewGuid().ToString("N")[..6]}";
        var node = $"{prefix}-0000";
        var kubectl = fixture.Kubectl("1.32");
        async Task<string?> Root() =>
            JsonNode.Parse(await kubectl.Ok($"get node {node} -o json"))!["metadata"]!["annotations"]?[LocalPathVolumes.RootAnnotation]?.GetValue<string>();

        await using (var first = new AgentProcess(fixture.Silo, ["--no-docker", "--simulated-nodes", "1", "--simulated-prefix", prefix]))
        {
            await first.Start();
            var defaultRoot = Path.Combine(first.DataDir, "local-path");
            await Eventually.True(async () => (await kubectl.Run($"get node {node}")).ExitCode == 0 && await Root() == defaultRoot, "the data folder's local-path announced");
        }
        var chosen = Directory.CreateTempSubdirectory("oo-local-path-").FullName;
        try
        {
            await using var second = new AgentProcess(fixture.Silo, ["--no-docker", "--simulated-nodes", "1", "--simulated-prefix", prefix, "--local-path-root", chosen]);
            await second.Start();
            await Eventually.True(async () => await Root() == chosen, "the new root announced");
            // Simulated nodes write nothing there.
            Assert.Empty(Directory.EnumerateFileSystemEntries(chosen));
        }
        finally
        {
            Directory.Delete(chosen, recursive: true);
        }
    }

    /// <summary>The engine's containers of a node (every state): ID, name and state.</summary>
    private static async Task<List<(string Id, string Name, string State)>> Containers(string node) =>
        (await TestImages.Shell($"docker ps -a --no-trunc --format '{{{{.ID}}}} {{{{.Names}}}} {{{{.State}}}}' --filter label=io.orleans-orchestrator.node={node}"))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split(' ') is [var id, var name, var state] ? (id, name, state) : throw new FormatException(line))
        .ToList();

    /// <summary>The lastHeartbeatTime of a node's Ready condition: it moves when the node grain records a heartbeat.</summary>
    private static async Task<DateTimeOffset> LastHeartbeat(Kubectl kubectl, string node) =>
        ReadyHeartbeat(JsonNode.Parse(await kubectl.Ok($"get node {node} -o json"))!);

    /// <summary>The lastHeartbeatTime of every hollow node, by name.</summary>
    private static async Task<Dictionary<string, DateTimeOffset>> HollowHeartbeats(Kubectl kubectl) =>
        JsonNode.Parse(await kubectl.Ok("get nodes -o json"))!["items"]!.AsArray()
            .Where(n => n!["metadata"]!["name"]!.GetValue<string>().StartsWith("hollow-", StringComparison.Ordinal))
            .ToDictionary(n => n!["metadata"]!["name"]!.GetValue<string>(), n => ReadyHeartbeat(n!));

    private static DateTimeOffset ReadyHeartbeat(JsonNode node) =>
        DateTimeOffset.Parse(node["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Ready")!["lastHeartbeatTime"]!.GetValue<string>(),
            CultureInfo.InvariantCulture);

    /// <summary>Whether an object is gone: only kubectl's NotFound says so (a kubectl failing for another reason proves nothing).</summary>
    private static async Task<bool> IsGone(Kubectl kubectl, string resource)
    {
        var result = await kubectl.Run($"get {resource}");
        if (result.ExitCode == 0) return false;
        Assert.Contains("(NotFound)", result.Stderr);
        return true;
    }
}
