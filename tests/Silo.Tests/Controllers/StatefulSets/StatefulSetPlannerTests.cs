using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.StatefulSets;

namespace OrleansOrchestrator.Silo.Tests.Controllers.StatefulSets;

/// <summary>Kubernetes' stateful_set_control_test.go cases, pass by pass.</summary>
public class StatefulSetPlannerTests
{
    private static StatefulSet Parallel(StatefulSet set) => set with { Spec = set.Spec with { PodManagementPolicy = "Parallel" } };

    [Fact]
    public void OrderedReady_CreatesOnePodAtATime_OnlyAfterTheLowerOnesAreRunningAndReady()
    {
        // TestStatefulSetControlCreatesPods / scaleUpStatefulSetControl.
        var cluster = new StatefulSetCluster();

        cluster.Pass();
        Assert.Equal(["web-0"], cluster.Created());

        cluster.Pass(); // web-0 is Pending: nothing more
        Assert.Equal(["web-0"], cluster.Created());

        cluster.MakeNotReady("web-0");
        cluster.Pass(); // Running but not Ready: still nothing
        Assert.Equal(["web-0"], cluster.Created());

        cluster.MakeReady("web-0");
        cluster.Pass();
        Assert.Equal(["web-0", "web-1"], cluster.Created());

        cluster.Settle();
        Assert.Equal(["web-0", "web-1", "web-2"], cluster.Created());
        Assert.Equal(3, cluster.Set.Status!.ReadyReplicas);
        Assert.Equal(3, cluster.Set.Status.Replicas);
    }

    [Fact]
    public void NewPod_HasStableIdentityClaimsAndRevision()
    {
        var cluster = new StatefulSetCluster();

        cluster.Pass();

        var create = Assert.Single(cluster.Log.OfType<CreatePod>());
        var pod = create.Pod;
        Assert.Equal("web-0", pod.Metadata.Name);
        Assert.Equal("web-0", pod.Spec.Hostname);
        Assert.Equal("nginx", pod.Spec.Subdomain);
        Assert.Equal("web-0", pod.Metadata.Labels!["statefulset.kubernetes.io/pod-name"]);
        Assert.Equal("0", pod.Metadata.Labels!["apps.kubernetes.io/pod-index"]);
        Assert.Equal(cluster.Update.Metadata.Name, pod.Metadata.Labels!["controller-revision-hash"]);
        Assert.Equal("nginx", pod.Metadata.Labels!["app"]);
        Assert.Equal(("uid-web", true), (pod.Metadata.OwnerReferences![0].Uid, pod.Metadata.OwnerReferences[0].Controller == true));
        var volume = Assert.Single(pod.Spec.Volumes!);
        Assert.Equal(("www", "www-web-0"), (volume.Name, volume.PersistentVolumeClaim?.ClaimName));
        var claim = Assert.Single(create.Claims);
        Assert.Equal("www-web-0", claim.Metadata.Name);
        Assert.Equal("nginx", claim.Metadata.Labels!["app"]);
        Assert.Null(claim.Metadata.OwnerReferences); // Retain/Retain: nobody owns it
    }

    [Fact]
    public void OrdinalsStart_NamesPodsFromIt()
    {
        var cluster = new StatefulSetCluster(s => s with { Spec = s.Spec with { Ordinals = new StatefulSetOrdinals { Start = 5 } } });

        cluster.Settle();

        Assert.Equal(["web-5", "web-6", "web-7"], cluster.Created());
    }

    [Fact]
    public void DeletedPod_IsRecreatedWithTheSameNameAndClaim()
    {
        // TestStatefulSetControlReplacesPods.
        var cluster = new StatefulSetCluster();
        cluster.Settle();
        var claim = cluster.Claims["www-web-1"];

        cluster.Pods.Remove("web-1");
        cluster.Pass();

        var recreated = cluster.Log.OfType<CreatePod>().Last();
        Assert.Equal("web-1", recreated.Pod.Metadata.Name);
        Assert.Empty(recreated.Claims); // its claim is still there
        Assert.Same(claim, cluster.Claims["www-web-1"]);
    }

    [Fact]
    public void FailedPod_IsDeletedThenRecreated()
    {
        // TestStatefulSetControlRecreatesFailedPod (and Succeeded, since 1.28).
        var cluster = new StatefulSetCluster();
        cluster.Settle();

        cluster.Fail("web-1");
        cluster.Pass();
        Assert.Equal(["web-1"], cluster.Deleted(DeletionCause.Finished));
        Assert.DoesNotContain("web-1", cluster.Pods.Keys);

        cluster.Pass();
        Assert.Equal("web-1", cluster.Created().Last());
    }

