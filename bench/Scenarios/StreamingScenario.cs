using System.Diagnostics;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// Issue 14, streams into containers: (1) <c>kubectl exec POD -- true</c> against <c>docker exec CONTAINER true</c>,
/// interleaved one for one in each round (target p50 ≤ 1.5× docker's); (2) a large download through
/// <c>kubectl port-forward</c> against the same download from the pod's address directly, interleaved (target ≥ 0.5×).
/// Both clients pay their process start, as a user's command does. Everything stays on this host.
/// </summary>
public sealed class StreamingScenario : IScenario
{
    public string Name => "streaming";

    public string Usage => "[--rounds 3] [--execs 50] [--downloads 4] [--megabytes 64] [--kubectl 1.32]";

    public async Task<int> Run(Options options)
    {
        var rounds = options.Int("--rounds", 3);
        var execs = options.Int("--execs", 50);
        var downloads = options.Int("--downloads", 4);
        var megabytes = options.Int("--megabytes", 64);
        var kubectlVersion = options.String("--kubectl") ?? "1.32";
        options.CheckAllKnown();
        var kubectlBinary = $"/usr/lib/google-cloud-sdk/bin/kubectl.{kubectlVersion}";

        await DockerHost.EnsureEngineAndImage();
        var node = $"bench-{Guid.NewGuid().ToString("N")[..8]}";
        Process? forward = null;
        try
        {
            await using var silo = await BenchSilo.Start(new SiloSettings { DockerNodeName = node });
            using var api = silo.Client();
            Console.WriteLine($"silo up (pid {silo.ProcessId}) with its Docker agent as node {node}");
            await api.WaitForReadyNodes(1, TimeSpan.FromMinutes(1));
            var kubeconfig = Path.Combine(silo.DataDir, "kubeconfig");
            string[] Kubectl(params string[] arguments) => [$"--kubeconfig={kubeconfig}", .. arguments];
            await Shell.Run(kubectlBinary, Kubectl("run", "shell", "--image", DockerHost.Image, "--image-pull-policy", "Never",
                "--command", "--", "sh", "-c", "mkdir -p /www && exec httpd -f -p 8080 -h /www"));
            await Shell.Run(kubectlBinary, Kubectl("wait", "--for=condition=Ready", "pod/shell", "--timeout=120s"), TimeSpan.FromMinutes(3));
            var container = (await Shell.Run("docker", ["ps", "-q", "--filter", $"label=io.orleans-orchestrator.node={node}",
                "--filter", "label=io.kubernetes.pod.name=shell", "--filter", "label=io.kubernetes.container.name=shell"])).Trim();
            var podIp = (await api.Json("/api/v1/namespaces/default/pods/shell"))["status"]?["podIP"]?.GetValue<string>()
                        ?? throw new InvalidOperationException("the pod has no address");

            Console.WriteLine($"exec: {rounds} rounds of {execs} `kubectl exec shell -- true` and {execs} `docker exec {container[..12]} true`, interleaved…");
            var kubectlRuns = new List<Stats>();
            var dockerRuns = new List<Stats>();
            for (var round = 0; round < rounds; round++)
            {
                var viaKubectl = new List<double>();
                var viaDocker = new List<double>();
                using (Ticker.Start(() => $"round {round + 1}: {viaKubectl.Count}/{execs}  kubectl p50 {new Stats(viaKubectl).P50:F0} ms, docker p50 {new Stats(viaDocker).P50:F0} ms"))
                    for (var i = 0; i < execs; i++)
                    {
                        viaDocker.Add(await Timed("docker", ["exec", container, "true"]));
                        viaKubectl.Add(await Timed(kubectlBinary, Kubectl("exec", "shell", "--", "true")));
                    }
                kubectlRuns.Add(new Stats(viaKubectl));
                dockerRuns.Add(new Stats(viaDocker));
            }

            var payload = Path.Combine(silo.DataDir, "payload.bin");
            await using (var file = File.Create(payload))
            {
                var chunk = new byte[1 << 20];
                for (var i = 0; i < megabytes; i++)
                {
                    Random.Shared.NextBytes(chunk);
                    await file.WriteAsync(chunk);
                }
            }
            await Shell.Run("docker", ["cp", payload, $"{container}:/www/payload.bin"]);
            var localPort = BenchSilo.FreePort();
            forward = Process.Start(new ProcessStartInfo(kubectlBinary, Kubectl("port-forward", "pod/shell", $"{localPort}:8080"))
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            })!;
            var listening = new TaskCompletionSource();
            forward.OutputDataReceived += (_, e) => { if (e.Data?.Contains($"127.0.0.1:{localPort}") == true) listening.TrySetResult(); };
            forward.BeginOutputReadLine();
            forward.BeginErrorReadLine();
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));

            Console.WriteLine($"port-forward: {rounds} rounds of {downloads} downloads of {megabytes} MiB each way, interleaved…");
            var directRuns = new List<double>();
            var forwardedRuns = new List<double>();
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            for (var round = 0; round < rounds; round++)
            {
                double direct = 0, forwarded = 0;
                using (Ticker.Start(() => $"round {round + 1}: direct {direct:F0} MiB/s, forwarded {forwarded:F0} MiB/s"))
                {
                    direct = await Throughput(http, $"http://{podIp}:8080/payload.bin", downloads, megabytes);
                    forwarded = await Throughput(http, $"http://127.0.0.1:{localPort}/payload.bin", downloads, megabytes);
                }
                directRuns.Add(direct);
                forwardedRuns.Add(forwarded);
            }

            var report = new Report("path", "rounds", "p50 ms (median, min–max of rounds)", "p99 ms (median of rounds)", "MiB/s (median, min–max)");
            report.Row($"`docker exec CONTAINER true`", rounds, Spread(dockerRuns.Select(s => s.P50)), Report.Ms(Stats.Median(dockerRuns.Select(s => s.P99))), "");
            report.Row($"`kubectl.{kubectlVersion} exec POD -- true`", rounds, Spread(kubectlRuns.Select(s => s.P50)), Report.Ms(Stats.Median(kubectlRuns.Select(s => s.P99))), "");
            report.Row("download from the pod's address", rounds, "", "", Spread(directRuns));
            report.Row($"download through `kubectl.{kubectlVersion} port-forward`", rounds, "", "", Spread(forwardedRuns));
            var execRatios = kubectlRuns.Zip(dockerRuns, (k, d) => k.P50 / d.P50).ToList();
            var forwardRatios = forwardedRuns.Zip(directRuns, (f, d) => f / d).ToList();
            report.Target("exec p50 ≤ 1.5× docker exec", Stats.Median(execRatios) <= 1.5, $"{Stats.Median(execRatios):F2}× ({execRatios.Min():F2}–{execRatios.Max():F2})");
            report.Target("port-forward throughput ≥ 0.5× direct", Stats.Median(forwardRatios) >= 0.5, $"{Stats.Median(forwardRatios):F2}× ({forwardRatios.Min():F2}–{forwardRatios.Max():F2})");
            report.Print();
            return 0;
        }
        finally
        {
            if (forward is { HasExited: false }) forward.Kill(entireProcessTree: true);
            forward?.Dispose();
            await DockerHost.RemoveLabelled($"io.orleans-orchestrator.node={node}");
        }
    }

    private static string Spread(IEnumerable<double> values)
    {
        var list = values.ToList();
        return $"{Report.Ms(Stats.Median(list))} ({Report.Ms(list.Min())}–{Report.Ms(list.Max())})";
    }

    /// <summary>Wall-clock milliseconds of one command, which must succeed.</summary>
    private static async Task<double> Timed(string program, string[] arguments)
    {
        var start = Stopwatch.GetTimestamp();
        await Shell.Run(program, arguments);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>MiB/s over <paramref name="count"/> sequential downloads of the whole payload.</summary>
    private static async Task<double> Throughput(HttpClient http, string url, int count, int megabytes)
    {
        var buffer = new byte[1 << 16];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await using var body = await http.GetStreamAsync(url);
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0) total += read;
            if (total != (long)megabytes << 20) throw new InvalidOperationException($"{url} gave {total} bytes, not {megabytes} MiB");
        }
        return count * megabytes / clock.Elapsed.TotalSeconds;
    }
}
