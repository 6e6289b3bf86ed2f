using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;
using static OrleansOrchestrator.Dashboard.Tests.WorkloadObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class VolumeRowsTests
{
    [Fact]
    public void Claim_Bound_VolumeCapacityModesAndThePodsUsingIt()
    {
        var row = PersistentVolumeClaimRow.From(Claim("data", volume: "pvc-1", capacity: "5Gi"),
            [PodWithClaims("web-1", ["data"]), PodWithClaims("web-0", ["data", "logs"]), PodWithClaims("other", ["logs"]), PodWithClaims("web-9", ["data"], ns: "prod")]);

        Assert.Equal(("Bound", Tone.Good, "pvc-1", "5Gi", "RWO", "local-path"), (row.Status, row.Tone, row.Volume, row.Capacity, row.Access, row.StorageClass));
        Assert.Equal(["web-0", "web-1"], row.UsedBy);
    }

    [Fact]
    public void Claim_Pending_NoCapacityYet()
    {
        var row = PersistentVolumeClaimRow.From(Claim("data", phase: null, volume: null), []);

        Assert.Equal(("Pending", Tone.Working, "", "", ""), (row.Status, row.Tone, row.Volume, row.Capacity, row.Access));
    }

    [Fact]
    public void Volume_LocalPath_NodeFromItsAffinityAndTheClaim()
    {
        var row = PersistentVolumeRow.From(LocalVolume("pvc-1", claim: "data", node: "node-b", reclaim: "Retain"));

        Assert.Equal(("1Gi", "RWO", "Retain", "Bound", "default/data", "node-b", "/var/lib/oo/pvc-1"),
            (row.Capacity, row.Access, row.ReclaimPolicy, row.Status, row.ClaimText, row.Node, row.Source));
    }

    [Fact]
    public void Volume_Released_NoClaimNoNode()
    {
        var row = PersistentVolumeRow.From(LocalVolume("pv-1", claim: null, phase: "Released", node: null));

        Assert.Equal(("Released", Tone.Warning, "", ""), (row.Status, row.Tone, row.ClaimText, row.Node));
    }

    [Fact]
    public void AccessModes_AsKubectlAbbreviates() =>
        Assert.Equal("RWO,ROX,RWX,RWOP", AccessModes.Text(["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]));

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("WEB", true)]
    [InlineData(" ssd ", true)]
    [InlineData("db", false)]
    public void TextSearch_AnyShownTextIgnoringCase(string? search, bool matches) =>
        Assert.Equal(matches, TextSearch.Matches(search, "web-0", null, "disk=ssd"));
}
