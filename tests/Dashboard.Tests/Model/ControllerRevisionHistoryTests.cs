using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.WorkloadObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class ControllerRevisionHistoryTests
{
    private static readonly ControllerRevision[] Revisions =
    [
        Revision("StatefulSet", "db", 1, "aaa", "mysql:7"),
        Revision("StatefulSet", "db", 3, "ccc", "mysql:8.1"),
        Revision("StatefulSet", "db", 2, "bbb", "mysql:8"),
        Revision("StatefulSet", "other", 9, "zzz", "redis:7"),
        Revision("DaemonSet", "db", 7, "ddd", "fluentd:1"),
    ];

    [Fact]
    public void Of_OwnedRevisions_NewestFirstNewestCurrent()
    {
        var rows = ControllerRevisionHistory.Of(StatefulSet("db"), Revisions);

        Assert.Equal([3L, 2L, 1L], rows.Select(r => r.Number));
        Assert.Equal(["db-ccc", "db-bbb", "db-aaa"], rows.Select(r => r.Name));
        Assert.Equal(["ccc", "bbb", "aaa"], rows.Select(r => r.Hash));
        Assert.Equal([true, false, false], rows.Select(r => r.Current));
        Assert.Equal(["mysql:8.1"], rows[0].Images);
    }

    [Fact]
    public void Of_StatusNamesTheUpdateRevision_ThatOneIsCurrent() =>
        Assert.Equal([false, true, false], ControllerRevisionHistory.Of(StatefulSet("db"), Revisions, "db-bbb").Select(r => r.Current));

    [Fact]
    public void Rollback_TheRevisionsDataAsItIs_TemplateReplacedNotMerged()
    {
        var patch = WorkloadPatches.Rollback(Revisions[0]);

        Assert.Equal("replace", (string?)patch["spec"]!["template"]!["$patch"]);
        Assert.Equal("mysql:7", (string?)patch["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Equal(["spec"], patch.Select(p => p.Key));
    }

    [Fact]
    public void Suspend_MergePatchOfSpecSuspend() =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"spec":{"suspend":true}}"""), WorkloadPatches.Suspend(true)));
}
