using OrleansOrchestrator.Silo.Hosting;

namespace OrleansOrchestrator.Silo.Tests.Hosting;

/// <summary>kube-apiserver's two flags for the tolerations new pods get, and the older --pod-eviction-timeout still honoured.</summary>
public sealed class TolerationSecondsFlagsTests
{
    [Fact]
    public void Defaults_Are300Seconds()
    {
        var controllers = SiloOptions.Parse([]).Controllers;
        Assert.Equal((300L, 300L), (controllers.NotReadyTolerationSeconds, controllers.UnreachableTolerationSeconds));
    }

    [Fact]
    public void PodEvictionTimeout_SetsBoth_AndEachNewFlagWinsForItsOwn_InAnyOrder()
    {
        var old = SiloOptions.Parse(["--pod-eviction-timeout", "20"]).Controllers;
        Assert.Equal((20L, 20L), (old.NotReadyTolerationSeconds, old.UnreachableTolerationSeconds));
        var mixed = SiloOptions.Parse(["--default-unreachable-toleration-seconds", "5", "--pod-eviction-timeout", "20", "--default-not-ready-toleration-seconds", "8"]).Controllers;
        Assert.Equal((8L, 5L), (mixed.NotReadyTolerationSeconds, mixed.UnreachableTolerationSeconds));
    }

    [Fact]
    public void NotAWholeNumberOfSeconds_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => SiloOptions.Parse(["--default-unreachable-toleration-seconds", "soon"]));
        Assert.Throws<ArgumentException>(() => SiloOptions.Parse(["--default-not-ready-toleration-seconds"]));
    }
}
