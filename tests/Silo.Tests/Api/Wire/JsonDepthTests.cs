using System.Text.Json.Nodes;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Tests.Api.Wire;

public class JsonDepthTests
{
    /// <summary>Arrays nested <paramref name="depth"/> deep, built without recursion.</summary>
    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonArray();
        for (var level = 1; level < depth; level++) node = new JsonObject { ["x"] = node };
        return node;
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(64, false)]
    [InlineData(65, true)]
    [InlineData(1000, true)]
    public void Exceeds_AtTheLimitNot_PastItYes(int depth, bool exceeds) =>
        Assert.Equal(exceeds, JsonDepth.Exceeds(Nested(depth), 64));

    [Fact]
    public void Exceeds_ATreeFarDeeperThanTheStack_JudgedWithoutWalkingAllOfIt() =>
        Assert.True(JsonDepth.Exceeds(Nested(200_000), 64));

    [Fact]
    public void Exceeds_Scalars_AreNoLevel() => Assert.False(JsonDepth.Exceeds(JsonValue.Create(1), 0));
}
