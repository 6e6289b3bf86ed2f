namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>
/// The local Docker engine and the bench's image, built locally as the end-to-end tests build theirs (no
/// registry is reachable): a busybox root file system imported into the engine, under the bench's own name
/// so that test runs re-importing theirs never change it under a measurement.
/// </summary>
public static class DockerHost
{
    public const string Image = "oo-bench/busybox:3";

    /// <summary>The same image under a second tag, for a rolling update from one image to another.</summary>
    public const string ImageV2 = "oo-bench/busybox:4";

    /// <summary>A long-running command that exits at once on SIGTERM (busybox sleep as PID 1 ignores it, which would make every stop wait out its grace period).</summary>
    public static readonly string[] Command = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"];

    public static async Task EnsureEngineAndImage()
    {
        try { await Shell.Run("docker", ["version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(20)); }
        catch (Exception e) { throw new InvalidOperationException("no Docker engine: start one with `dockerd >/tmp/dockerd.log 2>&1 &`", e); }
        var present = await Shell.Run("docker", ["images", "-q", Image]);
        if (present.Trim().Length > 0) return;
        var root = Directory.CreateTempSubdirectory("oo-bench-image-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "bin"));
            Directory.CreateDirectory(Path.Combine(root, "tmp"));
            File.Copy("/bin/busybox", Path.Combine(root, "bin", "busybox"));
            foreach (var applet in new[] { "sh", "sleep", "true", "cat", "echo", "ls", "httpd", "mkdir", "touch", "rm" })
                File.CreateSymbolicLink(Path.Combine(root, "bin", applet), "busybox");
            await Shell.Bash($"tar -C {root} -c . | docker import -c 'CMD [\"/bin/sh\"]' - {Image} >/dev/null && docker tag {Image} {ImageV2}");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Removes the containers carrying a label (only the bench's own: every one it makes is labelled).</summary>
    public static async Task RemoveLabelled(string label)
    {
        try { await Shell.Bash($"ids=$(docker ps -aq --filter label={label}); [ -z \"$ids\" ] || docker rm -f $ids >/dev/null", TimeSpan.FromMinutes(3)); }
        catch (Exception e) { Console.Error.WriteLine($"cleanup of containers labelled {label} failed: {e.Message}"); }
    }

    public static async Task<int> RunningCount(string label) =>
        (await Shell.Run("docker", ["ps", "-q", "--filter", $"label={label}", "--filter", "status=running"]))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
}
