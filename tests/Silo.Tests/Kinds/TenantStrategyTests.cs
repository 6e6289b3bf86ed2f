using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Kinds;
using OrleansOrchestrator.Silo.Tenancy;

namespace OrleansOrchestrator.Silo.Tests.Kinds;

/// <summary>The Tenant kind: its finalizer, the quota names it accepts, bounds on what a client may put in it, its table.</summary>
public class TenantStrategyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    private static Tenant Tenant(IReadOnlyDictionary<string, string>? hard = null, IReadOnlyList<string>? admins = null, string name = "acme") => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new TenantSpec { Quota = hard is null ? null : new TenantQuota { Hard = hard }, Admins = admins },
    };

    private static Tenant Created(Tenant tenant) => (Tenant)KindRegistry.For(tenant).PrepareForCreate(KindRegistry.For(tenant).Default(tenant));

    private static IReadOnlyList<string> Messages(Tenant tenant) =>
        Validation.Validate(Created(tenant), ResourceKinds.Tenant).Select(c => $"{c.Field}: {c.Message}").ToList();

    [Fact]
    public void Created_CarriesTheFinalizer_AndStartsActive()
    {
        var created = Created(Tenant());

        Assert.Equal([TenantPhases.Finalizer], created.Metadata.Finalizers!);
        Assert.Equal("Active", created.Status!.Phase);
        Assert.Equal([TenantPhases.Finalizer], Created(created).Metadata.Finalizers!);
    }

    [Fact]
    public void Quota_OnlyTheTenantResources_WithValidQuantities()
    {
        var messages = Messages(Tenant(new Dictionary<string, string> { ["pods"] = "-1", ["configmaps"] = "3", ["namespaces"] = "1.5", ["requests.cpu"] = "500m", ["limits.memory"] = "lots" }));

        Assert.Equal(4, messages.Count);
        Assert.Contains(messages, m => m.StartsWith("spec.quota.hard[pods]: ", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("spec.quota.hard[configmaps]: Unsupported value: \"configmaps\"", StringComparison.Ordinal));
        Assert.Contains("spec.quota.hard[namespaces]: Invalid value: \"1.5\": must be an integer", messages);
        Assert.Contains(messages, m => m.StartsWith("spec.quota.hard[limits.memory]: ", StringComparison.Ordinal));
        Assert.Empty(Messages(Tenant(new Dictionary<string, string> { ["pods"] = "10", ["count/namespaces"] = "3", ["requests.memory"] = "4Gi", ["services.nodeports"] = "0" })));
    }

    [Fact]
    public void Admins_Bounded_InNumberAndLength()
    {
        Assert.Contains("spec.admins: Too many: 101: must have at most 100 items", Messages(Tenant(admins: [.. Enumerable.Range(0, 101).Select(i => $"u{i}")])));
        Assert.Equal(["spec.admins[1]: Invalid value: \"\": must be a user name of 1 to 253 characters"], Messages(Tenant(admins: ["ann", ""])));
        Assert.Single(Messages(Tenant(admins: [new string('x', 254)])));
    }

    [Fact]
    public void Name_MustBeAValidNamespaceName()
    {
        Assert.NotEmpty(Messages(Tenant(name: "Acme_Corp")));
        Assert.NotEmpty(Messages(Tenant(name: new string('a', 64))));
        Assert.Equal(["metadata.name: Invalid value: \"system\": is reserved for the system tenant"], Messages(Tenant(name: "system")));
    }

    [Theory]
    [InlineData("default")]
    [InlineData("kube-system")]
    [InlineData("kube-public")]
    [InlineData("kube-node-lease")]
    [InlineData("oo-rbac-bootstrap")]
    public void Name_OfANamespaceTheSystemTenantUses_IsReserved(string name) =>
        Assert.Equal([$"metadata.name: Invalid value: \"{name}\": is reserved: the system tenant uses a namespace of this name"], Messages(Tenant(name: name)));

    [Fact]
    public void Table_ShowsPhaseAndPodsUsedOverHard()
    {
        var tenant = Created(Tenant(new Dictionary<string, string> { ["pods"] = "3" })) with
        {
            Status = new TenantStatus { Phase = "Active", Quota = new TenantQuotaStatus { Used = new Dictionary<string, string> { ["pods"] = "2" } } },
        };
        var row = KindRegistry.For(tenant).Columns.ToDictionary(c => c.Name, c => c.Cell(tenant, Now));

        Assert.Equal(("Active", "2/3", "<none>", "pods: 2/3"), (row["Status"], row["Pods"], row["Namespaces"], row["Quota"]));
        var deleting = tenant with { Metadata = tenant.Metadata with { DeletionTimestamp = Now } };
        Assert.Equal("Terminating", KindRegistry.For(deleting).Columns.Single(c => c.Name == "Status").Cell(deleting, Now));
    }
}
