using OrleansOrchestrator.Chaos;

namespace OrleansOrchestrator.EndToEnd.Tests.HighAvailability;

/// <summary>The chaos harness's verdicts on made-up histories (no process): what counts as a lost write or a gapped watch.</summary>
public sealed class ChaosChecksTests
{
    private static readonly DateTime At = DateTime.UtcNow;

    [Fact]
    public void AWriteIsLost_WhenTheListLacksItOrHoldsOlderContent_NotWhenItHoldsALaterOne()
    {
        AcknowledgedWrite[] acknowledged = [new("a", 1, 10, At), new("a", 3, 12, At), new("b", 2, 11, At), new("c", 4, 13, At)];
        var listed = new Dictionary<string, (long, long)> { ["a"] = (5, 15), ["b"] = (1, 9) };

        var lost = ChaosWriter.Lost(acknowledged, listed).ToList();

        Assert.Equal(2, lost.Count);
        Assert.Contains(lost, l => l.StartsWith("b:", StringComparison.Ordinal));
        Assert.Contains(lost, l => l.StartsWith("c:", StringComparison.Ordinal) && l.Contains("missing"));
    }

    [Fact]
    public void AWatchGapped_WhenALaterEventArrivedButAnAcknowledgedWriteBetweenDidNot()
    {
        var segment = new WatchSegment(0, 10, new Dictionary<string, (long, long)>());
        segment.Events.Add(new WatchEvent("MODIFIED", "a", 1, 11));
        segment.Events.Add(new WatchEvent("MODIFIED", "a", 3, 13));
        AcknowledgedWrite[] acknowledged = [new("a", 1, 11, At), new("b", 2, 12, At), new("a", 3, 13, At), new("c", 4, 14, At)];

        var violations = WatchCheck.Violations(0, [segment], acknowledged).ToList();

        // b@12 was skipped; c@14 came after the last delivered version, which is the silence check's business.
        var violation = Assert.Single(violations);
        Assert.Contains("b@12", violation);
    }

    [Fact]
    public void AWatchOutOfOrder_IsAViolation_ARelistedOneThatSawEverythingIsNot()
    {
        var backwards = new WatchSegment(0, 10, new Dictionary<string, (long, long)>());
        backwards.Events.Add(new WatchEvent("MODIFIED", "a", 2, 12));
        backwards.Events.Add(new WatchEvent("MODIFIED", "b", 1, 11));
        Assert.Contains(WatchCheck.Violations(0, [backwards], []), v => v.Contains("after version 12"));

        var first = new WatchSegment(0, 10, new Dictionary<string, (long, long)>()) { End = "ERROR 410 Expired" };
        first.Events.Add(new WatchEvent("MODIFIED", "a", 1, 11));
        var second = new WatchSegment(1, 12, new Dictionary<string, (long, long)>());
        second.Events.Add(new WatchEvent("MODIFIED", "a", 3, 13));
        AcknowledgedWrite[] acknowledged = [new("a", 1, 11, At), new("a", 2, 12, At), new("a", 3, 13, At)];
        Assert.Empty(WatchCheck.Violations(0, [first, second], acknowledged));
    }

    [Fact]
    public void DockerNode_TwoPodsEachRunningOnce_Passes_AMissingADuplicateAndAnOrphanContainer_AreEachAViolation()
    {
        ListedPod[] pods = [new("a", "dn", "Running", true, false), new("b", "dn", "Running", true, false)];
        EngineContainer[] whole = [new("1", "chaos", "a", true), new("2", "chaos", "a", false), new("3", "chaos", "b", true), new("4", "chaos", "b", false)];
        Assert.Empty(DockerNodeCheck.Violations("dn", "chaos", 2, 1, pods, whole));

        EngineContainer[] broken = [new("2", "chaos", "a", false), new("5", "chaos", "a", false), new("6", "chaos", "gone", false)];
        var violations = DockerNodeCheck.Violations("dn", "chaos", 2, 1, pods, broken).ToList();

        Assert.Equal(3, violations.Count);
        Assert.Contains(violations, v => v.Contains("pod a has 2 running containers"));
        Assert.Contains(violations, v => v.Contains("pod b has 0 running containers"));
        Assert.Contains(violations, v => v.Contains("chaos/gone") && v.Contains("orphan"));
    }

    [Fact]
    public void DockerNode_APodElsewhere_NotReady_OrOneTooMany_IsAViolation()
    {
        EngineContainer[] running = [new("1", "chaos", "a", false), new("2", "chaos", "b", false), new("3", "chaos", "c", false)];
        ListedPod[] pods = [new("a", "dn", "Running", true, false), new("b", "sim-0", "Running", true, false), new("c", "dn", "Pending", false, false)];

        var violations = DockerNodeCheck.Violations("dn", "chaos", 2, 1, pods, running).ToList();

        Assert.Contains(violations, v => v.Contains("3 pods of the Deployment"));
        Assert.Contains(violations, v => v.Contains("pod b is on 'sim-0'"));
        Assert.Contains(violations, v => v.Contains("pod c is Pending, not Ready"));
    }

    [Fact]
    public void DockerNode_NotReady_UnlessItsReadyConditionIsTrue()
    {
        Assert.Null(DockerNodeCheck.NotReady(System.Text.Json.Nodes.JsonNode.Parse("""{"status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}]}}""")));
        Assert.Contains("NodeStatusUnknown", DockerNodeCheck.NotReady(System.Text.Json.Nodes.JsonNode.Parse(
            """{"status":{"conditions":[{"type":"Ready","status":"Unknown","reason":"NodeStatusUnknown","message":"Kubelet stopped posting node status."}]}}""")));
        Assert.Equal("no Ready condition", DockerNodeCheck.NotReady(System.Text.Json.Nodes.JsonNode.Parse("""{"status":{}}""")));
    }
}
