using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class RolloutTimelineTests
{
    private static readonly DateTimeOffset T0 = Created;

    [Fact]
    public void Record_IdenticalCounts_KeepsOneSample()
    {
        var timeline = new RolloutTimeline();

        Assert.True(timeline.Record(T0, [Revision(1, pods: 3, ready: 3)]));
        Assert.False(timeline.Record(T0.AddSeconds(1), [Revision(1, pods: 3, ready: 3)]));

        Assert.Single(timeline.Samples);
    }

    [Fact]
    public void Record_ChangedCounts_AddsSamplesInOrder()
    {
        var timeline = new RolloutTimeline();

        timeline.Record(T0, [Revision(1, 3, 3)]);
        timeline.Record(T0.AddSeconds(1), [Revision(2, 1, 0), Revision(1, 3, 3)]);
        timeline.Record(T0.AddSeconds(2), [Revision(2, 1, 1), Revision(1, 3, 3)]);
        timeline.Record(T0.AddSeconds(3), [Revision(2, 1, 1), Revision(1, 2, 2)]);

        Assert.Equal(4, timeline.Samples.Count);
        Assert.Equal((1, 1), timeline.Samples[^1].ByRevision[2]);
        Assert.Equal((2, 2), timeline.Samples[^1].ByRevision[1]);
        Assert.Equal([1L, 2L], timeline.Revisions);
    }

    [Fact]
    public void Record_RevisionAppearsOrGoes_CountsAsAChange()
    {
        var timeline = new RolloutTimeline();
        timeline.Record(T0, [Revision(1, 3, 3)]);

        Assert.True(timeline.Record(T0.AddSeconds(1), [Revision(1, 3, 3), Revision(2, 0, 0)]));
        Assert.True(timeline.Record(T0.AddSeconds(2), [Revision(2, 0, 0)]));
    }

    [Fact]
    public void Record_BeyondCapacity_DropsOldestSamples()
    {
        var timeline = new RolloutTimeline(capacity: 3);

        for (var i = 0; i < 5; i++) timeline.Record(T0.AddSeconds(i), [Revision(1, i, 0)]);

        Assert.Equal([T0.AddSeconds(2), T0.AddSeconds(3), T0.AddSeconds(4)], timeline.Samples.Select(s => s.At));
    }

    private static Revision Revision(long number, int pods, int ready)
    {
        var rs = ReplicaSet($"web-{number}", number, "uid", "nginx", replicas: pods, ready: ready);
        return new Revision(number, rs.Metadata.Name!, ["nginx"], pods, ready, false, rs);
    }
}
