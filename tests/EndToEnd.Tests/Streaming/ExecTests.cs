using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Streaming;

/// <summary>
/// <c>kubectl exec</c>, <c>attach</c> and <c>cp</c> into real containers, with kubectl 1.32 (WebSocket channels) and
/// 1.29 (SPDY/3.1): streams, exit codes, stdin, a terminal that follows its size, files both ways, and the refusals
/// users see.
/// </summary>
[Collection(StreamingFixture.Collection)]
public sealed class ExecTests(StreamingFixture cluster)
{
    public static TheoryData<string> Versions => new() { "1.32", "1.29" };

    [Theory, MemberData(nameof(Versions))]
    public async Task Exec_PrintsBothStreams_AndEndsWithTheCommandsExitCode(string version)
    {
        var result = await cluster.Kubectl(version).Run("exec shell -c side -- sh -c 'echo out; echo err >&2; exit 3'");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.Stdout);
        Assert.Contains("err\n", result.Stderr);
        Assert.Contains("command terminated with exit code 3", result.Stderr);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Exec_OfALongScript_RunsIt(string version)
    {
        // kubectl sends the command in the request line: a 20 KB script is past a web server's default 8 KB line.
        var word = new string('x', 20_000);
        var result = await cluster.Kubectl(version).Run($"exec shell -c side -- sh -c 'echo {word} | wc -c'");

        Assert.True(result.ExitCode == 0, result.All.Length > 2_000 ? result.All[..2_000] : result.All);
        Assert.Equal("20001", result.Stdout.Trim());
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task ExecWithStdin_EchoesIt_AndEndsWhenStdinCloses(string version)
    {
        var result = await cluster.Kubectl(version).Run("exec -i shell -c side -- cat", stdin: "first line\nsecond line\n");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal("first line\nsecond line\n", result.Stdout);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task ExecInATerminal_RunsAShellInThePod_WhoseSizeFollowsTheTerminal(string version)
    {
        var kubectl = cluster.Kubectl(version);
        await using var terminal = await TmuxSession.Start(
            $"{kubectl.Binary} --kubeconfig={cluster.Node.Silo.KubeconfigPath} exec -it shell -c side -- sh", columns: 100, rows: 30);

        // Typed only once the shell prompts: keys sent earlier are echoed by the terminal driver and answered by the
        // shell's cursor query, which lands in the middle of the output.
        await terminal.WaitForLine("/ #");
        await terminal.TypeLine("hostname");
        await terminal.WaitForLine("shell");
        await terminal.TypeLine("stty size");
        await terminal.WaitForLine("30 100");

        // The new size reaches the pod's terminal through kubectl's resize stream a moment after tmux has it: ask again
        // until the shell sees it (a command typed at once can still read the old size).
        await terminal.Resize(120, 40);
        await Eventually.True(async () =>
        {
            await terminal.TypeLine("stty size");
            try
            {
                await terminal.WaitForLine("40 120", TimeSpan.FromSeconds(2));
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }, "stty size to follow the terminal's resize", TimeSpan.FromSeconds(30));
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Attach_ToAnInteractiveContainer_TypesIntoItsShell(string version)
    {
        var kubectl = cluster.Kubectl(version);
        await using var terminal = await TmuxSession.Start(
            $"{kubectl.Binary} --kubeconfig={cluster.Node.Silo.KubeconfigPath} attach -it tty", columns: 80, rows: 24);
        var marker = $"attached-{version}";

        await terminal.TypeLine($"echo {marker} | tr a-z A-Z");
        await terminal.WaitForLine(marker.ToUpperInvariant());
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Attach_WithoutATerminal_PassesStdinToTheContainer(string version)
    {
        using var attached = cluster.Kubectl(version).Start("attach -i reader");
        // kubectl attach -i reads its own stdin: the test writes through the process.
        await attached.WriteLine($"from-{version}");

        await Eventually.True(() => attached.Output.Contains($"got from-{version}"), "the container's answer to the attached line");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Cp_CopiesADirectoryIntoThePod_AndBackUnchanged(string version)
    {
        var kubectl = cluster.Kubectl(version);
        var local = Directory.CreateTempSubdirectory("oo-cp-").FullName;
        try
        {
            var source = Path.Combine(local, "source");
            Directory.CreateDirectory(Path.Combine(source, "nested", "deeper"));
            await File.WriteAllTextAsync(Path.Combine(source, "a.txt"), "alpha\n");
            await File.WriteAllBytesAsync(Path.Combine(source, "nested", "b.bin"), Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray());
            await File.WriteAllTextAsync(Path.Combine(source, "nested", "deeper", "c.txt"), "gamma\n");
            var remote = $"/tmp/cp-{version}";

            await kubectl.Ok($"cp {source} shell:{remote} -c side");
            Assert.Equal("alpha\n", await kubectl.Ok($"exec shell -c side -- cat {remote}/a.txt"));
            var back = Path.Combine(local, "back");
            await kubectl.Ok($"cp shell:{remote} {back} -c side");

            Assert.Equal(Files(source), Files(back));
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Exec_IsRefused_AsKubernetesRefusesIt(string version)
    {
        var kubectl = cluster.Kubectl(version);

        var noContainer = await kubectl.Run("exec shell -c nope -- true");
        Assert.NotEqual(0, noContainer.ExitCode);
        Assert.Contains("container nope is not valid for pod shell", noContainer.Stderr);

        var completed = await kubectl.Run("exec done -- true");
        Assert.NotEqual(0, completed.ExitCode);
        Assert.Contains("cannot exec into a container in a completed pod; current phase is Succeeded", completed.Stderr);

        var viewer = await cluster.As(version, TokenFiles.Viewer).Run("exec shell -c side -- true");
        Assert.NotEqual(0, viewer.ExitCode);
        Assert.Contains("cannot create resource \"pods/exec\"", viewer.Stderr);

        var otherTenant = await cluster.As(version, TokenFiles.OtherTenant).Run("exec shell -c side -- true");
        Assert.NotEqual(0, otherTenant.ExitCode);
        Assert.Contains("pods \"shell\" not found", otherTenant.Stderr);
    }

    private static SortedDictionary<string, string> Files(string root) =>
        new(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(root, f),
            f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);
}
