using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Deployments;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Deployments;

/// <summary>Kubernetes' deployment_util_test.go tables (TestResolveFenceposts, TestMaxUnavailable, TestMinAvailable, TestNewRSNewReplicas, TestGetReplicaSetFraction, TestGetReplicaCountForReplicaSets).</summary>
public class RolloutMathTests
{
    [Theory]
    [InlineData("0%", "0%", 0, 0, 1)]
    [InlineData("39%", "39%", 10, 4, 3)]
    [InlineData("0%", "39%", 10, 0, 3)]
    [InlineData("39%", "0%", 10, 4, 0)]
    [InlineData("0%", "0%", 10, 0, 1)]
    [InlineData("25%", "25%", 10, 3, 2)]
    [InlineData("25%", "25%", 1, 1, 0)]
    [InlineData("1%", "1%", 2, 1, 0)]
    [InlineData("0%", "1%", 2, 0, 1)]
    [InlineData("100%", "100%", 7, 7, 7)]
    public void ResolveFenceposts_Percentages_SurgeRoundsUpUnavailableDown(string surge, string unavailable, int desired, int expectedSurge, int expectedUnavailable)
    {
        var result = RolloutMath.ResolveFenceposts(surge, unavailable, desired);

        Assert.Equal((expectedSurge, expectedUnavailable), result);
    }

    [Theory]
    [InlineData(2, 0, 10, 2, 0)]
    [InlineData(0, 0, 10, 0, 1)]
    [InlineData(3, 2, 10, 3, 2)]
    [InlineData(20, 30, 10, 20, 30)]
    public void ResolveFenceposts_Counts_TakenAsIs(int surge, int unavailable, int desired, int expectedSurge, int expectedUnavailable)
    {
        var result = RolloutMath.ResolveFenceposts(surge, unavailable, desired);

        Assert.Equal((expectedSurge, expectedUnavailable), result);
    }

    [Theory]
    [InlineData(10, 3, 2)]
    [InlineData(4, 1, 1)]
    [InlineData(1, 1, 0)]
    [InlineData(0, 0, 1)]
    public void ResolveFenceposts_Unset_DefaultsTo25Percent(int desired, int expectedSurge, int expectedUnavailable)
    {
        var result = RolloutMath.ResolveFenceposts(null, null, desired);

        Assert.Equal((expectedSurge, expectedUnavailable), result);
    }

    [Theory]
    [InlineData("oops", "39%")]
    [InlineData("55%", "urg")]
    [InlineData("5", "1%")]
    public void ResolveFenceposts_NotAPercentage_Throws(string surge, string unavailable)
    {
        Assert.Throws<ArgumentException>(() => RolloutMath.ResolveFenceposts(surge, unavailable, 10));
    }

    public static TheoryData<string, int, IntOrString, int> MaxUnavailableCases => new()
    {
        { "RollingUpdate", 10, 5, 5 },
        { "RollingUpdate", 10, 10, 10 },
        { "RollingUpdate", 5, 10, 5 },
        { "RollingUpdate", 0, 10, 0 },
        { "Recreate", 10, 5, 0 },
        { "RollingUpdate", 10, "50%", 5 },
        { "RollingUpdate", 10, "100%", 10 },
        { "RollingUpdate", 5, "100%", 5 },
    };

    [Theory]
    [MemberData(nameof(MaxUnavailableCases))]
    public void MaxUnavailable_KubernetesTable_NeverAboveDesired(string strategy, int desired, IntOrString maxUnavailable, int expected)
    {
        Assert.Equal(expected, RolloutMath.MaxUnavailable(strategy, 1, maxUnavailable, desired));
    }

    public static TheoryData<string, int, IntOrString, int> MinAvailableCases => new()
    {
        { "RollingUpdate", 10, 5, 5 },
        { "RollingUpdate", 10, 10, 0 },
        { "RollingUpdate", 5, 10, 0 },
        { "RollingUpdate", 0, 10, 0 },
        { "Recreate", 10, 5, 0 },
        { "RollingUpdate", 10, "60%", 4 },
        { "RollingUpdate", 10, "100%", 0 },
        { "RollingUpdate", 5, "100%", 0 },
    };

    [Theory]
    [MemberData(nameof(MinAvailableCases))]
    public void MinAvailable_KubernetesTable_DesiredMinusMaxUnavailable(string strategy, int desired, IntOrString maxUnavailable, int expected)
    {
        Assert.Equal(expected, RolloutMath.MinAvailable(strategy, 1, maxUnavailable, desired));
    }

    [Theory]
    [InlineData("RollingUpdate", 10, 13)]
    [InlineData("Recreate", 10, 10)]
    public void MaxAvailable_Strategy_DesiredPlusSurge(string strategy, int desired, int expected)
    {
        Assert.Equal(expected, RolloutMath.MaxAvailable(strategy, "25%", "25%", desired));
    }

