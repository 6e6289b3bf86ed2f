using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Runtime.Simulated;

namespace OrleansOrchestrator.Agents.Tests.Runtime.Simulated;

/// <summary>Which commands a simulated container runs to an end, and how it ends.</summary>
public sealed class SimulatedProgramTests
{
    private static readonly Dictionary<string, string> Env = new() { ["JOB_COMPLETION_INDEX"] = "3" };

    private static SimulatedProgram? Sh(string script) => SimulatedProgram.Of(["sh", "-c", script], null, Env);

    [Theory]
    [InlineData("sleep 2", 2, 0)]
    [InlineData("exit 3", 0, 3)]
    [InlineData("sleep 1; sleep 0.5; exit 1", 1.5, 1)]
    [InlineData("echo working && sleep 1", 1, 0)]
    [InlineData("false", 0, 1)]
    [InlineData("false; true", 0, 0)]
    [InlineData("false && sleep 5", 0, 1)]
    [InlineData("exec sleep 4", 4, 0)]
    [InlineData("exit $JOB_COMPLETION_INDEX", 0, 3)]
    [InlineData("sleep ${JOB_COMPLETION_INDEX}", 3, 0)]
    [InlineData("exit 256", 0, 0)]
    public void A_script_of_sleeps_and_exits_ends_as_a_shell_would(string script, double seconds, int code) =>
        Assert.Equal(new SimulatedProgram(TimeSpan.FromSeconds(seconds), code), Sh(script));

    [Theory]
    [InlineData("httpd -f -p 8080")]
    [InlineData("while true; do sleep 1; done")]
    [InlineData("sleep 1; exec httpd -f")]
    public void Anything_else_runs_until_stopped(string script) => Assert.Null(Sh(script));

    [Fact]
    public void A_command_with_args_and_no_command_at_all()
    {
        Assert.Equal(new SimulatedProgram(TimeSpan.FromSeconds(5), 0), SimulatedProgram.Of(["sleep"], ["5"], Env));
        Assert.Null(SimulatedProgram.Of(null, null, Env));
    }

    [Fact]
    public async Task A_container_exits_with_its_code_once_its_time_is_up()
    {
        var runtime = new SimulatedRuntime("10.244.1");
        var pod = new PodRef("t", "default", "p", "uid");
        var id = await runtime.CreateContainer(new ContainerSpec(pod, "main", 0, "busybox", ["sh", "-c", "exit 7"], null, null, Env, [], null, null), "sandbox", default);
        var forever = await runtime.CreateContainer(new ContainerSpec(pod, "side", 0, "busybox", null, null, null, Env, [], null, null), "sandbox", default);
        await runtime.StartContainer(id, default);
        await runtime.StartContainer(forever, default);

        var exited = await runtime.InspectContainer(id, default);
        Assert.Equal((ContainerRunState.Exited, 7), (exited!.State, exited.ExitCode));
        Assert.Equal(ContainerRunState.Running, (await runtime.InspectContainer(forever, default))!.State);
    }
}