    [Fact]
    public void OrderedReady_ScaleDown_FromTheHighestOrdinal_OneAtATime_WaitingForEachToGo()
    {
        var cluster = new StatefulSetCluster(s => s with { Spec = s.Spec with { Replicas = 4 } });
        cluster.Settle();
        cluster.GracefulDeletion = true;

        cluster.Scale(1);
        cluster.Pass();
        Assert.Equal(["web-3"], cluster.Deleted(DeletionCause.ScaleDown));

        cluster.Pass(); // web-3 still terminating: wait
        Assert.Equal(["web-3"], cluster.Deleted(DeletionCause.ScaleDown));

        cluster.FinishTerminating();
        cluster.Pass();
        cluster.FinishTerminating();
        cluster.Pass();
        cluster.FinishTerminating();
        Assert.Equal(["web-3", "web-2", "web-1"], cluster.Deleted(DeletionCause.ScaleDown));
        Assert.Equal(["web-0"], cluster.Pods.Keys);
        Assert.Equal(4, cluster.Claims.Count); // claims are kept on scale-down
    }

    [Fact]
    public void OrderedReady_ScaleDown_WaitsWhileAnotherPodIsUnhealthy()
    {
        var cluster = new StatefulSetCluster();
        cluster.Settle();

        cluster.MakeNotReady("web-0");
        cluster.Scale(1);
        cluster.Pass();

        Assert.Empty(cluster.Deleted(DeletionCause.ScaleDown));
    }

    [Fact]
    public void OrderedReady_ScaleDown_MayDeleteTheLowestUnhealthyCondemnedPod()
    {
        var cluster = new StatefulSetCluster();
        cluster.Settle();

        cluster.MakeNotReady("web-2");
        cluster.Scale(2);
        cluster.Pass();

        Assert.Equal(["web-2"], cluster.Deleted(DeletionCause.ScaleDown));
    }

    [Fact]
    public void Parallel_CreatesAndDeletesAllAtOnce()
    {
        // TestStatefulSetControlBurstScaling.
        var cluster = new StatefulSetCluster(s => Parallel(s) with { Spec = Parallel(s).Spec with { Replicas = 5 } });

        var step = cluster.Pass();
        Assert.True(step.Burst);
        Assert.Equal(["web-0", "web-1", "web-2", "web-3", "web-4"], cluster.Created());

        cluster.Scale(2);
        cluster.Pass();
        Assert.Equal(["web-4", "web-3", "web-2"], cluster.Deleted(DeletionCause.ScaleDown));
    }

    [Fact]
    public void RollingUpdate_ReplacesFromTheHighestOrdinal_EachAfterThePreviousIsReady()
    {
        var cluster = new StatefulSetCluster();
        cluster.Settle();
        var old = cluster.Update.Metadata.Name;

        cluster.SetImage("nginx:2");
        cluster.Pass();
        Assert.Equal(["web-2"], cluster.Deleted(DeletionCause.Update));
        Assert.Equal(old, cluster.Set.Status!.CurrentRevision);
        Assert.Equal(cluster.Update.Metadata.Name, cluster.Set.Status.UpdateRevision);

        cluster.Pass(); // recreates web-2 at the update revision
        Assert.Equal(cluster.Update.Metadata.Name, cluster.RevisionOf("web-2"));
        cluster.Pass(); // web-2 not ready yet: web-1 stays
        Assert.Equal(["web-2"], cluster.Deleted(DeletionCause.Update));

        cluster.Settle();
        Assert.Equal(["web-2", "web-1", "web-0"], cluster.Deleted(DeletionCause.Update));
        Assert.All(cluster.Pods.Keys, p => Assert.Equal(cluster.Update.Metadata.Name, cluster.RevisionOf(p)));
        Assert.Equal(cluster.Update.Metadata.Name, cluster.Set.Status!.CurrentRevision);
        Assert.Equal((3, 3), (cluster.Set.Status.CurrentReplicas, cluster.Set.Status.UpdatedReplicas));
    }

