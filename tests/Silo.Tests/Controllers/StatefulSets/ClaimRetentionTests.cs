using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.StatefulSets;

namespace OrleansOrchestrator.Silo.Tests.Controllers.StatefulSets;

/// <summary>Kubernetes' TestStatefulPodControlRetainDeletionPolicyUpdate and stateful_set_utils_test.go TestClaimOwnerMatchesSetAndPod.</summary>
public class ClaimRetentionTests
{
    private static StatefulSetCluster Cluster(string whenDeleted, string whenScaled, int replicas = 3) => new(s => s with
    {
        Spec = s.Spec with
        {
            Replicas = replicas,
            PersistentVolumeClaimRetentionPolicy = new StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = whenDeleted, WhenScaled = whenScaled },
        },
    });

    private static List<string> Owners(StatefulSetCluster cluster, string claim) =>
        (cluster.Claims[claim].Metadata.OwnerReferences ?? []).Select(r => $"{r.Kind}/{r.Name}").ToList();

    [Theory]
    [InlineData("Retain", "Retain", new string[0], new string[0])]
    [InlineData("Delete", "Retain", new[] { "StatefulSet/web" }, new[] { "StatefulSet/web" })]
    [InlineData("Retain", "Delete", new string[0], new[] { "Pod/web-2" })]
    [InlineData("Delete", "Delete", new[] { "StatefulSet/web" }, new[] { "Pod/web-2" })]
    public void Owners_FollowThePolicy_BeforeAndAfterTheOrdinalIsCondemned(string whenDeleted, string whenScaled, string[] wanted, string[] condemned)
    {
        var cluster = Cluster(whenDeleted, whenScaled);
        cluster.Settle();
        Assert.Equal(wanted, Owners(cluster, "www-web-2"));
        cluster.GracefulDeletion = true;

        cluster.Scale(2);
        cluster.Pass();

        Assert.Equal(condemned, Owners(cluster, "www-web-2"));
        Assert.Equal(wanted, Owners(cluster, "www-web-1"));
        // The claim is given to the pod before the pod is deleted, so the collector takes it with the pod.
        var claimFix = cluster.Log.FindIndex(a => a is UpdateClaim u && u.Claim.Metadata.Name == "www-web-2");
        var deletion = cluster.Log.FindIndex(a => a is DeletePod { Cause: DeletionCause.ScaleDown });
        Assert.True(claimFix < deletion);
    }

    [Fact]
    public void PolicyChangedLater_ClaimsOfLivePodsFollow()
    {
        var cluster = Cluster("Retain", "Retain");
        cluster.Settle();

        // The same set (uid) with whenDeleted changed to Delete, seeing the pods and claims made under Retain.
        var changed = new StatefulSetCluster(s => s with
        {
            Spec = s.Spec with { PersistentVolumeClaimRetentionPolicy = new StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Delete", WhenScaled = "Retain" } },
        });
        foreach (var (name, pod) in cluster.Pods) changed.Pods[name] = pod;
        foreach (var (name, claim) in cluster.Claims) changed.Claims[name] = claim;
        changed.Pass();

        Assert.Equal(["StatefulSet/web"], Owners(changed, "www-web-0"));
    }

    [Fact]
    public void StaleClaim_OwnedByTheCondemnedPodOfTheSameName_BlocksTheNewPodUntilItIsGone()
    {
        // Scale down with whenScaled: Delete, then up before the collector removed the claim: the new web-2 must not
        // start with a claim about to be deleted.
        var cluster = Cluster("Retain", "Delete");
        cluster.Settle();
        cluster.Scale(2);
        cluster.Settle();
        Assert.Equal(["Pod/web-2"], Owners(cluster, "www-web-2"));

        cluster.Scale(3);
        var step = cluster.Pass();
        Assert.DoesNotContain("web-2", cluster.Pods.Keys);
        Assert.Equal(TimeSpan.FromSeconds(1), step.RecheckAfter);

        cluster.Claims.Remove("www-web-2"); // collected
        cluster.Pass();
        Assert.Contains("web-2", cluster.Pods.Keys);
        Assert.Contains("www-web-2", cluster.Claims.Keys);
    }

    [Fact]
    public void ClaimBeingDeleted_BlocksThePod()
    {
        var cluster = Cluster("Retain", "Retain");
        cluster.Settle();
        cluster.Pods.Remove("web-1");
        cluster.Claims["www-web-1"] = cluster.Claims["www-web-1"] with { Metadata = cluster.Claims["www-web-1"].Metadata with { DeletionTimestamp = cluster.Now } };

        cluster.Pass();

        Assert.DoesNotContain("web-1", cluster.Pods.Keys);
    }
}
