using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Tests.Controllers;

public class CreateBackoffTests
{
    [Fact]
    public void RefusedPassesInARow_WaitTwiceAsLongEachTime_UpToTheMax_AndAPassWithoutRefusalStartsOver()
    {
        var backoff = new CreateBackoff();

        var waits = Enumerable.Range(0, 7).Select(_ => backoff.After(refused: true)!.Value.TotalSeconds).ToList();

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], waits);
        Assert.Null(backoff.After(refused: false));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.After(refused: true));
    }
}
