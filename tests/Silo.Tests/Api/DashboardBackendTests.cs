using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Silo.Api;

namespace OrleansOrchestrator.Silo.Tests.Api;

public class DashboardBackendTests
{
    /// <summary>Only the manifest's shape is under test: every case is refused before the store is reached.</summary>
    private static readonly DashboardBackend Backend = new(new ResourceService(null!), null!, null!);

    private static readonly DashboardUser Admin = new("alice", "default", ["system:masters"]);

    [Theory]
    [InlineData("- a\n- b\n", false)]
    [InlineData("apiVersion: [v1]\nkind: ConfigMap\n", false)]
    [InlineData("apiVersion: v1\nkind: {a: 1}\n", false)]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: [x]\n", false)]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: [x]\n", true)]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 5}\n", true)]
    public async Task Save_ManifestOfTheWrongShape_RefusedWith400(string yaml, bool replace)
    {
        var error = await Assert.ThrowsAsync<ActionFailedException>(() => Backend.Save(Admin, yaml, "default", replace));

        Assert.Equal(400, error.Code);
    }
}
