using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Silo.Api.Patching;
using OrleansOrchestrator.Silo.Controllers.Revisions;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Revisions;

/// <summary>Kubernetes' controller_history_test.go and stateful_set_control_test.go (getStatefulSetRevisions, truncateHistory) cases.</summary>
public class ControllerRevisionsTests
{
    private static readonly StatefulSet Owner = new()
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "default", Uid = "uid-web", Annotations = new Dictionary<string, string> { ["kubernetes.io/change-cause"] = "first" } },
    };

    private static PodTemplateSpec Template(string image, Dictionary<string, string>? annotations = null) => new()
    {
        Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" }, Annotations = annotations },
        Spec = new PodSpec { Containers = [new Container { Name = "web", Image = image }] },
    };

    private static ControllerRevision Revision(string image, long number) =>
        ControllerRevisions.New(Owner, Template(image), number, 0) with { Metadata = ControllerRevisions.New(Owner, Template(image), number, 0).Metadata with { CreationTimestamp = DateTimeOffset.UnixEpoch.AddSeconds(number) } };

    [Fact]
    public void New_NamesLabelsAndOwnsTheRevision()
    {
        var revision = ControllerRevisions.New(Owner, Template("nginx:1"), 3, 0);

        var hash = ControllerRevisions.Hash(Template("nginx:1"), 0);
        Assert.Equal($"web-{hash}", revision.Metadata.Name);
        Assert.Equal(3, revision.Revision);
        Assert.Equal(hash, revision.Metadata.Labels!["controller-revision-hash"]);
        Assert.Equal("web", revision.Metadata.Labels!["app"]);
        Assert.Equal("first", revision.Metadata.Annotations!["kubernetes.io/change-cause"]);
        var owner = Assert.Single(revision.Metadata.OwnerReferences!);
        Assert.Equal(("uid-web", true), (owner.Uid, owner.Controller == true));
    }

    [Fact]
    public void Hash_DependsOnTemplateAndCollisionCount_NotOnEmptyValues()
    {
        var withEmpties = Template("nginx:1") with { Metadata = Template("nginx:1").Metadata! with { Annotations = new Dictionary<string, string>() } };

        Assert.Equal(ControllerRevisions.Hash(Template("nginx:1"), 0), ControllerRevisions.Hash(withEmpties, 0));
        Assert.NotEqual(ControllerRevisions.Hash(Template("nginx:1"), 0), ControllerRevisions.Hash(Template("nginx:2"), 0));
        Assert.NotEqual(ControllerRevisions.Hash(Template("nginx:1"), 0), ControllerRevisions.Hash(Template("nginx:1"), 1));
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]+$", ControllerRevisions.Hash(Template("nginx:1"), null));
    }

    [Fact]
    public void Data_IsTheReplacingTemplatePatchKubectlSends_AndRoundTrips()
    {
        var revision = ControllerRevisions.New(Owner, Template("nginx:1"), 1, 0);

        var json = JsonSerializer.SerializeToNode(revision, KubeJson.Options)!;
        Assert.Equal("replace", json["data"]!["spec"]!["template"]!["$patch"]!.GetValue<string>());
        Assert.Equal("nginx:1", json["data"]!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.True(ControllerRevisions.Saves(revision, Template("nginx:1")));
        Assert.False(ControllerRevisions.Saves(revision, Template("nginx:2")));
        Assert.Equal("nginx:1", ControllerRevisions.TemplateOf(revision).Spec.Containers[0].Image);
    }

    [Fact]
    public void Data_AppliedAsStrategicMergePatch_ReplacesTheWholeTemplate()
    {
        // What `kubectl rollout undo statefulset/web` sends: the revision's data, over a template with more in it.
        var live = JsonSerializer.SerializeToNode(new StatefulSet
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new StatefulSetSpec
            {
                Replicas = 3,
                Template = Template("nginx:2", new Dictionary<string, string> { ["kubectl.kubernetes.io/restartedAt"] = "now" }) with
                {
                    Spec = new PodSpec { Containers = [new Container { Name = "web", Image = "nginx:2" }, new Container { Name = "sidecar", Image = "busybox" }] },
                },
            },
        }, KubeJson.Options)!;
        var patch = JsonSerializer.SerializeToNode(ControllerRevisions.New(Owner, Template("nginx:1"), 1, 0).Data, KubeJson.Options)!.AsObject();

        var result = StrategicMergePatch.Apply(live, patch, KubernetesMergeKeys.Instance);

        var template = result["spec"]!["template"]!;
        Assert.Null(template["$patch"]);
        Assert.Null(template["metadata"]!["annotations"]);
        var container = Assert.Single(template["spec"]!["containers"]!.AsArray());
        Assert.Equal("nginx:1", container!["image"]!.GetValue<string>());
        Assert.Equal(3, result["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public void ChooseUpdateRevision_NoHistory_CreatesRevisionOne()
    {
        var choice = ControllerRevisions.ChooseUpdateRevision([], Template("nginx:1"));

        Assert.Equal((null, 1L), (choice.Existing, choice.Number));
    }

    [Fact]
    public void ChooseUpdateRevision_TemplateOfTheNewest_ReusesItUnchanged()
    {
        var revisions = ControllerRevisions.Sorted([Revision("nginx:2", 2), Revision("nginx:1", 1)]);

        var choice = ControllerRevisions.ChooseUpdateRevision(revisions, Template("nginx:2"));

        Assert.Same(revisions[1], choice.Existing);
        Assert.Equal(2, choice.Number);
    }

    [Fact]
    public void ChooseUpdateRevision_TemplateOfAnOlderRevision_RenumbersItAsTheNewest()
    {
        // A rollback: the old revision comes back with a new, higher number (and its old name).
        var revisions = ControllerRevisions.Sorted([Revision("nginx:1", 1), Revision("nginx:2", 2), Revision("nginx:3", 3)]);

        var choice = ControllerRevisions.ChooseUpdateRevision(revisions, Template("nginx:1"));

        Assert.Same(revisions[0], choice.Existing);
        Assert.Equal(4, choice.Number);
    }

    [Fact]
    public void ChooseUpdateRevision_NewTemplate_CreatesTheNextNumber()
    {
        var revisions = ControllerRevisions.Sorted([Revision("nginx:1", 1), Revision("nginx:2", 5)]);

        var choice = ControllerRevisions.ChooseUpdateRevision(revisions, Template("nginx:3"));

        Assert.Equal((null, 6L), (choice.Existing, choice.Number));
    }

    [Fact]
    public void Sorted_ByNumberThenCreationThenName()
    {
        var a = Revision("nginx:1", 2);
        var b = Revision("nginx:2", 1);
        var c = Revision("nginx:3", 2) with { Metadata = Revision("nginx:3", 2).Metadata with { CreationTimestamp = DateTimeOffset.UnixEpoch } };

        Assert.Equal([b, c, a], ControllerRevisions.Sorted([a, b, c]));
    }

    [Fact]
    public void ToTruncate_KeepsLiveRevisionsAndTheNewestUpToTheLimit()
    {
        // Kubernetes' TestStatefulSetControlLimitsHistory: history beyond the limit goes, oldest first, but never a revision in use.
        var revisions = ControllerRevisions.Sorted(Enumerable.Range(1, 6).Select(i => Revision($"nginx:{i}", i)));
        var live = new HashSet<string> { revisions[0].Metadata.Name!, revisions[5].Metadata.Name! };

        var doomed = ControllerRevisions.ToTruncate(revisions, live, 2);

        Assert.Equal([revisions[1], revisions[2]], doomed);
    }

    [Fact]
    public void ToTruncate_RevisionInUseByHash_IsLive()
    {
        // DaemonSet pods carry the hash, not the revision's name.
        var revisions = ControllerRevisions.Sorted([Revision("nginx:1", 1), Revision("nginx:2", 2)]);
        var live = new HashSet<string> { revisions[0].Metadata.Labels!["controller-revision-hash"], revisions[1].Metadata.Name! };

        Assert.Empty(ControllerRevisions.ToTruncate(revisions, live, 0));
    }

    [Fact]
    public void ToTruncate_WithinTheLimit_DeletesNothing()
    {
        var revisions = ControllerRevisions.Sorted([Revision("nginx:1", 1), Revision("nginx:2", 2)]);

        Assert.Empty(ControllerRevisions.ToTruncate(revisions, new HashSet<string>(), 2));
    }
}
