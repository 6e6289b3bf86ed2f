using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;
using static OrleansOrchestrator.Dashboard.Tests.WorkloadObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class StatefulSetRowTests
{
    [Fact]
    public void From_Settled_ReadyOfDesiredServiceAndImagesHealthy()
    {
        var row = StatefulSetRow.From(StatefulSet("db", replicas: 3, ready: 3));

        Assert.Equal(("3/3", "db", "RollingUpdate", WorkloadHealth.Healthy), (row.ReadyText, row.ServiceName, row.UpdateStrategy, row.Health));
        Assert.Equal(["mysql:8"], row.Images);
    }

    [Theory]
    [InlineData(3, 2, 3, "rev-2", "rev-2", 1, 1, null, null, WorkloadHealth.Progressing)] // a pod not ready
    [InlineData(3, 3, 3, "rev-1", "rev-2", 1, 1, null, null, WorkloadHealth.Progressing)] // rolling to a new revision
    [InlineData(3, 3, 3, "rev-2", "rev-2", 2, 1, null, null, WorkloadHealth.Progressing)] // newest spec not seen yet
    [InlineData(3, 3, 1, "rev-1", "rev-2", 1, 1, 2, null, WorkloadHealth.Healthy)] // partition 2: only db-2 is to be updated
    [InlineData(3, 3, 0, "rev-1", "rev-2", 1, 1, 2, null, WorkloadHealth.Progressing)] // partition 2, db-2 not updated yet
    [InlineData(3, 3, 0, "rev-1", "rev-2", 1, 1, null, "OnDelete", WorkloadHealth.Healthy)] // OnDelete: pods change only when deleted
    public void HealthOf_AsKubectlRolloutStatus(int replicas, int ready, int updated, string current, string update, long generation, long observed,
        int? partition, string? strategy, WorkloadHealth expected)
    {
        var set = StatefulSet("db", replicas: replicas, ready: ready, updated: updated, currentRevision: current, updateRevision: update,
            generation: generation, observedGeneration: observed, partition: partition, strategy: strategy);

        Assert.Equal(expected, StatefulSetRow.HealthOf(set));
    }

    [Fact]
    public void From_Partition_ShownWithTheStrategy() =>
        Assert.Equal("RollingUpdate (partition 2)", StatefulSetRow.From(StatefulSet("db", partition: 2)).UpdateStrategy);

    [Fact]
    public void Pods_ByOrdinal_EachWithItsClaimAndBoundVolume()
    {
        var set = StatefulSet("db", replicas: 3, claimTemplates: ["data"]);
        Pod[] pods =
        [
            PodWithClaims("db-1", ["data-db-1"], owner: ControlledBy("StatefulSet", "db")),
            PodWithClaims("db-0", ["data-db-0"], owner: ControlledBy("StatefulSet", "db")),
            Pod("db-2", owner: new OwnerReference { Kind = "StatefulSet", Name = "db", Uid = "uid-of-an-earlier-db", Controller = true }),
        ];
        PersistentVolumeClaim[] claims =
        [
            Claim("data-db-0", volume: "pvc-aaa", capacity: "2Gi"),
            Claim("data-db-1", phase: "Pending", volume: null),
            Claim("data-db-0", ns: "other", volume: "pvc-zzz"),
        ];

        var rows = StatefulSetPods.Of(set, pods, claims);

        Assert.Equal([0, 1, 2], rows.Select(r => r.Ordinal));
        Assert.Equal(["db-0", "db-1", "db-2"], rows.Select(r => r.PodName));
        Assert.Equal(["db-0", "db-1", null], rows.Select(r => r.Pod?.Name));
        var claim0 = Assert.Single(rows[0].Claims);
        Assert.Equal(("data-db-0", "Bound", "pvc-aaa", "2Gi", true), (claim0.ClaimName, claim0.Phase, claim0.VolumeName, claim0.Capacity, claim0.Exists));
        var claim1 = Assert.Single(rows[1].Claims);
        Assert.Equal(("Pending", null, ""), (claim1.Phase, claim1.VolumeName, claim1.Capacity));
        var claim2 = Assert.Single(rows[2].Claims);
        Assert.Equal(("data-db-2", StatefulSetPods.Missing, false), (claim2.ClaimName, claim2.Phase, claim2.Exists));
    }

    [Fact]
    public void Pods_ScalingDown_PodsBeyondTheReplicasStillListed()
    {
        var set = StatefulSet("db", replicas: 1);
        Pod[] pods = [Pod("db-0", owner: ControlledBy("StatefulSet", "db")), Pod("db-2", owner: ControlledBy("StatefulSet", "db"))];

        var rows = StatefulSetPods.Of(set, pods, []);

        Assert.Equal([0, 2], rows.Select(r => r.Ordinal));
        Assert.All(rows, r => Assert.NotNull(r.Pod));
    }

    [Theory]
    [InlineData("db-0", 0)]
    [InlineData("db-12", 12)]
    [InlineData("db-x", null)]
    [InlineData("db-", null)]
    [InlineData("dbx-1", null)]
    [InlineData("db-replica-1", null)]
    public void OrdinalOf_OnlyNamesTheSetGives(string pod, int? ordinal) => Assert.Equal(ordinal, StatefulSetPods.OrdinalOf("db", pod));
}
