using System.Diagnostics;

namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The images pods run in these tests, built locally because no registry is reachable: a busybox root
/// file system (one static binary and its applet links: sh, httpd, wget, …) imported into the engine.
/// </summary>
public static class TestImages
{
    public const string Busybox = "orleans-orchestrator-e2e/busybox:1";

    /// <summary>The same image under a second tag, for rolling from one image to another.</summary>
    public const string BusyboxV2 = "orleans-orchestrator-e2e/busybox:2";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _built;

    public static async Task EnsureBusybox()
    {
        await Gate.WaitAsync();
        try
        {
            if (_built) return;
            var root = Directory.CreateTempSubdirectory("oo-image-").FullName;
            Directory.CreateDirectory(Path.Combine(root, "bin"));
            Directory.CreateDirectory(Path.Combine(root, "tmp"));
            Directory.CreateDirectory(Path.Combine(root, "www"));
            File.Copy("/bin/busybox", Path.Combine(root, "bin", "busybox"));
            foreach (var applet in new[] { "sh", "httpd", "wget", "cat", "echo", "sleep", "ls", "date", "nc", "true", "false", "touch", "rm", "seq", "nslookup", "hostname", "env", "grep", "timeout", "mkdir", "wc", "sort", "uniq", "tar", "stty", "md5sum", "dd", "head", "cmp", "tr" })
                File.CreateSymbolicLink(Path.Combine(root, "bin", applet), "busybox");
            await Shell($"tar -C {root} -c . | docker import -c 'CMD [\"/bin/sh\"]' - {Busybox} && docker tag {Busybox} {BusyboxV2}");
            Directory.Delete(root, recursive: true);
            _built = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Removes what a test's node left on the shared engine and kernel, however the test ended: its containers
    /// (agents keep their pods' containers when they stop, to adopt them on restart), idle test networks, and its
    /// Service proxy rules (kept in the kernel across agent restarts, as kube-proxy keeps them).
    /// </summary>
    /// <param name="clusterIds">The clusters the node ran in (their proxy chains are named after cluster and node); default: the default cluster.</param>
    public static async Task RemoveNodeLeftovers(string node, params string[] clusterIds)
    {
        await Shell($"ids=$(docker ps -aq --filter label=io.orleans-orchestrator.node={node}); [ -z \"$ids\" ] || docker rm -f $ids >/dev/null; " +
                    $"for net in $(docker network ls -q --filter name={node}) oo-default; do docker network rm $net >/dev/null 2>&1 || true; done");
        foreach (var clusterId in clusterIds.Length > 0 ? clusterIds : [Contracts.ClusterIdentity.DefaultClusterId])
        {
            var (code, output) = await Run("dotnet", RepoPaths.AgentDll, "--cleanup-proxy", "--cluster-id", clusterId, "--node-name", node);
            if (code != 0) throw new InvalidOperationException($"removing the proxy rules of {node} in {clusterId} failed: {output}");
        }
    }

    /// <summary>Runs a program (no shell) and returns its exit code and its output, stdout then stderr.</summary>
    public static async Task<(int ExitCode, string Output)> Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    public static async Task<string> Shell(string command)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"`{command}` failed ({process.ExitCode}): {await error}");
        return await output;
    }
}
