using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Tests.Store;

public class ObjectSemanticsTests
{
    private static readonly DateTimeOffset Created = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static Deployment Stored(int replicas = 2, string image = "nginx:1.25") => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new ObjectMeta
        {
            Name = "web",
            Namespace = "default",
            Uid = "uid-1",
            ResourceVersion = "17",
            Generation = 3,
            CreationTimestamp = Created,
            Labels = new Dictionary<string, string> { ["app"] = "web" },
        },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new PodSpec { Containers = [new Container { Name = "app", Image = image }] },
            },
        },
        Status = new DeploymentStatus { ObservedGeneration = 3, Replicas = 2, ReadyReplicas = 2 },
    };

    private static Deployment Update(KubeObject stored, KubeObject incoming, Subresource subresource = Subresource.Main) =>
        (Deployment)ObjectSemantics.PrepareUpdate(stored, incoming, ResourceKinds.Deployment, subresource);

    [Fact]
    public void PrepareCreate_ClientMetadata_ServerOwnedFieldsSet()
    {
        var incoming = new Deployment
        {
            Metadata = new ObjectMeta
            {
                Name = "ignored",
                Uid = "client-uid",
                ResourceVersion = "999",
                Generation = 42,
                DeletionTimestamp = Created,
                DeletionGracePeriodSeconds = 5,
                Labels = new Dictionary<string, string> { ["app"] = "web" },
            },
        };
        var now = Created.AddTicks(6_789_000);

        var created = ObjectSemantics.PrepareCreate(incoming, ResourceKinds.Deployment, "web", "prod", now, "uid-new");

        Assert.Equal("apps/v1", created.ApiVersion);
        Assert.Equal("Deployment", created.Kind);
        Assert.Equal("web", created.Metadata.Name);
        Assert.Equal("prod", created.Metadata.Namespace);
        Assert.Equal("uid-new", created.Metadata.Uid);
        Assert.Null(created.Metadata.ResourceVersion);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(Created, created.Metadata.CreationTimestamp);
        Assert.Null(created.Metadata.DeletionTimestamp);
        Assert.Null(created.Metadata.DeletionGracePeriodSeconds);
        Assert.Equal("web", created.Metadata.Labels!["app"]);
    }

    [Fact]
    public void PrepareCreate_ClusterScopedKind_NoNamespace()
    {
        var created = ObjectSemantics.PrepareCreate(new Node(), ResourceKinds.Node, "n1", "default", Created, "u");

        Assert.Null(created.Metadata.Namespace);
        Assert.Equal("v1", created.ApiVersion);
        Assert.Equal("Node", created.Kind);
    }

    [Fact]
    public void PrepareCreate_KindWithoutSpec_NoGeneration()
    {
        var created = ObjectSemantics.PrepareCreate(new ConfigMap(), ResourceKinds.ConfigMap, "cfg", "default", Created, "u");

        Assert.Null(created.Metadata.Generation);
    }

    [Fact]
    public void PrepareUpdate_SpecChanged_GenerationBumped()
    {
        var updated = Update(Stored(), Stored(replicas: 5));

        Assert.Equal(4, updated.Metadata.Generation);
        Assert.Equal(5, updated.Spec.Replicas);
    }

    [Fact]
    public void PrepareUpdate_TemplateImageChanged_GenerationBumped()
    {
        Assert.Equal(4, Update(Stored(), Stored(image: "nginx:1.26")).Metadata.Generation);
    }

    [Fact]
    public void PrepareUpdate_OnlyLabelsAndAnnotationsChanged_GenerationKept()
    {
        var incoming = Stored() with
        {
            Metadata = Stored().Metadata with
            {
                Labels = new Dictionary<string, string> { ["app"] = "web", ["team"] = "blue" },
                Annotations = new Dictionary<string, string> { ["kubernetes.io/change-cause"] = "relabel" },
            },
        };

        var updated = Update(Stored(), incoming);

        Assert.Equal(3, updated.Metadata.Generation);
        Assert.Equal("blue", updated.Metadata.Labels!["team"]);
        Assert.Equal("relabel", updated.Metadata.Annotations!["kubernetes.io/change-cause"]);
    }

    [Fact]
    public void PrepareUpdate_OnlyStatusChangedThroughMainPath_StatusIgnoredGenerationKept()
    {
        var incoming = Stored() with { Status = new DeploymentStatus { Replicas = 99, ReadyReplicas = 99 } };

        var updated = Update(Stored(), incoming);

        Assert.Equal(3, updated.Metadata.Generation);
        Assert.Equal(2, updated.Status!.Replicas);
        Assert.Equal(2, updated.Status.ReadyReplicas);
    }

    [Fact]
    public void PrepareUpdate_IncomingWithoutStatus_StoredStatusKept()
    {
        var updated = Update(Stored(), Stored(replicas: 3) with { Status = null });

        Assert.Equal(3, updated.Status!.ObservedGeneration);
    }

    [Fact]
    public void PrepareUpdate_SameSpecRepeatedly_GenerationNeverMoves()
    {
        KubeObject current = Stored();
        for (var i = 0; i < 3; i++) current = Update(current, Stored());

        Assert.Equal(3, current.Metadata.Generation);
    }

    [Fact]
    public void PrepareUpdate_ClientChangesServerOwnedMetadata_StoredValuesKept()
    {
        var incoming = Stored() with
        {
            ApiVersion = "apps/v1beta1",
            Kind = "Other",
            Metadata = Stored().Metadata with
            {
                Name = "renamed",
                Namespace = "elsewhere",
                Uid = "forged",
                ResourceVersion = "1",
                Generation = 100,
                CreationTimestamp = Created.AddDays(-30),
                DeletionTimestamp = Created,
                DeletionGracePeriodSeconds = 0,
            },
        };

        var updated = Update(Stored(), incoming);

        Assert.Equal("apps/v1", updated.ApiVersion);
        Assert.Equal("Deployment", updated.Kind);
        Assert.Equal("web", updated.Metadata.Name);
        Assert.Equal("default", updated.Metadata.Namespace);
        Assert.Equal("uid-1", updated.Metadata.Uid);
        Assert.Equal("17", updated.Metadata.ResourceVersion);
        Assert.Equal(3, updated.Metadata.Generation);
        Assert.Equal(Created, updated.Metadata.CreationTimestamp);
        Assert.Null(updated.Metadata.DeletionTimestamp);
        Assert.Null(updated.Metadata.DeletionGracePeriodSeconds);
    }

    [Fact]
    public void PrepareUpdate_ClientRemovesFinalizers_Removed()
    {
        var stored = Stored() with { Metadata = Stored().Metadata with { Finalizers = ["example.com/cleanup"] } };

        var updated = Update(stored, Stored());

        Assert.False(ObjectSemantics.HasFinalizers(updated));
    }

    [Fact]
    public void PrepareUpdate_StatusSubresource_OnlyStatusTaken()
    {
        var incoming = Stored(replicas: 9, image: "evil:latest") with
        {
            Metadata = Stored().Metadata with { Labels = new Dictionary<string, string> { ["hijacked"] = "yes" }, Uid = "forged" },
            Status = new DeploymentStatus { ObservedGeneration = 3, Replicas = 2, ReadyReplicas = 1, UpdatedReplicas = 2 },
        };

        var updated = Update(Stored(), incoming, Subresource.Status);

        Assert.Equal(1, updated.Status!.ReadyReplicas);
        Assert.Equal(2, updated.Status.UpdatedReplicas);
        Assert.Equal(2, updated.Spec.Replicas);
        Assert.Equal("nginx:1.25", updated.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(["app"], updated.Metadata.Labels!.Keys);
        Assert.Equal("uid-1", updated.Metadata.Uid);
        Assert.Equal(3, updated.Metadata.Generation);
    }

    [Fact]
    public void PrepareUpdate_KindWithoutSpecOrStatus_IncomingDataTakenNoGeneration()
    {
        var stored = new ConfigMap { Metadata = new ObjectMeta { Name = "cfg", Namespace = "default", Uid = "u" }, Data = new Dictionary<string, string> { ["a"] = "1" } };
        var incoming = new ConfigMap { Metadata = new ObjectMeta { Name = "cfg" }, Data = new Dictionary<string, string> { ["a"] = "2" } };

        var updated = (ConfigMap)ObjectSemantics.PrepareUpdate(stored, incoming, ResourceKinds.ConfigMap, Subresource.Main);

        Assert.Equal("2", updated.Data!["a"]);
        Assert.Null(updated.Metadata.Generation);
        Assert.Equal("u", updated.Metadata.Uid);
        Assert.Equal("default", updated.Metadata.Namespace);
    }

    [Fact]
    public void PrepareUpdate_PodSpecChanged_GenerationBumpedFromOne()
    {
        var stored = (Pod)ObjectSemantics.PrepareCreate(
            new Pod { Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "nginx:1.25" }] } },
            ResourceKinds.Pod, "p", "default", Created, "u");
        var incoming = stored with { Spec = stored.Spec with { ActiveDeadlineSeconds = 60 } };

        var updated = ObjectSemantics.PrepareUpdate(stored, incoming, ResourceKinds.Pod, Subresource.Main);

        Assert.Equal(2, updated.Metadata.Generation);
    }

    [Fact]
    public void MarkDeleted_LiveObject_DeletionTimestampWholeSecondsAndGrace()
    {
        var deleted = ObjectSemantics.MarkDeleted(Stored(), Created.AddMilliseconds(900), 30);

        Assert.Equal(Created, deleted.Metadata.DeletionTimestamp);
        Assert.Equal(30, deleted.Metadata.DeletionGracePeriodSeconds);
    }

    [Fact]
    public void MarkDeleted_NoGracePeriod_Zero()
    {
        Assert.Equal(0, ObjectSemantics.MarkDeleted(Stored(), Created, null).Metadata.DeletionGracePeriodSeconds);
    }

    [Fact]
    public void MarkDeleted_AlreadyDeleting_FirstTimestampKept_OnlyAShorterGraceApplies()
    {
        var first = ObjectSemantics.MarkDeleted(Stored(), Created, 30);

        var longer = ObjectSemantics.MarkDeleted(first, Created.AddMinutes(5), 60);
        var shorter = ObjectSemantics.MarkDeleted(first, Created.AddMinutes(5), 0);

        Assert.Same(first, longer);
        Assert.Equal(Created, shorter.Metadata.DeletionTimestamp);
        // As Kubernetes: a shorter grace period shortens the deletion (an agent's final zero ends a pod a finalizer holds).
        Assert.Equal(0, shorter.Metadata.DeletionGracePeriodSeconds);
    }

    [Fact]
    public void HasFinalizers_EmptyOrMissingList_False()
    {
        Assert.False(ObjectSemantics.HasFinalizers(new Pod()));
        Assert.False(ObjectSemantics.HasFinalizers(new Pod { Metadata = new ObjectMeta { Finalizers = [] } }));
        Assert.True(ObjectSemantics.HasFinalizers(new Pod { Metadata = new ObjectMeta { Finalizers = ["kubernetes"] } }));
    }

    private static Pod BoundPod(string? node = "n1", string phase = "Running") => Samples.Pod() with
    {
        Spec = Samples.PodSpec() with { NodeName = node, TerminationGracePeriodSeconds = 30 },
        Status = new PodStatus { Phase = phase },
    };

    [Fact]
    public void NeedsGracefulTermination_RunningPodOnANode_True()
    {
        Assert.True(ObjectSemantics.NeedsGracefulTermination(BoundPod(), null));
        Assert.True(ObjectSemantics.NeedsGracefulTermination(BoundPod(), 5));
    }

    [Fact]
    public void NeedsGracefulTermination_ForceDeleteWithZeroGrace_False()
    {
        Assert.False(ObjectSemantics.NeedsGracefulTermination(BoundPod(), 0));
        Assert.False(ObjectSemantics.NeedsGracefulTermination(BoundPod() with { Spec = BoundPod().Spec with { TerminationGracePeriodSeconds = 0 } }, null));
    }

    [Theory]
    [InlineData(null, "Pending")]
    [InlineData("", "Pending")]
    [InlineData("n1", "Succeeded")]
    [InlineData("n1", "Failed")]
    public void NeedsGracefulTermination_UnscheduledOrFinishedPod_False(string? node, string phase)
    {
        Assert.False(ObjectSemantics.NeedsGracefulTermination(BoundPod(node, phase), null));
    }

    [Fact]
    public void NeedsGracefulTermination_NotAPod_False()
    {
        Assert.False(ObjectSemantics.NeedsGracefulTermination(Stored(), 30));
    }

    [Fact]
    public void ForbiddenChange_ImageActiveDeadlineAndAddedToleration_Allowed()
    {
        var before = BoundPod();
        var after = before with
        {
            Spec = before.Spec with
            {
                Containers = [before.Spec.Containers[0] with { Image = "nginx:1.26" }],
                ActiveDeadlineSeconds = 600,
                Tolerations = [new Toleration { Key = "dedicated", Operator = "Exists" }],
            },
        };

        Assert.Null(ObjectSemantics.ForbiddenChange(before, after));
    }

    [Fact]
    public void ForbiddenChange_BindingAnUnscheduledPod_Allowed()
    {
        Assert.Null(ObjectSemantics.ForbiddenChange(BoundPod(node: null, phase: "Pending"), BoundPod(node: "n1", phase: "Pending")));
    }

    [Fact]
    public void ForbiddenChange_MovingABoundPod_ForbiddenOnNodeName()
    {
        var cause = ObjectSemantics.ForbiddenChange(BoundPod("n1"), BoundPod("n2"));

        Assert.Equal("spec.nodeName", cause?.Field);
        Assert.Equal("FieldValueForbidden", cause?.Reason);
    }

    [Fact]
    public void ForbiddenChange_OtherPodSpecField_ForbiddenOnSpec()
    {
        var before = BoundPod();
        var after = before with { Spec = before.Spec with { Containers = [before.Spec.Containers[0] with { Env = [new EnvVar { Name = "A", Value = "1" }] }] } };

        var cause = ObjectSemantics.ForbiddenChange(before, after);

        Assert.Equal("spec", cause?.Field);
        Assert.StartsWith("Forbidden: pod updates may not change fields other than", cause?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForbiddenChange_RemovingAToleration_Forbidden()
    {
        // Kubernetes allows only additions to a pod's tolerations.
        var before = BoundPod() with { Spec = BoundPod().Spec with { Tolerations = [new Toleration { Key = "dedicated", Operator = "Exists" }] } };
        var after = before with { Spec = before.Spec with { Tolerations = [] } };

        Assert.NotNull(ObjectSemantics.ForbiddenChange(before, after));
    }

    [Fact]
    public void ForbiddenChange_NotAPod_Null()
    {
        Assert.Null(ObjectSemantics.ForbiddenChange(Stored(), Stored(replicas: 7, image: "other")));
    }

    [Fact]
    public void SameContent_EqualButSeparatelyBuiltObjects_True()
    {
        Assert.True(ObjectSemantics.SameContent(Stored(), Stored()));
        Assert.True(ObjectSemantics.SameContent(Stored(), KubeJson.Clone(Stored())));
    }

    [Fact]
    public void SameContent_AnyVisibleDifference_False()
    {
        Assert.False(ObjectSemantics.SameContent(Stored(), Stored(replicas: 3)));
        Assert.False(ObjectSemantics.SameContent(Stored(), Stored() with { Status = null }));
        Assert.False(ObjectSemantics.SameContent(Stored(), Stored() with { Metadata = Stored().Metadata with { Annotations = new Dictionary<string, string> { ["a"] = "b" } } }));
    }

    [Fact]
    public void WithStatusOf_DifferentKinds_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() => ObjectSemantics.WithStatusOf(new Pod(), new Deployment()));
    }
}