    [Fact]
    public void RollingUpdate_Partition_UpdatesOnlyOrdinalsFromIt_AndKeepsTheCurrentRevision()
    {
        var cluster = new StatefulSetCluster(s => s with
        {
            Spec = s.Spec with { UpdateStrategy = new StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = 2 } } },
        });
        cluster.Settle();
        var old = cluster.Update.Metadata.Name;

        cluster.SetImage("nginx:2");
        cluster.Settle();

        Assert.Equal(["web-2"], cluster.Deleted(DeletionCause.Update));
        Assert.Equal(old, cluster.RevisionOf("web-0"));
        Assert.Equal(old, cluster.RevisionOf("web-1"));
        Assert.Equal(cluster.Update.Metadata.Name, cluster.RevisionOf("web-2"));
        Assert.Equal(old, cluster.Set.Status!.CurrentRevision);
        Assert.Equal((2, 1), (cluster.Set.Status.CurrentReplicas, cluster.Set.Status.UpdatedReplicas));

        // A pod below the partition that is deleted comes back at the current revision.
        cluster.Pods.Remove("web-0");
        cluster.Settle();
        Assert.Equal(old, cluster.RevisionOf("web-0"));
    }

    [Fact]
    public void RollingUpdate_MaxUnavailable_ReplacesThatManyAtOnce()
    {
        var cluster = new StatefulSetCluster(s => s with
        {
            Spec = s.Spec with
            {
                Replicas = 5,
                UpdateStrategy = new StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = 0, MaxUnavailable = 2 } },
            },
        });
        cluster.Settle();

        cluster.SetImage("nginx:2");
        cluster.Pass();
        Assert.Equal(["web-4", "web-3"], cluster.Deleted(DeletionCause.Update));

        cluster.Pass(); // recreates web-3 (ordered: one at a time); two unavailable: nothing else goes
        Assert.Equal(["web-4", "web-3"], cluster.Deleted(DeletionCause.Update));

        cluster.Settle();
        Assert.Equal(5, cluster.Set.Status!.UpdatedReplicas);
    }

    [Fact]
    public void OnDelete_ReplacesOnlyPodsTheUserDeletes()
    {
        var cluster = new StatefulSetCluster(s => s with { Spec = s.Spec with { UpdateStrategy = new StatefulSetUpdateStrategy { Type = "OnDelete" } } });
        cluster.Settle();
        var old = cluster.Update.Metadata.Name;

        cluster.SetImage("nginx:2");
        cluster.Settle();
        Assert.Empty(cluster.Deleted(DeletionCause.Update));
        Assert.All(cluster.Pods.Keys, p => Assert.Equal(old, cluster.RevisionOf(p)));

        cluster.Pods.Remove("web-1");
        cluster.Settle();
        Assert.Equal(cluster.Update.Metadata.Name, cluster.RevisionOf("web-1"));
        Assert.Equal(old, cluster.RevisionOf("web-0"));
        Assert.Equal((2, 1), (cluster.Set.Status!.CurrentReplicas, cluster.Set.Status.UpdatedReplicas));
    }

    [Fact]
    public void MinReadySeconds_NextPodWaitsUntilTheLastIsAvailable()
    {
        var cluster = new StatefulSetCluster(s => s with { Spec = s.Spec with { MinReadySeconds = 10 } });
        cluster.Pass();
        cluster.MakeReady("web-0");

        var step = cluster.Pass();
        Assert.Equal(["web-0"], cluster.Created());
        Assert.Equal(TimeSpan.FromSeconds(10), step.RecheckAfter);
        Assert.Equal((1, 0), (cluster.Set.Status!.ReadyReplicas, cluster.Set.Status.AvailableReplicas ?? 0));

        cluster.Now += TimeSpan.FromSeconds(10);
        cluster.Pass();
        Assert.Equal(["web-0", "web-1"], cluster.Created());
    }

    [Fact]
    public void Deleting_OnlyReportsStatus()
    {
        var cluster = new StatefulSetCluster();
        cluster.Settle();
        cluster.Pods.Remove("web-1");
        var deleting = cluster.Set with { Metadata = cluster.Set.Metadata with { DeletionTimestamp = cluster.Now } };

        var step = StatefulSetPlanner.Plan(new StatefulSetInput
        {
            Set = deleting, Pods = cluster.Pods.Values.ToList(), Claims = cluster.Claims,
            CurrentRevision = cluster.CurrentRevision, CurrentTemplate = deleting.Spec.Template,
            UpdateRevision = cluster.CurrentRevision, UpdateTemplate = deleting.Spec.Template, Now = cluster.Now,
        });

        Assert.Empty(step.Actions);
        Assert.Equal(2, step.Status.Replicas);
    }

    [Fact]
    public void ForeignPodName_IsIgnored()
    {
        var cluster = new StatefulSetCluster();
        cluster.Settle();
        cluster.Pods.Add("web-abc", cluster.Pods["web-0"] with { Metadata = cluster.Pods["web-0"].Metadata with { Name = "web-abc" } });

        cluster.Pass();

        Assert.Empty(cluster.Deleted(DeletionCause.ScaleDown));
    }
}
