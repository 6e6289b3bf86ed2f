using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class TenantRowTests
{
    [Fact]
    public void From_QuotaLimitsInNameOrder_UsedMissingIsZero_AndDeletionMarkIsTerminating()
    {
        var row = TenantRow.From(new Tenant
        {
            Metadata = new ObjectMeta { Name = "acme", DeletionTimestamp = DateTimeOffset.UtcNow },
            Spec = new TenantSpec { Quota = new TenantQuota { Hard = new Dictionary<string, string> { ["requests.cpu"] = "2", ["pods"] = "10" } } },
            Status = new TenantStatus { Phase = "Active", Quota = new TenantQuotaStatus { Used = new Dictionary<string, string> { ["requests.cpu"] = "500m" } } },
        });

        Assert.Equal("Terminating", row.Phase);
        Assert.Equal([("pods", new Allocation(0, 10)), ("requests.cpu", new Allocation(0.5m, 2))], row.Quota);
    }

    [Fact]
    public void NewTenant_LeavesBlankLimitsOut_AndSplitsAdministrators()
    {
        var tenant = TenantRow.NewTenant(" acme ", new Dictionary<string, string?> { ["pods"] = " 3 ", ["requests.cpu"] = "", ["namespaces"] = null }, "ann,  bob carl");

        Assert.Equal("acme", tenant.Metadata.Name);
        Assert.Equal(new Dictionary<string, string> { ["pods"] = "3" }, tenant.Spec.Quota!.Hard);
        Assert.Equal(["ann", "bob", "carl"], tenant.Spec.Admins!);
        Assert.Null(TenantRow.NewTenant("b", new Dictionary<string, string?>(), null).Spec.Quota);
    }
}
