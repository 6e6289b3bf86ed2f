using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Agents;

/// <summary>
/// Pods as real Docker containers, driven with the real kubectl: shared network and storage, ConfigMaps
/// and Secrets, published ports, self-healing, probes, logs, graceful deletion, image pull errors.
/// </summary>
public sealed class PodLifecycleTests(DockerNodeFixture node) : IClassFixture<DockerNodeFixture>
{
    private string Pod(string name, string containers, string extraSpec = "") => $"""
        apiVersion: v1
        kind: Pod
        metadata: {"{"}name: {name}{"}"}
        spec:
          nodeName: {node.NodeName}
          terminationGracePeriodSeconds: 3
        {extraSpec}
          containers:
        {containers}
        """;

    private static string Container(string name, string script, string extra = "") => $"""
          - name: {name}
            image: {TestImages.Busybox}
            imagePullPolicy: Never
            command: ["sh", "-c", {System.Text.Json.JsonSerializer.Serialize(script)}]
        {Indent(extra, 4)}

        """;

    /// <summary>Re-indents a YAML fragment so that its least indented lines start at <paramref name="spaces"/>.</summary>
    private static string Indent(string yaml, int spaces)
    {
        var lines = yaml.Split('\n').Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0) return "";
        var common = lines.Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => new string(' ', spaces) + l[common..]));
    }

    private async Task<JsonNode> PodJson(string name) =>
        JsonNode.Parse(await node.Kubectl().Ok($"get pod {name} -o json"))!;

    private async Task<JsonNode> WaitForPod(string name, Func<JsonNode, bool> condition, string what, int seconds = 60) =>
        await Eventually.Value(async () =>
        {
            var pod = await PodJson(name);
            return condition(pod) ? pod : null;
        }, $"pod {name}: {what}", TimeSpan.FromSeconds(seconds));

    private static JsonNode? ContainerStatus(JsonNode pod, string container) =>
        pod["status"]?["containerStatuses"]?.AsArray().FirstOrDefault(c => c!["name"]!.GetValue<string>() == container);

    private static bool IsReady(JsonNode pod) =>
        pod["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;

    [Fact]
    public async Task TwoContainerPod_SharesNetworkAndEmptyDir_SeesConfigMapAndSecret_PublishesItsPort()
    {
        var kubectl = node.Kubectl();
        await kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: duo-config}
            data: {GREETING: hello-from-configmap}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: duo-secret}
            stringData: {token: s3cr3t}
            """);
        var pod = Pod("duo",
            Container("web", "cp /etc/config/GREETING /www/index.html; echo \"$GREETING $TOKEN\" > /shared/from-web; exec httpd -f -p 8080 -h /www", """
                    ports: [{containerPort: 8080}]
                    envFrom: [{configMapRef: {name: duo-config}}]
                    env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: duo-secret, key: token}}}]
                    volumeMounts: [{name: shared, mountPath: /shared}, {name: config, mountPath: /etc/config}]
            """) +
            Container("fetcher", "while true; do wget -q -O /shared/fetched http://localhost:8080/ && cat /secrets/token > /shared/secret-file; sleep 1; done", """
                    volumeMounts: [{name: shared, mountPath: /shared}, {name: secrets, mountPath: /secrets}]
            """),
            """
              volumes:
              - {name: shared, emptyDir: {}}
              - {name: config, configMap: {name: duo-config}}
              - {name: secrets, secret: {secretName: duo-secret}}
            """);
        await kubectl.Ok("apply -f -", pod);

        var running = await WaitForPod("duo", p => p["status"]?["phase"]?.GetValue<string>() == "Running" && IsReady(p), "Running and Ready");
        Assert.Matches(@"duo\s+2/2\s+Running\s+0", await kubectl.Ok("get pod duo -o wide"));
        Assert.False(string.IsNullOrEmpty(running["status"]!["podIP"]?.GetValue<string>()));
        Assert.Equal("127.0.0.1", running["status"]!["hostIP"]!.GetValue<string>());

        // The fetcher reached the web container over localhost, and both see the same emptyDir.
        var ids = await node.ContainerIds("duo");
        Assert.Equal(3, ids.Count); // the sandbox and two app containers
        var web = $"$(docker ps -q --filter label=io.orleans-orchestrator.node={node.NodeName} --filter label=io.kubernetes.pod.name=duo --filter label=io.kubernetes.container.name=web)";
        await Eventually.True(async () => (await TestImages.Shell($"docker exec {web} cat /shared/secret-file 2>/dev/null || true")) == "s3cr3t",
            "the fetcher's files in the shared emptyDir");
        Assert.Equal("hello-from-configmap", await TestImages.Shell($"docker exec {web} cat /shared/fetched"));
        Assert.Equal("hello-from-configmap s3cr3t\n", await TestImages.Shell($"docker exec {web} cat /shared/from-web"));

        // The published port answers from the host.
        var binding = running["status"]!["hostPorts"]!.AsArray().Single()!;
        Assert.Equal(8080, binding["containerPort"]!.GetValue<int>());
        using var http = new HttpClient();
        Assert.Equal("hello-from-configmap", await http.GetStringAsync($"http://127.0.0.1:{binding["hostPort"]!.GetValue<int>()}/"));
    }

    [Fact]
    public async Task DockerKill_ContainerIsRestarted_AndRestartCountRises()
    {
        await node.Kubectl().Ok("apply -f -", Pod("killed", Container("main", "exec sleep 100000")));
        await WaitForPod("killed", p => p["status"]?["phase"]?.GetValue<string>() == "Running", "Running");

        await TestImages.Shell($"docker kill $(docker ps -q --filter label=io.orleans-orchestrator.node={node.NodeName} --filter label=io.kubernetes.pod.name=killed --filter label=io.kubernetes.container.name=main)");

        var restarted = await WaitForPod("killed", p => ContainerStatus(p, "main")?["restartCount"]?.GetValue<int>() == 1
            && ContainerStatus(p, "main")?["state"]?["running"] is not null, "restarted once");
        Assert.Equal(137, ContainerStatus(restarted, "main")!["lastState"]!["terminated"]!["exitCode"]!.GetValue<int>());
        // The agent's events, aggregated: the container was started twice, which is one Event counted twice.
        await Eventually.True(async () => System.Text.RegularExpressions.Regex.IsMatch(await node.Kubectl().Ok("describe pod killed"), @"Normal\s+Started\s+\S+ \(x2 over \S+\)\s+kubelet\s+Started container main"),
            "the Started events in describe");
        var started = JsonNode.Parse(await node.Kubectl().Ok("get events --field-selector involvedObject.name=killed,reason=Started -o json"))!["items"]!.AsArray();
        Assert.Equal(2, Assert.Single(started)!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Logs_Previous_ShowsTheAttemptBeforeTheRestart()
    {
        var kubectl = node.Kubectl();
        await kubectl.Ok("apply -f -", Pod("generations", Container("main", "echo started-at-$(date +%s%N); exec sleep 100000")));
        await WaitForPod("generations", p => p["status"]?["phase"]?.GetValue<string>() == "Running", "Running");
        var first = (await kubectl.Ok("logs generations -c main")).Trim();

        await TestImages.Shell($"docker kill $(docker ps -q --filter label=io.orleans-orchestrator.node={node.NodeName} --filter label=io.kubernetes.pod.name=generations --filter label=io.kubernetes.container.name=main)");
        await WaitForPod("generations", p => ContainerStatus(p, "main")?["restartCount"]?.GetValue<int>() == 1 && ContainerStatus(p, "main")?["state"]?["running"] is not null, "restarted");

        Assert.Equal(first, (await kubectl.Ok("logs generations --previous")).Trim());
        await Eventually.True(async () => (await kubectl.Ok("logs generations")).Trim() is { Length: > 0 } now && now != first, "the new attempt's own output");
    }

    [Fact]
    public async Task HttpAndTcpProbes_WithAStartupProbe_GateReadiness()
    {
        // httpd starts after 8 s. The liveness probe on its port would fail twice and restart the container after
        // about 2 s; only the startup probe holds it (and readiness) back until the port answers.
        await node.Kubectl().Ok("apply -f -", Pod("probed", Container("web", "sleep 8; echo ok > /www/healthz; exec httpd -f -p 8080 -h /www", """
                    ports: [{name: http, containerPort: 8080}]
                    startupProbe:
                      tcpSocket: {port: http}
                      periodSeconds: 1
                      failureThreshold: 30
                    readinessProbe:
                      httpGet: {path: /healthz, port: 8080}
                      periodSeconds: 1
                    livenessProbe:
                      tcpSocket: {port: 8080}
                      periodSeconds: 1
                      failureThreshold: 2
            """)));
        var starting = await WaitForPod("probed", p => p["status"]?["phase"]?.GetValue<string>() == "Running", "Running");
        Assert.False(ContainerStatus(starting, "web")!["started"]!.GetValue<bool>(), "started before the startup probe passed");
        Assert.False(IsReady(starting), "not Ready before the startup probe passes");
        var ready = await WaitForPod("probed", IsReady, "Ready once httpd answers");
        Assert.True(ContainerStatus(ready, "web")!["started"]!.GetValue<bool>());
        Assert.Equal(0, ContainerStatus(ready, "web")!["restartCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task ContainerThatAlwaysExits_GoesIntoCrashLoopBackOff_WithGrowingDelays()
    {
        await node.Kubectl().Ok("apply -f -", Pod("crasher", Container("main", "echo crashing; exit 3")));

        var looping = await WaitForPod("crasher", p => ContainerStatus(p, "main")?["state"]?["waiting"]?["reason"]?.GetValue<string>() == "CrashLoopBackOff",
            "CrashLoopBackOff");
        Assert.Contains("back-off 10s restarting failed container=main", ContainerStatus(looping, "main")!["state"]!["waiting"]!["message"]!.GetValue<string>());
        Assert.Matches(@"crasher\s+0/1\s+CrashLoopBackOff", await node.Kubectl().Ok("get pod crasher"));
        Assert.Contains("Back-off restarting failed container main", await node.Kubectl().Ok("describe pod crasher"));

        var longer = await WaitForPod("crasher", p => ContainerStatus(p, "main")?["state"]?["waiting"]?["message"]?.GetValue<string>().Contains("back-off 20s", StringComparison.Ordinal) == true,
            "a doubled back-off", seconds: 60);
        Assert.True(ContainerStatus(longer, "main")!["restartCount"]!.GetValue<int>() >= 2);
        Assert.Equal(3, ContainerStatus(longer, "main")!["lastState"]!["terminated"]!["exitCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task FailingLivenessProbe_RestartsTheContainer()
    {
        await node.Kubectl().Ok("apply -f -", Pod("unhealthy", Container("main", "touch /tmp/healthy; sleep 4; rm /tmp/healthy; exec sleep 100000", """
                    livenessProbe:
                      exec: {command: [cat, /tmp/healthy]}
                      periodSeconds: 1
                      failureThreshold: 2
            """)));
        await WaitForPod("unhealthy", p => ContainerStatus(p, "main")?["restartCount"]?.GetValue<int>() >= 1, "restarted by its liveness probe");
    }

    [Fact]
    public async Task FailingReadinessProbe_PodIsNotReady_PassingOneIs()
    {
        await node.Kubectl().Ok("apply -f -", Pod("gated", Container("main", "exec sleep 100000", """
                    readinessProbe:
                      exec: {command: [cat, /tmp/ready]}
                      periodSeconds: 1
                      failureThreshold: 1
            """)));
        var notReady = await WaitForPod("gated", p => p["status"]?["phase"]?.GetValue<string>() == "Running", "Running");
        Assert.False(IsReady(notReady));
        Assert.Matches(@"gated\s+0/1\s+Running", await node.Kubectl().Ok("get pod gated"));

        await TestImages.Shell($"docker exec $(docker ps -q --filter label=io.orleans-orchestrator.node={node.NodeName} --filter label=io.kubernetes.pod.name=gated --filter label=io.kubernetes.container.name=main) touch /tmp/ready");
        await WaitForPod("gated", IsReady, "Ready once its probe passes");
    }

    [Fact]
    public async Task DeletePod_ContainersAreGoneWithinTheGracePeriod()
    {
        var kubectl = node.Kubectl();
        // A container that ignores SIGTERM: only the grace period's SIGKILL stops it.
        await kubectl.Ok("apply -f -", Pod("doomed", Container("main", "trap '' TERM; while true; do sleep 1; done")));
        await WaitForPod("doomed", p => p["status"]?["phase"]?.GetValue<string>() == "Running", "Running");
        Assert.NotEmpty(await node.ContainerIds("doomed", all: true));

        var started = DateTime.UtcNow;
        Assert.Contains("pod \"doomed\" deleted", await kubectl.Ok("delete pod doomed"));
        Assert.Empty(await node.ContainerIds("doomed", all: true));
        // kubectl waited for the pod to go, which the agent allowed only once the containers were gone:
        // 3 s of grace, plus the agent's pass and the API round trips.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), $"deletion took {DateTime.UtcNow - started}");
    }

    [Fact]
    public async Task ImageThatDoesNotExist_ErrImagePullThenImagePullBackOff_WithTheEnginesMessage()
    {
        var kubectl = node.Kubectl();
        await kubectl.Ok("apply -f -", Pod("bad-image", """
              - name: main
                image: registry.invalid/no/such-image:1
            """));
        var failed = await WaitForPod("bad-image", p => ContainerStatus(p, "main")?["state"]?["waiting"]?["reason"]?.GetValue<string>() is "ErrImagePull" or "ImagePullBackOff", "an image pull error");
        Assert.Contains("registry.invalid/no/such-image:1", ContainerStatus(failed, "main")!["state"]!["waiting"]!["message"]!.GetValue<string>());
        await WaitForPod("bad-image", p => ContainerStatus(p, "main")?["state"]?["waiting"]?["reason"]?.GetValue<string>() == "ImagePullBackOff", "ImagePullBackOff");
        Assert.Equal("Pending", (await PodJson("bad-image"))["status"]!["phase"]!.GetValue<string>());

        // Nothing else is affected: a good pod on the same node runs.
        await kubectl.Ok("apply -f -", Pod("good-neighbour", Container("main", "exec sleep 100000")));
        await WaitForPod("good-neighbour", p => p["status"]?["phase"]?.GetValue<string>() == "Running", "Running");
    }

    [Fact]
    public async Task LogsFollow_StreamsLinesAsTheContainerWritesThem()
    {
        var kubectl = node.Kubectl();
        await kubectl.Ok("apply -f -", Pod("talker", Container("main", "i=0; while true; do i=$((i+1)); echo line-$i; sleep 0.5; done")));
        await WaitForPod("talker", p => p["status"]?["phase"]?.GetValue<string>() == "Running", "Running");

        Assert.Contains("line-1", await kubectl.Ok("logs talker"));
        using var follow = kubectl.Start("logs -f talker --tail=1");
        var firstSeen = await Eventually.Value(() => Task.FromResult(LastLine(follow.Output)), "a first followed line");
        await Eventually.True(() => LastLine(follow.Output) is { } now && Number(now) > Number(firstSeen) + 2, "new lines arriving while following");
        Assert.False(follow.HasExited);
    }

    private static string? LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith("line-", StringComparison.Ordinal));

    private static int Number(string line) => int.Parse(line["line-".Length..]);
}
