using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Tests.Admission;

/// <summary>Which writes ask the namespace's quotas for room (the arithmetic is <c>QuotaBookTests</c>').</summary>
public sealed class ResourceQuotaAdmissionTests
{
    private static Pod PodIn(string? phase) => Samples.Pod("job-1") with { Status = phase is null ? null : new PodStatus { Phase = phase } };

    private static AdmissionRequest StatusWrite(Pod old, Pod next) =>
        new(AdmissionOperation.Update, ResourceKinds.Pod, Subresource.Status, "t1", next, old, Actor.Node("n1"));

    [Theory]
    [InlineData("Failed", "Running")]
    [InlineData("Succeeded", "Pending")]
    [InlineData("Failed", null)]
    public void AStatusWriteTakingAPodOutOfAnEndedPhase_AsksTheQuotas(string from, string? to) =>
        Assert.True(ResourceQuotaAdmission.Applies(StatusWrite(PodIn(from), PodIn(to))));

    [Theory]
    [InlineData("Running", "Failed")]
    [InlineData("Pending", "Running")]
    [InlineData("Failed", "Succeeded")]
    [InlineData("Succeeded", "Succeeded")]
    public void OtherStatusWrites_DoNot(string from, string to) =>
        Assert.False(ResourceQuotaAdmission.Applies(StatusWrite(PodIn(from), PodIn(to))));

    [Fact]
    public void ACreate_AsksTheQuotas() =>
        Assert.True(ResourceQuotaAdmission.Applies(new AdmissionRequest(AdmissionOperation.Create, ResourceKinds.Pod, Subresource.Main, "t1", PodIn(null), null, SystemActors.ReplicaSets)));

    /// <summary>The tenant quota asks on the same writes, so a pod written Failed and back cannot dodge the tenant's <c>pods</c> limit.</summary>
    [Theory]
    [InlineData("Failed", "Running")]
    [InlineData("Succeeded", "Pending")]
    public void TheTenantQuota_AsksOnTheSameRevival(string from, string to) =>
        Assert.True(TenantQuotaAdmission.Applies(StatusWrite(PodIn(from), PodIn(to))));

    [Theory]
    [InlineData("Running", "Failed")]
    [InlineData("Pending", "Running")]
    public void TheTenantQuota_NotOnOtherStatusWrites(string from, string to) =>
        Assert.False(TenantQuotaAdmission.Applies(StatusWrite(PodIn(from), PodIn(to))));
}
