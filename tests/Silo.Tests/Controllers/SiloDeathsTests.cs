using System.Net;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Tests.Controllers;

/// <summary>The controller sweep runs at once when a silo dies (its loops resume), not for deaths the cluster already knew.</summary>
public sealed class SiloDeathsTests
{
    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    [Fact]
    public void FirstSnapshot_DeathsFromBefore_AreNoNews()
    {
        var deaths = new SiloDeaths();

        Assert.False(deaths.Newly([Silo(11111), Silo(11112)]));
    }

    [Fact]
    public void ASiloDeclaredDeadLater_IsNews_Once()
    {
        var deaths = new SiloDeaths();
        deaths.Newly([Silo(11111)]);

        Assert.False(deaths.Newly([Silo(11111)]));
        Assert.True(deaths.Newly([Silo(11111), Silo(11113)]));
        Assert.False(deaths.Newly([Silo(11111), Silo(11113)]));
    }

    [Fact]
    public void ASiloRestartedOnTheSamePort_IsANewSilo_SoItsDeathIsNews()
    {
        var deaths = new SiloDeaths();
        deaths.Newly([]);
        Assert.True(deaths.Newly([SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1)]));

        Assert.True(deaths.Newly([SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1), SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 2)]));
    }
}
