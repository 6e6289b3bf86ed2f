using System.Text.Json;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Tests.Serialization;

public sealed class QuantityJsonConvertersTests
{
    [Theory]
    [InlineData("""{"requests":{"cpu":1,"memory":"128Mi"}}""", "1", "128Mi")]
    [InlineData("""{"requests":{"cpu":0.5,"memory":1073741824}}""", "0.5", "1073741824")]
    [InlineData("""{"requests":{"cpu":"250m","memory":"1Gi"}}""", "250m", "1Gi")]
    public void ResourceRequirements_NumbersOrStrings_ReadAsQuantityStrings(string json, string cpu, string memory)
    {
        var resources = JsonSerializer.Deserialize<ResourceRequirements>(json, KubeJson.Options)!;
        Assert.Equal(cpu, resources.Requests!["cpu"]);
        Assert.Equal(memory, resources.Requests["memory"]);
        Assert.True(Quantity.TryParse(resources.Requests["cpu"], out _));
    }

    [Fact]
    public void ResourceRequirements_AreWrittenAsStrings()
    {
        var resources = JsonSerializer.Deserialize<ResourceRequirements>("""{"limits":{"cpu":2}}""", KubeJson.Options)!;
        Assert.Equal("""{"limits":{"cpu":"2"}}""", JsonSerializer.Serialize(resources, KubeJson.Options));
    }

    [Fact]
    public void Quantity_OfAnotherType_IsRefused()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ResourceRequirements>("""{"limits":{"cpu":true}}""", KubeJson.Options));
    }
}
