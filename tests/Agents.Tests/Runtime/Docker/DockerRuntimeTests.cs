using System.Diagnostics;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Runtime.Docker;
using ContainerSpec = OrleansOrchestrator.Agents.Runtime.ContainerSpec;
using RuntimeMount = OrleansOrchestrator.Agents.Runtime.Mount;

namespace OrleansOrchestrator.Agents.Tests.Runtime.Docker;

/// <summary>
/// <see cref="DockerRuntime"/> against the real engine. Every test runs on node names of its own (nodes share the
/// engine the way agents do in multi-node tests) and removes every container of those nodes afterwards, whether
/// it passed or not. Tests wait for conditions, never for fixed times.
/// </summary>
public sealed class DockerRuntimeTests(DockerEngineFixture engine) : IClassFixture<DockerEngineFixture>, IAsyncLifetime
{
    private static readonly TimeSpan ConditionTimeout = TimeSpan.FromSeconds(15);

    // Not the product's default cluster id: a product running on this engine must not see the tests' containers.
    // One per test, because the tenant networks the sandboxes join are named after the cluster and removed afterwards.
    private readonly string TestCluster = $"agents-tests-{Guid.NewGuid():N}"[..21];

    private readonly List<DockerRuntime> runtimes = [];
    private readonly List<string> folders = [];
    private readonly List<string> images = [];
    private readonly CancellationTokenSource testTimeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Ct => testTimeout.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in runtimes.Select(runtime => runtime.NodeName).Distinct())
        {
            await engine.RemoveEverythingOf(node);
        }

        // Never the default cluster's: those are a product's on this engine (no test here runs a pod under it).
        foreach (var cluster in runtimes.Select(runtime => runtime.ClusterId).Distinct().Where(c => c != Contracts.ClusterIdentity.DefaultClusterId))
        {
            await engine.RemoveNetworksOf(cluster);
        }

        foreach (var image in images)
        {
            try
            {
                await engine.Docker.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true });
            }
            catch (DockerImageNotFoundException)
            {
            }
        }

        runtimes.ForEach(runtime => runtime.Dispose());
        folders.ForEach(folder => Directory.Delete(folder, recursive: true));
        testTimeout.Dispose();
    }

    [Fact]
    public async Task Version_names_the_docker_engine()
    {
        string version;
        using (var runtime = new DockerRuntime(TestCluster, $"test-node-{Guid.NewGuid():N}"[..22], engine.Docker))
        {
            version = await runtime.Version(Ct);
        }

        // The client passed in is still the caller's, and still works after the runtime is gone.
        var engineVersion = (await engine.Docker.System.GetVersionAsync(Ct)).Version;
        Assert.Equal($"docker://{engineVersion}", version);
    }

    [Fact]
    public async Task RunSandbox_is_idempotent_named_and_labelled_like_dockershim_and_replaces_a_stopped_sandbox()
    {
        var runtime = NewRuntime();
        var pod = NewPod("web");
        var spec = new SandboxSpec(pod, [], "web-host");

        // Two at once (an agent retrying while the first call is still under way): one sandbox.
        var firstTwo = await Task.WhenAll(runtime.RunSandbox(spec, Ct), runtime.RunSandbox(spec, Ct));
        var first = firstTwo[0];
        var again = await runtime.RunSandbox(spec, Ct);

        Assert.True(first.Running);
        Assert.Equal(pod, first.Pod);
        Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", first.PodIp);
        Assert.Equal(first.Id, firstTwo[1].Id);
        Assert.Equal(first.Id, again.Id);

        var inspected = await engine.Docker.Containers.InspectContainerAsync(first.Id, Ct);
        Assert.Equal($"/k8s_POD_web_default_{pod.Uid}_0", inspected.Name);
        Assert.Equal("web-host", inspected.Config.Hostname);
        AssertLabels(inspected.Config.Labels, runtime.ClusterId, runtime.NodeName, pod, "POD", "podsandbox", attempt: 0);

        // Killed behind the agent's back: the next RunSandbox makes a new one.
        await engine.Docker.Containers.KillContainerAsync(first.Id, new ContainerKillParameters(), Ct);
        await Eventually.True(async () => !(await engine.Docker.Containers.InspectContainerAsync(first.Id, Ct)).State.Running, "the sandbox has stopped", ConditionTimeout);
        var replaced = await runtime.RunSandbox(spec, Ct);

        Assert.NotEqual(first.Id, replaced.Id);
        Assert.True(replaced.Running);
        Assert.Equal(replaced.Id, Assert.Single(await runtime.ListSandboxes(Ct)).Id);

        await runtime.RemoveSandbox(pod, Ct);
        Assert.Empty(await runtime.ListSandboxes(Ct));
    }

    [Fact]
    public async Task RunSandbox_builds_its_pause_image_when_the_engine_lacks_it()
    {
        var pauseImage = $"orleans-orchestrator-test/pause:{Guid.NewGuid():N}";
        images.Add(pauseImage);
        var runtime = new DockerRuntime(TestCluster, $"test-node-{Guid.NewGuid():N}"[..22]) { PauseImage = pauseImage };
        runtimes.Add(runtime);

        var sandbox = await runtime.RunSandbox(new SandboxSpec(NewPod("first"), [], "first"), Ct);

        Assert.True(sandbox.Running);
        var image = await engine.Docker.Images.InspectImageAsync(pauseImage, Ct);
        Assert.Equal(["/bin/busybox", "sleep", "2147483647"], image.Config.Cmd);
    }

    [Fact]
    public async Task Containers_of_a_pod_share_the_sandbox_network_namespace()
    {
        var runtime = NewRuntime();
        var pod = NewPod("pair");
        var sandbox = await runtime.RunSandbox(new SandboxSpec(pod, [], "pair"), Ct);

        var server = await Run(runtime, Shell(pod, "server",
            "mkdir -p /www && echo hello-from-server > /www/index.html && exec httpd -f -p 8080 -h /www"), sandbox.Id);
        var client = await Run(runtime, Shell(pod, "client",
            "until wget -q -O - http://127.0.0.1:8080/; do sleep 0.1; done"), sandbox.Id);

        var exited = await WaitForExit(runtime, client);
        Assert.Equal(0, exited.ExitCode);
        Assert.Equal("hello-from-server\n", await ReadLogs(runtime, client));

        // What the agent reads back about an exited container.
        Assert.Equal(pod, exited.Pod);
        Assert.Equal("client", exited.Name);
        Assert.Equal(DockerEngineFixture.TestImage, exited.Image);
        Assert.StartsWith("sha256:", exited.ImageId);
        Assert.NotNull(exited.StartedAt);
        Assert.NotNull(exited.FinishedAt);
        Assert.True(exited.StartedAt <= exited.FinishedAt);
        Assert.False(exited.OomKilled);
        Assert.Null(exited.Error);

        var inspected = await engine.Docker.Containers.InspectContainerAsync(server, Ct);
        Assert.Equal($"/k8s_server_pair_default_{pod.Uid}_0", inspected.Name);
        Assert.Equal($"container:{sandbox.Id}", inspected.HostConfig.NetworkMode);
        Assert.Equal("no", inspected.HostConfig.RestartPolicy.Name.ToString().ToLowerInvariant());
        Assert.Equal("json-file", inspected.HostConfig.LogConfig.Type);
        AssertLabels(inspected.Config.Labels, runtime.ClusterId, runtime.NodeName, pod, "server", "container", attempt: 0);
    }

    [Fact]
    public async Task A_bind_mounted_folder_is_shared_between_containers_and_read_only_is_honoured()
    {
        var runtime = NewRuntime();
        var pod = NewPod("shared");
        var emptyDir = NewFolder();
        var sandbox = await runtime.RunSandbox(new SandboxSpec(pod, [], "shared"), Ct);

        var writer = await Run(runtime, Shell(pod, "writer", "echo from-writer > /data/note",
            mounts: [new RuntimeMount(emptyDir, "/data", ReadOnly: false)]), sandbox.Id);
        var reader = await Run(runtime, Shell(pod, "reader",
            "until [ -f /data/note ]; do sleep 0.05; done; cat /data/note; if touch /data/mine 2>/dev/null; then echo writable; else echo read-only; fi",
            mounts: [new RuntimeMount(emptyDir, "/data", ReadOnly: true)]), sandbox.Id);

        Assert.Equal(0, (await WaitForExit(runtime, writer)).ExitCode);
        Assert.Equal(0, (await WaitForExit(runtime, reader)).ExitCode);
        Assert.Equal("from-writer\nread-only\n", await ReadLogs(runtime, reader));
        Assert.Equal("from-writer\n", await File.ReadAllTextAsync(Path.Combine(emptyDir, "note"), Ct));
        Assert.False(File.Exists(Path.Combine(emptyDir, "mine")));
    }

    [Fact]
    public async Task Environment_variables_and_working_dir_reach_the_container()
    {
        var runtime = NewRuntime();
        var pod = NewPod("env");
        var sandbox = await runtime.RunSandbox(new SandboxSpec(pod, [], "env"), Ct);
        var env = new Dictionary<string, string> { ["GREETING"] = "hello world", ["EMPTY"] = "", ["POD_NAME"] = pod.Name };

        var id = await Run(runtime, Shell(pod, "app", "echo \"[$GREETING][$EMPTY][$POD_NAME][$(pwd)]\"", env) with { WorkingDir = "/tmp" }, sandbox.Id);

        await WaitForExit(runtime, id);
        Assert.Equal("[hello world][][env][/tmp]\n", await ReadLogs(runtime, id));
    }

    [Fact]
    public async Task Command_replaces_the_entrypoint_and_args_replace_the_cmd_as_in_Kubernetes()
    {
        var runtime = NewRuntime();
        var pod = NewPod("commands");
        var sandbox = await runtime.RunSandbox(new SandboxSpec(pod, [], "commands"), Ct);

        // The image runs "/bin/echo entrypoint cmd".
        (string Name, string[]? Command, string[]? Args, string Expected)[] cases =
        [
            ("image-defaults", null, null, "entrypoint cmd"),
            ("args-only", null, ["args"], "entrypoint args"),
            ("command-only", ["/bin/echo", "command"], null, "command"),
            ("command-and-args", ["/bin/echo", "command"], ["args"], "command args"),
        ];

        var started = await Task.WhenAll(cases.Select(async c => (c.Expected, Id: await Run(runtime,
            new ContainerSpec(pod, c.Name, 0, DockerEngineFixture.EntrypointImage, c.Command, c.Args, null,
                new Dictionary<string, string>(), [], null, null), sandbox.Id))));

        foreach (var (expected, id) in started)
        {
            await WaitForExit(runtime, id);
            Assert.Equal(expected + "\n", await ReadLogs(runtime, id));
        }
    }

    [Fact]
    public async Task A_dynamically_published_port_answers_from_the_host()
    {
        var runtime = NewRuntime();
        var pod = NewPod("published");
        var sandbox = await runtime.RunSandbox(new SandboxSpec(pod,
        [
            new PortMapping(8080, "TCP", HostPort: null, HostIp: "127.0.0.1"),
            // Every address: the engine binds 0.0.0.0 and :: (sometimes to two different ports); one published port.
            new PortMapping(9090, "TCP", HostPort: null, HostIp: ""),
        ], "published"), Ct);

        var published = sandbox.Ports.Single(p => p.ContainerPort == 8080);
        Assert.Equal(("TCP", "127.0.0.1"), (published.Protocol, published.HostIp));
        Assert.InRange(published.HostPort, 1, 65535);
        var everywhere = Assert.Single(sandbox.Ports, p => p.ContainerPort == 9090);
        Assert.Equal("0.0.0.0", everywhere.HostIp);
        var listed = Assert.Single(await runtime.ListSandboxes(Ct));
        Assert.Equal((sandbox.Id, sandbox.PodIp), (listed.Id, listed.PodIp));
        Assert.Equal(sandbox.Ports, listed.Ports);

        // One httpd in the background on 9090, one in the foreground on 8080.
        await Run(runtime, Shell(pod, "web",
            "mkdir -p /www && echo published > /www/index.html && httpd -p 9090 -h /www && exec httpd -f -p 8080 -h /www"), sandbox.Id);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var port in new[] { published.HostPort, everywhere.HostPort })
        {
            var body = await Eventually.Value(async () =>
            {
                try
                {
                    return await http.GetStringAsync($"http://127.0.0.1:{port}/", Ct);
                }
                catch (HttpRequestException)
                {
                    return null; // docker-proxy accepts, then drops the connection until httpd listens
                }
            }, $"httpd answers on host port {port}", ConditionTimeout);
            Assert.Equal("published\n", body);
        }
    }

    [Fact]
    public async Task Memory_and_cpu_limits_are_applied()
    {
        var runtime = NewRuntime();
        var pod = NewPod("limited");
        var sandbox = await runtime.RunSandbox(new SandboxSpec(pod, [], "limited"), Ct);
        const long memory = 64L * 1024 * 1024;

        var id = await Run(runtime, Shell(pod, "app", "sleep 3600", memory: memory, cpuMillis: 500), sandbox.Id);

        var inspected = await engine.Docker.Containers.InspectContainerAsync(id, Ct);
        Assert.Equal(memory, inspected.HostConfig.Memory);
        Assert.Equal(memory, inspected.HostConfig.MemorySwap);
        Assert.Equal(500_000_000, inspected.HostConfig.NanoCPUs);

        // And the kernel enforces it (cgroup v2 file, else v1).
        var limit = await runtime.Exec(id,
            ["sh", "-c", "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes"], TimeSpan.FromSeconds(5), Ct);
        Assert.Equal((0, memory.ToString()), (limit.ExitCode, limit.Output.Trim()));
    }

    [Fact]
    public async Task StopContainer_sends_SIGTERM_and_kills_after_the_grace_period()
    {
        var runtime = NewRuntime();
        var pod = NewPod("stopping");
        var sandbox = await runtime.RunSandbox(new SandboxSpec(pod, [], "stopping"), Ct);
        var stubborn = await Run(runtime, Shell(pod, "stubborn", "trap '' TERM; echo ready; while true; do sleep 1; done"), sandbox.Id);
        var polite = await Run(runtime, Shell(pod, "polite", "trap 'exit 0' TERM; echo ready; while true; do sleep 0.1; done"), sandbox.Id);
        var doomed = await Run(runtime, Shell(pod, "doomed", "trap '' TERM; echo ready; while true; do sleep 1; done"), sandbox.Id);
        await WaitForLogs(runtime, stubborn, "ready\n");
        await WaitForLogs(runtime, polite, "ready\n");
        await WaitForLogs(runtime, doomed, "ready\n");

        var politeStop = Stopwatch.StartNew();
        await runtime.StopContainer(polite, TimeSpan.FromSeconds(20), Ct);
        politeStop.Stop();

        var stubbornStop = Stopwatch.StartNew();
        await runtime.StopContainer(stubborn, TimeSpan.FromSeconds(1), Ct);
        stubbornStop.Stop();

        // SIGTERM arrived and the container left on its own, long before its grace ran out.
        var politeInfo = await runtime.InspectContainer(polite, Ct);
        Assert.Equal((ContainerRunState.Exited, 0), (politeInfo!.State, politeInfo.ExitCode));
        Assert.True(politeStop.Elapsed < TimeSpan.FromSeconds(5), $"polite stop took {politeStop.Elapsed}");

        // SIGTERM ignored: killed (128 + SIGKILL) once the grace had passed, not before and not much after.
        var stubbornInfo = await runtime.InspectContainer(stubborn, Ct);
        Assert.Equal((ContainerRunState.Exited, 137), (stubbornInfo!.State, stubbornInfo.ExitCode));
        Assert.InRange(stubbornStop.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));

        // No grace: killed at once (the engine's own default would be 10 s).
        var doomedStop = Stopwatch.StartNew();
        await runtime.StopContainer(doomed, TimeSpan.Zero, Ct);
        Assert.True(doomedStop.Elapsed < TimeSpan.FromSeconds(3), $"stop without grace took {doomedStop.Elapsed}");
        var doomedInfo = await runtime.InspectContainer(doomed, Ct);
        Assert.Equal((ContainerRunState.Exited, 137), (doomedInfo!.State, doomedInfo.ExitCode));
    }

    [Fact]
    public async Task EnsureImage_follows_the_pull_policy_and_reports_the_engines_message()
    {
        var runtime = NewRuntime();
        var missing = $"orleans-orchestrator-test/does-not-exist:{Guid.NewGuid():N}";

        var pullFailure = await Assert.ThrowsAsync<ImagePullException>(() => runtime.EnsureImage(missing, "IfNotPresent", Ct));
        Assert.Equal(missing, pullFailure.Image);
        Assert.Equal($"Failed to pull image \"{missing}\": {await WhatTheEngineSaysWhenPulling(missing)}", pullFailure.Message);

        var neverFailure = await Assert.ThrowsAsync<ImagePullException>(() => runtime.EnsureImage(missing, "Never", Ct));
        Assert.Equal($"Container image \"{missing}\" is not present with pull policy of Never", neverFailure.Message);

        // A present image satisfies every policy; "Always" falls back to it because no registry answers here.
        await runtime.EnsureImage(DockerEngineFixture.TestImage, "Never", Ct);
        await runtime.EnsureImage(DockerEngineFixture.TestImage, "IfNotPresent", Ct);
        await runtime.EnsureImage(DockerEngineFixture.TestImage, "Always", Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => runtime.EnsureImage(DockerEngineFixture.TestImage, "Sometimes", Ct));
    }

    [Fact]
    public async Task Listings_hold_only_this_nodes_containers_and_a_restarted_agent_adopts_them()
    {
        var nodeA = NewRuntime();
        var nodeB = NewRuntime();
        var podA = NewPod("on-a");
        var podB = NewPod("on-b");
        var sandboxA = await nodeA.RunSandbox(new SandboxSpec(podA, [], "on-a"), Ct);
        var sandboxB = await nodeB.RunSandbox(new SandboxSpec(podB, [], "on-b"), Ct);
        var runningA = await Run(nodeA, Shell(podA, "app", "sleep 3600", attempt: 2), sandboxA.Id);
        var finishedA = await Run(nodeA, Shell(podA, "init", "exit 7"), sandboxA.Id);
        var createdA = await nodeA.CreateContainer(Shell(podA, "later", "true"), sandboxA.Id, Ct);
        var runningB = await Run(nodeB, Shell(podB, "app", "sleep 3600"), sandboxB.Id);
        await WaitForExit(nodeA, finishedA);

        // The agent restarts: a new runtime with the same node name finds everything as it was.
        nodeA.Dispose();
        var restartedA = NewRuntime(nodeA.NodeName);
        var containers = (await restartedA.ListContainers(Ct)).ToDictionary(c => c.Name);

        Assert.Equal(new[] { "app", "init", "later" }, containers.Keys.Order());
        Assert.All(containers.Values, c => Assert.Equal(podA, c.Pod));
        Assert.Equal((runningA, 2, ContainerRunState.Running), (containers["app"].Id, containers["app"].Attempt, containers["app"].State));
        Assert.Equal((finishedA, ContainerRunState.Exited, 7), (containers["init"].Id, containers["init"].State, containers["init"].ExitCode));
        Assert.Equal((createdA, ContainerRunState.Created), (containers["later"].Id, containers["later"].State));
        Assert.Null(containers["later"].StartedAt);
        Assert.Null(containers["app"].FinishedAt);

        var adoptedSandbox = Assert.Single(await restartedA.ListSandboxes(Ct));
        Assert.Equal((sandboxA.Id, podA, true, sandboxA.PodIp), (adoptedSandbox.Id, adoptedSandbox.Pod, adoptedSandbox.Running, adoptedSandbox.PodIp));
        Assert.Equal(sandboxA.Id, (await restartedA.RunSandbox(new SandboxSpec(podA, [], "on-a"), Ct)).Id);

        // Node B sees only its own, and neither node reports the other's containers.
        Assert.Equal(runningB, Assert.Single(await nodeB.ListContainers(Ct)).Id);
        Assert.Equal(sandboxB.Id, Assert.Single(await nodeB.ListSandboxes(Ct)).Id);
        Assert.Null(await restartedA.InspectContainer(runningB, Ct));
        Assert.Null(await restartedA.InspectContainer(sandboxA.Id, Ct));
        Assert.Null(await restartedA.InspectContainer("no-such-container", Ct));
    }

    [Fact]
    public async Task A_pods_listing_holds_its_containers_in_every_state_and_no_other_pods()
    {
        var runtime = NewRuntime();
        var first = NewPod("first");
        var second = NewPod("second");
        var firstSandbox = await runtime.RunSandbox(new SandboxSpec(first, [], "first"), Ct);
        var secondSandbox = await runtime.RunSandbox(new SandboxSpec(second, [], "second"), Ct);
        var running = await Run(runtime, Shell(first, "app", "sleep 3600"), firstSandbox.Id);
        var finished = await Run(runtime, Shell(first, "init", "exit 3"), firstSandbox.Id);
        var other = await Run(runtime, Shell(second, "app", "sleep 3600"), secondSandbox.Id);
        await WaitForExit(runtime, finished);

        var firsts = (await runtime.ListPodContainers(first.Uid, Ct)).ToDictionary(c => c.Name);

        Assert.Equal(new[] { "app", "init" }, firsts.Keys.Order());
        Assert.Equal((running, ContainerRunState.Running), (firsts["app"].Id, firsts["app"].State));
        Assert.Equal((finished, ContainerRunState.Exited, 3), (firsts["init"].Id, firsts["init"].State, firsts["init"].ExitCode));
        Assert.Equal(other, Assert.Single(await runtime.ListPodContainers(second.Uid, Ct)).Id);
        Assert.Empty(await runtime.ListPodContainers("no-such-pod", Ct));
    }

    [Fact]
    public async Task Exec_returns_combined_output_and_exit_code_and_gives_up_after_its_timeout()
    {
        var runtime = NewRuntime();
        var pod = NewPod("exec");
        var sandbox = await runtime.RunSandbox(new SandboxSpec(pod, [], "exec"), Ct);
        var id = await Run(runtime, Shell(pod, "app", "sleep 3600"), sandbox.Id);

        var failed = await runtime.Exec(id, ["sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"], TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(3, failed.ExitCode);
        Assert.Contains("to-stdout\n", failed.Output);
        Assert.Contains("to-stderr\n", failed.Output);

        Assert.Equal(new ExecResult(0, "ok\n"), await runtime.Exec(id, ["echo", "ok"], TimeSpan.FromSeconds(5), Ct));

        var clock = Stopwatch.StartNew();
        var slow = await runtime.Exec(id, ["sleep", "30"], TimeSpan.FromMilliseconds(500), Ct);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"exec gave up after {clock.Elapsed}");
        Assert.NotEqual(0, slow.ExitCode);
        Assert.Contains("timed out", slow.Output);

        await runtime.StopContainer(id, TimeSpan.Zero, Ct);
        var notRunning = await runtime.Exec(id, ["echo", "ok"], TimeSpan.FromSeconds(5), Ct);
        Assert.NotEqual(0, notRunning.ExitCode);
        Assert.Contains("not running", notRunning.Output);
    }

    [Fact]
    public async Task Logs_follow_delivers_lines_written_after_the_stream_was_opened_and_tail_limits_lines()
    {
        var runtime = NewRuntime();
        var pod = NewPod("logs");
        var signals = NewFolder();
        var sandbox = await runtime.RunSandbox(new SandboxSpec(pod, [], "logs"), Ct);
        var id = await Run(runtime, Shell(pod, "talker",
            "echo first; until [ -f /signals/go ]; do sleep 0.05; done; echo second >&2; sleep 3600",
            mounts: [new RuntimeMount(signals, "/signals", ReadOnly: true)]), sandbox.Id);

        await using (var followed = await runtime.Logs(id, follow: true, tailLines: null, Ct))
        {
            using var reader = new StreamReader(followed);
            Assert.Equal("first", await reader.ReadLineAsync(Ct).AsTask().WaitAsync(ConditionTimeout, Ct));

            // "second" does not exist until now, and it goes to stderr.
            await File.WriteAllTextAsync(Path.Combine(signals, "go"), "", Ct);
            Assert.Equal("second", await reader.ReadLineAsync(Ct).AsTask().WaitAsync(ConditionTimeout, Ct));
        }

        await using var tail = await runtime.Logs(id, follow: false, tailLines: 1, Ct);
        Assert.Equal("second\n", await new StreamReader(tail).ReadToEndAsync(Ct));
    }

    [Fact]
    public async Task Logs_of_a_container_with_a_tty_are_plain_text_too()
    {
        var runtime = NewRuntime();
        var pod = NewPod("tty");
        var sandbox = await runtime.RunSandbox(new SandboxSpec(pod, [], "tty"), Ct);

        // A TTY has one stream and no frames; it also turns "\n" into "\r\n".
        var id = await Run(runtime, Shell(pod, "app", "echo on-a-tty") with { Tty = true }, sandbox.Id);

        await WaitForExit(runtime, id);
        Assert.Equal("on-a-tty\r\n", await ReadLogs(runtime, id));
    }

    [Fact]
    public async Task CreateContainer_replaces_a_never_started_leftover_of_the_same_attempt_but_not_one_that_ran()
    {
        var runtime = NewRuntime();
        var pod = NewPod("leftover");
        var sandbox = await runtime.RunSandbox(new SandboxSpec(pod, [], "leftover"), Ct);
        var spec = Shell(pod, "app", "sleep 3600");

        // An agent that crashed between create and start leaves a created container under the attempt's name.
        var leftover = await runtime.CreateContainer(spec, sandbox.Id, Ct);
        var replacement = await runtime.CreateContainer(spec, sandbox.Id, Ct);

        Assert.NotEqual(leftover, replacement);
        Assert.Null(await runtime.InspectContainer(leftover, Ct));

        // One that ran is history the agent must look at before reusing its attempt number.
        await runtime.StartContainer(replacement, Ct);
        var conflict = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.CreateContainer(spec, sandbox.Id, Ct));
        Assert.Contains("already exists (running)", conflict.Message);
    }

    [Fact]
    public async Task Runtimes_of_two_clusters_with_one_node_name_leave_each_others_containers_alone()
    {
        var node = $"test-node-{Guid.NewGuid():N}"[..22];
        await AssertLeaveEachOtherAlone(NewRuntime(node, $"cluster-a-{Guid.NewGuid():N}"), NewRuntime(node, $"cluster-b-{Guid.NewGuid():N}"));
    }

    [Fact]
    public async Task Runtimes_of_one_cluster_with_two_node_names_leave_each_others_containers_alone() =>
        await AssertLeaveEachOtherAlone(NewRuntime(), NewRuntime());

    [Fact]
    public async Task Containers_made_before_the_cluster_label_belong_to_the_default_cluster()
    {
        var node = $"test-node-{Guid.NewGuid():N}"[..22];
        var product = NewRuntime(node, Contracts.ClusterIdentity.DefaultClusterId);
        var other = NewRuntime(node, "another-cluster");
        var pod = NewPod("legacy");
        // As an agent of the earlier version labelled its sandboxes: everything but the cluster.
        var labels = PodContainerNaming.Labels("unused", node, pod, PodContainerNaming.SandboxContainerName, PodContainerNaming.SandboxType, attempt: 0);
        labels.Remove(PodContainerNaming.ClusterLabel);
        var created = await engine.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = PodContainerNaming.SandboxName(pod), Image = DockerEngineFixture.TestImage, Cmd = ["sleep", "3600"], Labels = labels,
        }, Ct);
        await engine.Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), Ct);

        Assert.Equal(created.ID, Assert.Single(await product.ListSandboxes(Ct)).Id);
        Assert.Empty(await other.ListSandboxes(Ct));
    }

    /// <summary>
    /// Each runtime runs a pod; each sees only its own, and removing everything it sees (what an agent does with
    /// containers of pods it does not know) leaves the other's running.
    /// </summary>
    private async Task AssertLeaveEachOtherAlone(DockerRuntime first, DockerRuntime second)
    {
        var (firstPod, secondPod) = (NewPod("first"), NewPod("second"));
        var firstSandbox = await first.RunSandbox(new SandboxSpec(firstPod, [], "first"), Ct);
        var firstApp = await Run(first, Shell(firstPod, "app", "sleep 3600"), firstSandbox.Id);
        var secondSandbox = await second.RunSandbox(new SandboxSpec(secondPod, [], "second"), Ct);
        var secondApp = await Run(second, Shell(secondPod, "app", "sleep 3600"), secondSandbox.Id);

        Assert.Equal(firstSandbox.Id, Assert.Single(await first.ListSandboxes(Ct)).Id);
        Assert.Equal(firstApp, Assert.Single(await first.ListContainers(Ct)).Id);
        Assert.Null(await first.InspectContainer(secondApp, Ct));
        Assert.Equal(secondSandbox.Id, Assert.Single(await second.ListSandboxes(Ct)).Id);
        Assert.Equal(secondApp, Assert.Single(await second.ListContainers(Ct)).Id);
        Assert.Null(await second.InspectContainer(firstApp, Ct));

        // The second removes all it lists, and asks to remove the first one's pod too (a pod it does not run).
        foreach (var container in await second.ListContainers(Ct)) await second.RemoveContainer(container.Id, Ct);
        foreach (var sandbox in await second.ListSandboxes(Ct)) await second.RemoveSandbox(sandbox.Pod, Ct);
        await second.RemoveSandbox(firstPod, Ct);

        Assert.Empty(await second.ListSandboxes(Ct));
        Assert.True((await engine.Docker.Containers.InspectContainerAsync(firstSandbox.Id, Ct)).State.Running);
        Assert.True((await engine.Docker.Containers.InspectContainerAsync(firstApp, Ct)).State.Running);
        Assert.Equal(firstSandbox.Id, Assert.Single(await first.ListSandboxes(Ct)).Id);
    }

    // ---------------------------------------------------------------- helpers

    private DockerRuntime NewRuntime(string? nodeName = null, string? clusterId = null)
    {
        var runtime = new DockerRuntime(clusterId ?? TestCluster, nodeName ?? $"test-node-{Guid.NewGuid():N}"[..22]);
        runtimes.Add(runtime);
        return runtime;
    }

    private string NewFolder()
    {
        var folder = Directory.CreateTempSubdirectory("docker-runtime-test-").FullName;
        folders.Add(folder);
        return folder;
    }

    private static PodRef NewPod(string name) => new("tenant-a", "default", name, Guid.NewGuid().ToString());

    private static ContainerSpec Shell(
        PodRef pod,
        string name,
        string script,
        IReadOnlyDictionary<string, string>? env = null,
        IReadOnlyList<RuntimeMount>? mounts = null,
        long? memory = null,
        long? cpuMillis = null,
        int attempt = 0) =>
        new(pod, name, attempt, DockerEngineFixture.TestImage, ["sh", "-c"], [script], null,
            env ?? new Dictionary<string, string>(), mounts ?? [], memory, cpuMillis);

    private async Task<string> Run(DockerRuntime runtime, ContainerSpec spec, string sandboxId)
    {
        var id = await runtime.CreateContainer(spec, sandboxId, Ct);
        await runtime.StartContainer(id, Ct);
        return id;
    }

    private Task<ContainerInfo> WaitForExit(DockerRuntime runtime, string id) =>
        Eventually.Value(async () => await runtime.InspectContainer(id, Ct) is { State: ContainerRunState.Exited } info ? info : null, $"container {id} exits", ConditionTimeout);

    private Task WaitForLogs(DockerRuntime runtime, string id, string expected) =>
        Eventually.True(async () => await ReadLogs(runtime, id) == expected, $"container {id} logs \"{expected}\"", ConditionTimeout);

    private async Task<string> ReadLogs(DockerRuntime runtime, string id)
    {
        await using var logs = await runtime.Logs(id, follow: false, tailLines: null, Ct);
        return await new StreamReader(logs).ReadToEndAsync(Ct);
    }

    private static void AssertLabels(IDictionary<string, string> labels, string cluster, string node, PodRef pod, string container, string type, int attempt)
    {
        Assert.Equal(cluster, labels["io.orleans-orchestrator.cluster"]);
        Assert.Equal(pod.Name, labels["io.kubernetes.pod.name"]);
        Assert.Equal(pod.Namespace, labels["io.kubernetes.pod.namespace"]);
        Assert.Equal(pod.Uid, labels["io.kubernetes.pod.uid"]);
        Assert.Equal(container, labels["io.kubernetes.container.name"]);
        Assert.Equal(type, labels["io.kubernetes.docker.type"]);
        Assert.Equal(node, labels["io.orleans-orchestrator.node"]);
        Assert.Equal(pod.Tenant, labels["io.orleans-orchestrator.tenant"]);
        Assert.Equal(attempt.ToString(), labels["io.orleans-orchestrator.attempt"]);
    }

    /// <summary>Asks the engine directly for the same pull, to compare messages word for word.</summary>
    private async Task<string> WhatTheEngineSaysWhenPulling(string image)
    {
        var (repository, tag) = (image[..image.LastIndexOf(':')], image[(image.LastIndexOf(':') + 1)..]);
        string? streamed = null;
        try
        {
            await engine.Docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repository, Tag = tag }, null,
                new SynchronousProgress<JSONMessage>(message => streamed ??= message.ErrorMessage), Ct);
        }
        catch (DockerApiException e)
        {
            return JsonDocument.Parse(e.ResponseBody).RootElement.GetProperty("message").GetString()!;
        }

        return streamed ?? throw new InvalidOperationException($"Pulling {image} succeeded");
    }
}
