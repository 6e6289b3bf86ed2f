using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Silo.Tests.Api.Patching;

/// <summary>Parsing and comparing JSON in patch tests.</summary>
internal static class TestJson
{
    public static JsonNode Node(string json) => JsonNode.Parse(json) ?? throw new ArgumentException("JSON null is not a node", nameof(json));

    public static JsonObject Object(string json) => Node(json).AsObject();

    public static JsonArray Array(string json) => Node(json).AsArray();

    /// <summary>Structural equality (member order ignored, item order kept), showing both documents on failure.</summary>
    public static void AssertEqual(string expectedJson, JsonNode? actual)
    {
        var expected = JsonNode.Parse(expectedJson);
        if (!JsonNode.DeepEquals(expected, actual))
        {
            Assert.Fail($"JSON differs.\nExpected: {expected?.ToJsonString() ?? "null"}\nActual:   {actual?.ToJsonString() ?? "null"}");
        }
    }
}