    [Fact]
    public void Helpers_DeploymentSpec_ReadTheStrategy()
    {
        var spec = new DeploymentSpec
        {
            Replicas = 10,
            Strategy = new DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new RollingUpdateDeployment { MaxSurge = 3, MaxUnavailable = "20%" },
            },
        };

        Assert.Equal(3, RolloutMath.MaxSurge(spec));
        Assert.Equal(2, RolloutMath.MaxUnavailable(spec));
        Assert.Equal(8, RolloutMath.MinAvailable(spec));
        Assert.Equal(13, RolloutMath.MaxAvailable(spec));
        Assert.Equal(0, RolloutMath.MaxSurge(spec with { Strategy = new DeploymentStrategy { Type = "Recreate" } }));
    }

    [Theory]
    [InlineData("RollingUpdate", 1, 5, 1, 5, 5)] // can not scale up - to newRSReplicas
    [InlineData("RollingUpdate", 6, 2, 10, 5, 6)] // scale up - to depReplicas
    [InlineData("Recreate", 3, 1, 1, 5, 3)] // recreate - to depReplicas
    [InlineData("RollingUpdate", 10, 0, 2, 10, 2)] // all room from the surge
    [InlineData("RollingUpdate", 10, 0, 2, 5, 7)]
    public void NewReplicaSetReplicas_KubernetesTable_FillsRoomUpToDesired(string strategy, int desired, int newReplicas, int maxSurge, int allReplicas, int expected)
    {
        Assert.Equal(expected, RolloutMath.NewReplicaSetReplicas(strategy, desired, maxSurge, allReplicas, newReplicas));
    }

    [Theory]
    [InlineData(0, 0, 0, 10, null, -10)] // empty deployment always scales to 0
    [InlineData(10, 0, 0, 5, null, 0)] // unsynced: no annotation, no status replicas
    [InlineData(10, 0, 0, 5, 0, 0)] // unsynced: annotation 0, no status replicas
    [InlineData(120, 100, 0, 50, null, 10)] // scale up by 1/5, status replicas stand in
    [InlineData(120, 100, 0, 50, 0, 10)]
    [InlineData(120, 0, 0, 50, 100, 10)] // scale up by 1/5
    [InlineData(120, 0, 10, 50, 110, 9)] // with surge: approximately 1/5
    [InlineData(10, 0, 0, 6, 12, -1)] // scale down by 1/6
    [InlineData(100, 0, 10, 50, 130, -8)] // with surge: approximately 1/6
    public void ReplicaSetFraction_KubernetesTable_ShareOfTheResize(int desired, int statusReplicas, int maxSurge, int replicaSetReplicas, int? maxReplicasAnnotation, int expected)
    {
        Assert.Equal(expected, RolloutMath.ReplicaSetFraction(replicaSetReplicas, maxReplicasAnnotation, desired, maxSurge, statusReplicas));
    }

    [Theory]
    [InlineData(10, 0, 3, 2)] // fraction below what is allowed
    [InlineData(1, 0, 3, 1)] // capped by what is left to add
    [InlineData(3, 3, 3, 0)] // everything handed out
    [InlineData(-10, 0, 3, -3)] // scaling down: the fraction wins when smaller in size
    public void Proportion_Bounds_NeverHandsOutMoreThanLeft(int toAdd, int added, int replicaSetReplicas, int expected)
    {
        // A ReplicaSet of 3 out of 6 (+0 surge), deployment resized to 10: fraction round(3·10/6) − 3 = 2; to 0: −3.
        var desired = toAdd > 0 ? 10 : 0;
        Assert.Equal(expected, RolloutMath.Proportion(replicaSetReplicas, 6, desired, 0, 6, toAdd, added));
    }

    [Fact]
    public void ReplicaCounts_KubernetesTable_SumSpecAndStatus()
    {
        var rs1 = Rs.Make("foo-rs", spec: 1, status: 2);
        var rs2 = Rs.Make("bar-rs", spec: 2, status: 3);
        var rs3 = Rs.Make("unsynced-rs", spec: 3, status: 0);

        Assert.Equal((1, 2), Counts(rs1));
        Assert.Equal((3, 5), Counts(rs1, rs2));
        Assert.Equal((3, 0), Counts(rs3));
        Assert.Equal((6, 5), Counts(rs1, rs2, rs3));
    }

    private static (int Spec, int Actual) Counts(params ReplicaSetState[] replicaSets) =>
        (RolloutMath.SpecReplicas(replicaSets), RolloutMath.ActualReplicas(replicaSets));
}
