using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class RolloutHistoryTests
{
    private static readonly Deployment Web = Deployment("web", revision: 3);
    private static readonly string WebUid = Web.Metadata.Uid!;

    [Fact]
    public void Of_OwnedReplicaSets_NewestFirstWithCurrentFlag()
    {
        ReplicaSet[] replicaSets =
        [
            ReplicaSet("web-aaa", 1, WebUid, "nginx:1.25"),
            ReplicaSet("web-ccc", 3, WebUid, "nginx:1.27", replicas: 3, ready: 2),
            ReplicaSet("web-bbb", 2, WebUid, "nginx:1.26"),
        ];

        var revisions = RolloutHistory.Of(Web, replicaSets);

        Assert.Equal([3L, 2L, 1L], revisions.Select(r => r.Number));
        Assert.Equal(["web-ccc", "web-bbb", "web-aaa"], revisions.Select(r => r.ReplicaSetName));
        Assert.Equal([true, false, false], revisions.Select(r => r.Current));
        Assert.Equal(["nginx:1.27"], revisions[0].Images);
        Assert.Equal((3, 2), (revisions[0].Replicas, revisions[0].Ready));
    }

    [Fact]
    public void Of_ReplicaSetsNotControlledByThisDeployment_Left()
    {
        ReplicaSet[] replicaSets =
        [
            ReplicaSet("web-aaa", 1, WebUid, "nginx:1.25"),
            ReplicaSet("web-old", 2, "uid-of-a-deleted-web", "nginx:1.26"), // same name, earlier incarnation
            ReplicaSet("web-ref", 4, WebUid, "nginx:1.26", controller: false), // owned, but not as controller
            ReplicaSet("web-elsewhere", 5, WebUid, "nginx:1.26", ns: "other"),
        ];

        var revisions = RolloutHistory.Of(Web, replicaSets);

        Assert.Equal(["web-aaa"], revisions.Select(r => r.ReplicaSetName));
    }

    [Fact]
    public void Of_ReplicaSetWithoutRevisionAnnotation_Left()
    {
        var unnumbered = ReplicaSet("web-xyz", 1, WebUid, "nginx:1.25");
        unnumbered = unnumbered with { Metadata = unnumbered.Metadata with { Annotations = null } };

        Assert.Empty(RolloutHistory.Of(Web, [unnumbered]));
    }

    [Fact]
    public void RollbackPatch_OlderRevision_ReplacesSpecTemplateWithoutTemplateHash()
    {
        var old = RolloutHistory.Of(Web, [ReplicaSet("web-aaa", 1, WebUid, "nginx:1.25"), ReplicaSet("web-ccc", 3, WebUid, "nginx:1.27")])[1];

        var patch = RolloutHistory.RollbackPatch(old);

        var operation = Assert.Single(patch)!.AsObject();
        Assert.Equal("replace", (string?)operation["op"]);
        Assert.Equal("/spec/template", (string?)operation["path"]);
        var value = operation["value"]!;
        Assert.Equal("nginx:1.25", (string?)value["spec"]!["containers"]![0]!["image"]);
        var labels = value["metadata"]!["labels"]!.AsObject();
        Assert.Equal("web", (string?)labels["app"]);
        Assert.False(labels.ContainsKey(DeploymentAnnotations.PodTemplateHashLabel));
        // The ReplicaSet itself keeps its hash: the patch is built from a copy.
        Assert.True(old.ReplicaSet.Spec.Template!.Metadata!.Labels!.ContainsKey(DeploymentAnnotations.PodTemplateHashLabel));
    }

    [Fact]
    public void RollbackPatch_ReplicaSetWithoutTemplate_Throws()
    {
        var rs = ReplicaSet("web-aaa", 1, WebUid, "nginx:1.25");
        var revision = RolloutHistory.Of(Web, [rs with { Spec = rs.Spec with { Template = null } }]).Single();

        Assert.Throws<InvalidOperationException>(() => RolloutHistory.RollbackPatch(revision));
    }
}
