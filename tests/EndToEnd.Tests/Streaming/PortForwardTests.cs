using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Streaming;

/// <summary>
/// <c>kubectl port-forward</c> with kubectl 1.32 (SPDY tunnelled through a WebSocket) and 1.29 (SPDY/3.1): to a pod's
/// own loopback on several ports, through a Service and a Deployment as kubectl resolves them, many connections at
/// once, and a forward that ends clearly when its pod goes away. Also a large copy through exec in bounded memory.
/// </summary>
[Collection(StreamingFixture.Collection)]
public sealed class PortForwardTests(StreamingFixture cluster)
{
    public static TheoryData<string> Versions => new() { "1.32", "1.29" };

    private const int ConcurrentRequests = 200;

    [Theory, MemberData(nameof(Versions))]
    public async Task PortForward_ToAPodsLoopback_OnTwoPorts_Answers200ConcurrentRequests(string version)
    {
        var (first, second) = (FreePort.Next(), FreePort.Next());
        using var forward = cluster.Kubectl(version).Start($"port-forward pod/shell {first}:8080 {second}:8081");
        await Forwarding(forward, first, second);

        var answers = await Requests(i => i % 2 == 0 ? first : second);

        for (var i = 0; i < answers.Length; i++)
            Assert.Equal(i % 2 == 0 ? "hello-from-8080\n" : "hello-from-8081\n", answers[i]);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task PortForward_ThroughAServiceAndADeployment_ReachesTheirPods(string version)
    {
        var kubectl = cluster.Kubectl(version);
        var (viaService, viaDeployment) = (FreePort.Next(), FreePort.Next());
        using var service = kubectl.Start($"port-forward svc/shell {viaService}:80");
        using var deployment = kubectl.Start($"port-forward deploy/web {viaDeployment}:8080");
        await Forwarding(service, viaService);
        await Forwarding(deployment, viaDeployment);

        Assert.All(await Requests(_ => viaService), answer => Assert.Equal("hello-from-8080\n", answer));
        Assert.All(await Requests(_ => viaDeployment), answer => Assert.Equal("hello-from-web\n", answer));
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task PortForward_EndsWithAClearMessage_WhenItsPodGoesAway(string version)
    {
        var kubectl = cluster.Kubectl(version);
        var pod = $"brief-{version.Replace('.', '-')}";
        await kubectl.Ok("apply -f -", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{{pod}}}}
            spec:
              nodeName: {{{cluster.Node.NodeName}}}
              terminationGracePeriodSeconds: 1
              containers:
              - {name: main, image: "{{{TestImages.Busybox}}}", imagePullPolicy: Never, command: [sh, -c, "echo brief > /www/index.html && exec httpd -f -p 8080 -h /www"]}
            """);
        await kubectl.Ok($"wait --for=condition=Ready pod/{pod} --timeout=60s");
        var port = FreePort.Next();
        using var forward = kubectl.Start($"port-forward pod/{pod} {port}:8080");
        await Forwarding(forward, port);
        using (var http = new HttpClient()) Assert.Equal("brief\n", await http.GetStringAsync($"http://127.0.0.1:{port}/"));

        await kubectl.Ok($"delete pod {pod} --wait=false");

        // Its last words may be read after the process has exited: wait for them, not only for the exit.
        await Eventually.True(() => forward.Output.Contains("lost connection to pod"), "kubectl port-forward to say it lost its pod", TimeSpan.FromSeconds(60));
        await Eventually.True(() => forward.HasExited, "kubectl port-forward to end when its pod is deleted");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Cp_OfA100MegabyteFile_RoundTrips_WhileTheSiloAndAgentStayWithin50MegabytesOfIdle(string version)
    {
        var kubectl = cluster.Kubectl(version);
        var local = Directory.CreateTempSubdirectory("oo-cp-large-").FullName;
        try
        {
            var source = Path.Combine(local, "large.bin");
            await using (var file = File.Create(source))
            {
                var chunk = new byte[1 << 20];
                for (var i = 0; i < 100; i++)
                {
                    Random.Shared.NextBytes(chunk);
                    await file.WriteAsync(chunk);
                }
            }
            var idle = cluster.SiloResidentBytes();
            using var sampling = new CancellationTokenSource();
            var peak = SamplePeak(sampling.Token);

            await kubectl.Ok($"cp {source} shell:/tmp/large-{version}.bin -c side");
            var back = Path.Combine(local, "back.bin");
            await kubectl.Ok($"cp shell:/tmp/large-{version}.bin {back} -c side");
            await sampling.CancelAsync();
            var grown = await peak - idle;
            await kubectl.Run($"exec shell -c side -- rm -f /tmp/large-{version}.bin");

            Assert.Equal(await Hash(source), await Hash(back));
            Assert.True(grown <= 50L << 20, $"the silo and its agent grew by {grown >> 20} MiB over their idle {idle >> 20} MiB while copying 100 MiB each way");
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }

    /// <summary>The highest resident size seen until cancelled, sampled every 50 ms (a measurement, not a wait).</summary>
    private async Task<long> SamplePeak(CancellationToken cancellationToken)
    {
        var peak = cluster.SiloResidentBytes();
        using var every = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await every.WaitForNextTickAsync(cancellationToken))
                peak = Math.Max(peak, cluster.SiloResidentBytes());
        }
        catch (OperationCanceledException)
        {
            // The copy is done.
        }
        return Math.Max(peak, cluster.SiloResidentBytes());
    }

    private static async Task<string> Hash(string path)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexString(await System.Security.Cryptography.SHA256.HashDataAsync(file));
    }

    private static async Task Forwarding(StreamingKubectl forward, params int[] ports)
    {
        await Eventually.True(() => ports.All(p => forward.Output.Contains($"Forwarding from 127.0.0.1:{p}")) || forward.HasExited, "kubectl port-forward to listen");
        Assert.False(forward.HasExited, $"kubectl port-forward ended: {forward.Output}");
    }

    /// <summary><see cref="ConcurrentRequests"/> GETs at once, each on a connection of its own.</summary>
    private static async Task<string[]> Requests(Func<int, int> portOf)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = ConcurrentRequests, PooledConnectionLifetime = TimeSpan.Zero })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        return await Task.WhenAll(Enumerable.Range(0, ConcurrentRequests).Select(i => http.GetStringAsync($"http://127.0.0.1:{portOf(i)}/")));
    }
}
