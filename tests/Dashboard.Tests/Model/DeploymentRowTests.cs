using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class DeploymentRowTests
{
    [Fact]
    public void HealthOf_EveryReplicaUpdatedAndAvailable_Healthy() =>
        Assert.Equal((WorkloadHealth.Healthy, (string?)null), DeploymentRow.HealthOf(Deployment("web", replicas: 3)));

    [Theory]
    [InlineData(3, 2, 3, 1, 1, "fewer updated than desired")]
    [InlineData(3, 3, 2, 1, 1, "fewer available than desired")]
    [InlineData(3, 3, 3, 2, 1, "controller has not seen the newest spec")]
    public void HealthOf_RolloutUnfinished_Progressing(int desired, int updated, int available, long generation, long observed, string why)
    {
        var deployment = Deployment("web", replicas: desired, updated: updated, available: available, generation: generation, observedGeneration: observed);

        Assert.True(DeploymentRow.HealthOf(deployment).Health == WorkloadHealth.Progressing, why);
    }

    [Fact]
    public void HealthOf_OldReplicasStillRunning_Progressing()
    {
        var deployment = Deployment("web", replicas: 3);
        deployment = deployment with { Status = deployment.Status! with { Replicas = 5 } };

        Assert.Equal(WorkloadHealth.Progressing, DeploymentRow.HealthOf(deployment).Health);
    }

    [Fact]
    public void HealthOf_NoStatusYet_Progressing() =>
        Assert.Equal(WorkloadHealth.Progressing, DeploymentRow.HealthOf(Deployment("web") with { Status = null }).Health);

    [Fact]
    public void HealthOf_Paused_PausedEvenWhileUnfinished() =>
        Assert.Equal(WorkloadHealth.Paused, DeploymentRow.HealthOf(Deployment("web", replicas: 3, updated: 1, paused: true)).Health);

    [Fact]
    public void HealthOf_ProgressDeadlineExceeded_FailedWithTheConditionsMessage()
    {
        Condition[] conditions =
        [
            new() { Type = "Available", Status = "True" },
            new() { Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded", Message = "ReplicaSet \"web-abc\" has timed out progressing." },
        ];

        var (health, problem) = DeploymentRow.HealthOf(Deployment("web", updated: 1, conditions: conditions, paused: true));

        Assert.Equal(WorkloadHealth.Failed, health);
        Assert.Equal("ReplicaSet \"web-abc\" has timed out progressing.", problem);
    }

    [Fact]
    public void HealthOf_ReplicaFailure_Failed()
    {
        Condition[] conditions = [new() { Type = "ReplicaFailure", Status = "True", Reason = "FailedCreate", Message = "exceeded quota" }];

        Assert.Equal((WorkloadHealth.Failed, "exceeded quota"), DeploymentRow.HealthOf(Deployment("web", conditions: conditions)));
    }

    [Theory]
    [InlineData("Progressing", "True", "NewReplicaSetAvailable")]
    [InlineData("Progressing", "False", "SomethingElse")]
    [InlineData("ReplicaFailure", "False", "FailedCreate")]
    public void HealthOf_OtherConditions_NotFailed(string type, string status, string reason)
    {
        Condition[] conditions = [new() { Type = type, Status = status, Reason = reason }];

        Assert.Equal(WorkloadHealth.Healthy, DeploymentRow.HealthOf(Deployment("web", conditions: conditions)).Health);
    }

    [Fact]
    public void From_Deployment_ColumnsOfKubectlGetWide()
    {
        var deployment = Deployment("web", ns: "shop", replicas: 4, updated: 2, ready: 1, available: 1, image: "nginx:1.28");
        deployment = deployment with
        {
            Spec = deployment.Spec with
            {
                Strategy = new DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = "50%" } },
            },
        };

        var row = DeploymentRow.From(deployment);

        Assert.Equal(("shop", "web", 4, 2, 1, 1), (row.Namespace, row.Name, row.Desired, row.Updated, row.Ready, row.Available));
        Assert.Equal("RollingUpdate (surge 1, unavailable 50%)", row.Strategy);
        Assert.Equal(["nginx:1.28"], row.Images);
        Assert.Equal(WorkloadHealth.Progressing, row.Health);
    }

    [Fact]
    public void From_NoReplicasField_OneDesired() =>
        Assert.Equal(1, DeploymentRow.From(Deployment("web") with { Spec = Deployment("web").Spec with { Replicas = null } }).Desired);
}
