using OrleansOrchestrator.Silo.Networking;

namespace OrleansOrchestrator.Silo.Tests.Networking;

public sealed class AddressPoolTests
{
    private static AddressPool Pool(long first = 1, long last = 100, long staticBand = 16, params long[] reserved) =>
        new(first, last, staticBand, reserved, new Random(7));

    [Fact]
    public void TakeNext_NeverHandsOutAValueTwice_NorAReservedOne_UntilTheRangeIsFull()
    {
        var pool = Pool(1, 50, 16, 1, 10);
        var values = Enumerable.Range(0, 48).Select(i => pool.TakeNext($"s{i}")).ToList();
        Assert.All(values, v => Assert.NotNull(v));
        Assert.Equal(48, values.Distinct().Count());
        Assert.DoesNotContain(1L, values);
        Assert.DoesNotContain(10L, values);
        Assert.Null(pool.TakeNext("one-too-many"));
    }

    [Fact]
    public void TakeNext_PrefersTheDynamicBand_LeavingLowValuesForRequests()
    {
        var pool = Pool(1, 100, 16);
        var values = Enumerable.Range(0, 84).Select(i => pool.TakeNext($"s{i}")!.Value).ToList();
        Assert.All(values, v => Assert.InRange(v, 17, 100));
        Assert.InRange(pool.TakeNext("then-static")!.Value, 1, 16);
    }

    [Fact]
    public void Take_RefusesAnotherOwnersValue_ReservedAndOutOfRange_ButNotTheOwnersOwn()
    {
        var pool = Pool(1, 100, 16, 10);
        Assert.Equal(AddressPool.TakeOutcome.Taken, pool.Take(5, "a"));
        Assert.Equal(AddressPool.TakeOutcome.AlreadyYours, pool.Take(5, "a"));
        Assert.Equal(AddressPool.TakeOutcome.AlreadyAllocated, pool.Take(5, "b"));
        Assert.Equal(AddressPool.TakeOutcome.AlreadyAllocated, pool.Take(10, "b"));
        Assert.Equal(AddressPool.TakeOutcome.NotInRange, pool.Take(101, "b"));
        Assert.Equal(AddressPool.TakeOutcome.NotInRange, pool.Take(0, "b"));
    }

    [Fact]
    public void Release_GivesBackOnlyTheHoldersValue()
    {
        var pool = Pool();
        pool.Take(5, "a");
        Assert.False(pool.Release(5, "b"));
        Assert.Equal("a", pool.Holder(5));
        Assert.True(pool.Release(5, "a"));
        Assert.Equal(AddressPool.TakeOutcome.Taken, pool.Take(5, "b"));
    }

    [Fact]
    public void Repair_HoldsEveryStoredValue_AndReleasesAMissingOneOnlyAfterTwoRepairs()
    {
        var pool = Pool();
        pool.Take(20, "in-flight");
        pool.Repair([(30, "stored")], (_, _, _) => Assert.Fail("no conflict"));
        Assert.Equal("stored", pool.Holder(30));
        Assert.Equal("in-flight", pool.Holder(20)); // its write may still be on its way to the store

        pool.Repair([(30, "stored")], (_, _, _) => Assert.Fail("no conflict"));
        Assert.Null(pool.Holder(20)); // leaked: missed twice in a row
        Assert.Equal("stored", pool.Holder(30));
    }

    [Fact]
    public void Repair_KeepsAValueSeenAgainBeforeItsSecondMiss()
    {
        var pool = Pool();
        pool.Take(20, "slow-write");
        pool.Repair([], (_, _, _) => { });
        pool.Repair([(20, "slow-write")], (_, _, _) => { });
        pool.Repair([(20, "slow-write")], (_, _, _) => { });
        Assert.Equal("slow-write", pool.Holder(20));
    }

    [Fact]
    public void Repair_ReportsValuesTwoStoredObjectsClaim_OrThatMayNotBeHeld()
    {
        var pool = Pool(1, 100, 16, 10);
        var conflicts = new List<string>();
        pool.Repair([(30, "a"), (30, "b"), (10, "c"), (500, "d")], (value, owner, why) => conflicts.Add($"{value} {owner}: {why}"));
        Assert.Equal(["30 b: also held by a", "10 c: outside the range that may be handed out", "500 d: outside the range that may be handed out"], conflicts);
        Assert.Equal("a", pool.Holder(30));
    }

    [Theory]
    [InlineData(1L << 20, 16, 256, 256)]
    [InlineData(254, 16, 256, 16)]
    [InlineData(2768, 32, 128, 86)]
    [InlineData(16, 32, 128, 16)]
    public void StaticBand_IsKubernetesShare(long size, long divisor, long max, long band) =>
        Assert.Equal(band, AddressPool.StaticBand(size, divisor, max));
}
