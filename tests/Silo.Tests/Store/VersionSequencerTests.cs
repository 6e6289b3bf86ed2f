using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Tests.Store;

public class VersionSequencerTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static VersionSequencer<string> Sequencer(long first = 1, int historyLimit = 100) => new(first, historyLimit);

    private static long[] Versions(IEnumerable<(long Version, string Change)> changes) => changes.Select(c => c.Version).ToArray();

    [Fact]
    public void Constructor_FirstVersion_EverythingBeforeCountsAsReleased()
    {
        var sequencer = Sequencer(first: 100);

        Assert.Equal(99, sequencer.Released);
        Assert.Equal(99, sequencer.ForgottenThrough);
        Assert.Equal(100, sequencer.Next);
        Assert.Equal(0, sequencer.PendingCount);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(-5, 10)]
    [InlineData(1, 0)]
    public void Constructor_OutOfRange_Throws(long first, int historyLimit)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VersionSequencer<string>(first, historyLimit));
    }

    [Fact]
    public void Reserve_Repeatedly_ConsecutiveVersions()
    {
        var sequencer = Sequencer(first: 7);

        Assert.Equal([7L, 8L, 9L], new[] { sequencer.Reserve(T0), sequencer.Reserve(T0), sequencer.Reserve(T0) });
        Assert.Equal(10, sequencer.Next);
        Assert.Equal(3, sequencer.PendingCount);
        Assert.True(sequencer.IsPending(8));
    }

    [Fact]
    public void Commit_InOrder_EachReleasedAtOnce()
    {
        var sequencer = Sequencer();
        var v1 = sequencer.Reserve(T0);
        var v2 = sequencer.Reserve(T0);

        Assert.Equal([(v1, "a")], sequencer.Commit(v1, "a"));
        Assert.Equal(v1, sequencer.Released);
        Assert.Equal([(v2, "b")], sequencer.Commit(v2, "b"));
        Assert.Equal(v2, sequencer.Released);
    }

    [Fact]
    public void Commit_LaterVersionFirst_HeldBackUntilEarlierCommits()
    {
        var sequencer = Sequencer();
        var v1 = sequencer.Reserve(T0);
        var v2 = sequencer.Reserve(T0);
        var v3 = sequencer.Reserve(T0);

        Assert.Empty(sequencer.Commit(v3, "c"));
        Assert.Empty(sequencer.Commit(v2, "b"));
        Assert.Equal(0, sequencer.Released);
        Assert.Empty(sequencer.ChangesAfter(0)!);

        var released = sequencer.Commit(v1, "a");

        Assert.Equal([(v1, "a"), (v2, "b"), (v3, "c")], released);
        Assert.Equal(v3, sequencer.Released);
        Assert.Equal(0, sequencer.PendingCount);
    }

    [Fact]
    public void Commit_MiddleVersionLast_ReleasesOnlyUpToTheNextGap()
    {
        var sequencer = Sequencer();
        var v = Enumerable.Range(0, 5).Select(_ => sequencer.Reserve(T0)).ToArray();
        sequencer.Commit(v[0], "0");
        sequencer.Commit(v[2], "2");
        sequencer.Commit(v[4], "4");

        var released = sequencer.Commit(v[1], "1");

        Assert.Equal([v[1], v[2]], Versions(released));
        Assert.Equal(v[2], sequencer.Released);
        Assert.True(sequencer.IsPending(v[3]));
    }

    [Fact]
    public void IsPending_CommittedButHeldBack_False()
    {
        var sequencer = Sequencer();
        sequencer.Reserve(T0);
        var v2 = sequencer.Reserve(T0);

        sequencer.Commit(v2, "b");

        Assert.False(sequencer.IsPending(v2));
        Assert.Equal(2, sequencer.PendingCount);
    }

    [Fact]
    public void Commit_Twice_Throws()
    {
        var sequencer = Sequencer();
        var v1 = sequencer.Reserve(T0);
        sequencer.Reserve(T0);
        sequencer.Commit(v1, "a");

        Assert.Throws<InvalidOperationException>(() => sequencer.Commit(v1, "again"));
    }

    [Fact]
    public void Commit_TwiceWhileHeldBack_Throws()
    {
        var sequencer = Sequencer();
        sequencer.Reserve(T0);
        var v2 = sequencer.Reserve(T0);
        sequencer.Commit(v2, "b");

        Assert.Throws<InvalidOperationException>(() => sequencer.Commit(v2, "again"));
    }

    [Fact]
    public void Commit_NeverReserved_Throws()
    {
        var sequencer = Sequencer();
        sequencer.Reserve(T0);

        Assert.Throws<InvalidOperationException>(() => sequencer.Commit(5, "x"));
    }

    [Fact]
    public void Abort_EarliestPending_ReleasesLaterCommitsWithoutTheAbortedVersion()
    {
        var sequencer = Sequencer();
        var v1 = sequencer.Reserve(T0);
        var v2 = sequencer.Reserve(T0);
        var v3 = sequencer.Reserve(T0);
        sequencer.Commit(v2, "b");
        sequencer.Commit(v3, "c");

        var released = sequencer.Abort(v1);

        Assert.Equal([(v2, "b"), (v3, "c")], released);
        Assert.Equal(v3, sequencer.Released);
        Assert.Equal([v2, v3], Versions(sequencer.ChangesAfter(0)!));
    }

    [Fact]
    public void Abort_MiddleVersion_GapIsSkipped()
    {
        var sequencer = Sequencer();
        var v1 = sequencer.Reserve(T0);
        var v2 = sequencer.Reserve(T0);
        var v3 = sequencer.Reserve(T0);
        sequencer.Commit(v1, "a");
        sequencer.Commit(v3, "c");

        var released = sequencer.Abort(v2);

        Assert.Equal([(v3, "c")], released);
        Assert.Equal(v3, sequencer.Released);
        Assert.Equal([v1, v3], Versions(sequencer.ChangesAfter(0)!));
    }

    [Fact]
    public void Abort_OnlyPendingVersion_ReleasedAdvancesPastIt()
    {
        var sequencer = Sequencer();
        var v1 = sequencer.Reserve(T0);

        Assert.Empty(sequencer.Abort(v1));
        Assert.Equal(v1, sequencer.Released);
        Assert.Equal(0, sequencer.PendingCount);
    }

    [Fact]
    public void Abort_LaterVersionWhileEarlierPending_NothingReleased()
    {
        var sequencer = Sequencer();
        var v1 = sequencer.Reserve(T0);
        var v2 = sequencer.Reserve(T0);

        Assert.Empty(sequencer.Abort(v2));
        Assert.Equal(0, sequencer.Released);
        Assert.True(sequencer.IsPending(v1));
    }

    [Fact]
    public void AbandonedBefore_OnlyUnsettledReservationsOlderThanCutoff_WithTheirWriters()
    {
        var sequencer = Sequencer();
        var stale = sequencer.Reserve(T0, "a");
        var committed = sequencer.Reserve(T0, "b");
        var fresh = sequencer.Reserve(T0.AddSeconds(5), "c");
        sequencer.Commit(committed, "b1");

        Assert.Equal([(stale, "a")], sequencer.AbandonedBefore(T0.AddSeconds(5)));
        Assert.True(sequencer.IsPending(fresh));
    }

    [Fact]
    public void Abort_AbandonedReservation_ReleasesLaterCommitsAndRefusesALateCommit()
    {
        var sequencer = Sequencer();
        var stale = sequencer.Reserve(T0, "a");
        var fresh = sequencer.Reserve(T0.AddSeconds(10), "b");
        sequencer.Commit(fresh, "fresh");

        var released = sequencer.Abort(sequencer.AbandonedBefore(T0.AddSeconds(5)).Single().Version);

        Assert.Equal([(fresh, "fresh")], released);
        Assert.Equal(fresh, sequencer.Released);
        Assert.Throws<InvalidOperationException>(() => sequencer.Commit(stale, "too late"));
    }

    [Fact]
    public void Forget_ReleasedVersion_ReadersFromBeforeItAreGoneReadersAfterItContinue()
    {
        var sequencer = Sequencer();
        sequencer.Commit(sequencer.Reserve(T0), "a");
        var unknown = sequencer.Reserve(T0, "b");
        var later = sequencer.Reserve(T0);
        sequencer.Commit(later, "c");

        var released = sequencer.Forget(unknown, "resync b");

        // The caller gets the resync in order, to bring its list up to date; readers never see it.
        Assert.Equal([(unknown, "resync b"), (later, "c")], released);
        Assert.Null(sequencer.ChangesAfter(0));
        Assert.Null(sequencer.ChangesAfter(unknown - 1));
        Assert.Equal([(later, "c")], sequencer.ChangesAfter(unknown)!);
        Assert.Empty(sequencer.ChangesAfter(later)!);
    }

    [Fact]
    public void Forget_HeldBehindAnEarlierPending_ReadersKeepTheirHistoryUntilItIsReleased()
    {
        var sequencer = Sequencer();
        sequencer.Commit(sequencer.Reserve(T0), "a");
        var earlier = sequencer.Reserve(T0);
        var unknown = sequencer.Reserve(T0, "b");

        Assert.Empty(sequencer.Forget(unknown, "resync b"));
        Assert.Equal([1L], Versions(sequencer.ChangesAfter(0)!));

        sequencer.Commit(earlier, "e");
        Assert.Null(sequencer.ChangesAfter(earlier));
        Assert.Equal(unknown, sequencer.Released);
    }

    [Fact]
    public void HistoryTrimmedAfterAForget_ForgottenThroughNeverMovesBack()
    {
        var sequencer = new VersionSequencer<string>(1, historyLimit: 2);
        sequencer.Commit(sequencer.Reserve(T0), "a");
        var unknown = sequencer.Reserve(T0, "b");
        sequencer.Forget(unknown, "resync b");
        sequencer.Commit(sequencer.Reserve(T0), "c");
        sequencer.Commit(sequencer.Reserve(T0), "d");

        Assert.Null(sequencer.ChangesAfter(unknown - 1));
        Assert.Equal(unknown, sequencer.ForgottenThrough);
    }

    [Fact]
    public void ChangesAfter_WithinHistory_OnlyLaterChangesInOrder()
    {
        var sequencer = Sequencer();
        foreach (var change in new[] { "a", "b", "c", "d" }) sequencer.Commit(sequencer.Reserve(T0), change);

        Assert.Equal([(3L, "c"), (4L, "d")], sequencer.ChangesAfter(2)!);
        Assert.Equal([1L, 2L, 3L, 4L], Versions(sequencer.ChangesAfter(0)!));
        Assert.Empty(sequencer.ChangesAfter(4)!);
        Assert.Empty(sequencer.ChangesAfter(40)!);
    }

    [Fact]
    public void ChangesAfter_HistoryTrimmedPastTheVersion_NullMeaningGone()
    {
        var sequencer = Sequencer(historyLimit: 3);
        for (var i = 1; i <= 5; i++) sequencer.Commit(sequencer.Reserve(T0), $"c{i}");

        Assert.Equal(2, sequencer.ForgottenThrough);
        Assert.Null(sequencer.ChangesAfter(0));
        Assert.Null(sequencer.ChangesAfter(1));
        Assert.Equal([3L, 4L, 5L], Versions(sequencer.ChangesAfter(2)!));
        Assert.Equal([5L], Versions(sequencer.ChangesAfter(4)!));
    }

    [Fact]
    public void ChangesAfter_VersionBeforeTheFirstAfterRestart_Gone()
    {
        // A watcher holding a version from before the collection was reloaded cannot be resumed.
        var sequencer = Sequencer(first: 100);
        sequencer.Commit(sequencer.Reserve(T0), "a");

        Assert.Null(sequencer.ChangesAfter(50));
        Assert.Equal([100L], Versions(sequencer.ChangesAfter(99)!));
    }

    [Fact]
    public void ChangesAfter_AbortedVersionsInHistory_NotCountedAgainstTheLimit()
    {
        var sequencer = Sequencer(historyLimit: 2);
        sequencer.Commit(sequencer.Reserve(T0), "a");
        sequencer.Abort(sequencer.Reserve(T0));
        sequencer.Commit(sequencer.Reserve(T0), "c");

        Assert.Equal(0, sequencer.ForgottenThrough);
        Assert.Equal([1L, 3L], Versions(sequencer.ChangesAfter(0)!));
    }

    [Fact]
    public void Released_AllSettledIncludingTrailingAborts_IsLastHandedOutVersion()
    {
        var sequencer = Sequencer();
        var v1 = sequencer.Reserve(T0);
        var v2 = sequencer.Reserve(T0);
        var v3 = sequencer.Reserve(T0);
        sequencer.Abort(v3);
        sequencer.Abort(v2);
        sequencer.Commit(v1, "a");

        Assert.Equal(v3, sequencer.Released);
        Assert.Equal(sequencer.Next - 1, sequencer.Released);
    }

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 42, 1234, 9001, 31337, 65535 };

    /// <summary>
    /// Random interleavings of reserve/commit/abort/expire: every release is in strictly increasing version
    /// order, no committed change is lost or repeated, nothing is released while an earlier version is
    /// unsettled, and a watcher resuming from any retained version sees exactly the later commits.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Sequencer_RandomSettleOrder_ReleasesEveryCommitOnceInVersionOrder(int seed)
    {
        var random = new Random(seed);
        var historyLimit = random.Next(5, 40);
        var sequencer = new VersionSequencer<string>(firstVersion: random.Next(1, 1000), historyLimit);
        var first = sequencer.Next;
        var now = T0;
        var open = new List<long>();
        var settled = new HashSet<long>();
        var committed = new SortedDictionary<long, string>();
        var released = new List<(long Version, string Change)>();

        for (var step = 0; step < 600; step++)
        {
            now = now.AddMilliseconds(random.Next(0, 50));
            var roll = random.Next(100);
            IReadOnlyList<(long Version, string Change)> batch = [];
            if (roll < 40 || open.Count == 0)
            {
                open.Add(sequencer.Reserve(now));
            }
            else if (roll < 85)
            {
                var version = open[random.Next(open.Count)];
                open.Remove(version);
                settled.Add(version);
                committed[version] = $"change-{version}";
                batch = sequencer.Commit(version, committed[version]);
            }
            else if (roll < 97)
            {
                var version = open[random.Next(open.Count)];
                open.Remove(version);
                settled.Add(version);
                batch = sequencer.Abort(version);
            }
            else
            {
                var cutoff = now.AddMilliseconds(-random.Next(0, 500));
                // Abandoned reservations whose write was found absent: they will never be committed.
                var abandonedBatch = new List<(long, string)>();
                foreach (var (version, _) in sequencer.AbandonedBefore(cutoff))
                {
                    abandonedBatch.AddRange(sequencer.Abort(version));
                    open.Remove(version);
                    settled.Add(version);
                }
                batch = abandonedBatch;
            }

            released.AddRange(batch);
            var unsettled = open.Count == 0 ? long.MaxValue : open.Min();
            Assert.All(batch, change => Assert.True(change.Version < unsettled, $"seed {seed}: version {change.Version} released while {unsettled} unsettled"));
            Assert.Equal(Math.Min(unsettled - 1, sequencer.Next - 1), sequencer.Released);
        }

        foreach (var version in open.ToList()) released.AddRange(random.Next(2) == 0 ? sequencer.Abort(version) : sequencer.Commit(version, committed[version] = $"change-{version}"));

        var versions = Versions(released);
        Assert.True(versions.Zip(versions.Skip(1)).All(p => p.First < p.Second), $"seed {seed}: releases out of order");
        Assert.Equal(committed.Select(c => (c.Key, c.Value)), released);
        Assert.Equal(sequencer.Next - 1, sequencer.Released);
        Assert.Equal(0, sequencer.PendingCount);
        Assert.True(versions.All(v => v >= first));

        var retained = released.Where(c => c.Version > sequencer.ForgottenThrough).ToList();
        Assert.True(retained.Count <= historyLimit);
        for (var after = sequencer.ForgottenThrough; after <= sequencer.Released; after++)
        {
            var resume = after;
            Assert.Equal(released.Where(c => c.Version > resume), sequencer.ChangesAfter(resume)!);
        }
        Assert.Null(sequencer.ChangesAfter(sequencer.ForgottenThrough - 1));
    }
}
