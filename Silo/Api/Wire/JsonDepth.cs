using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Silo.Api.Wire;

/// <summary>How deep a JSON tree nests, for trees the server builds from client input (a patched object).</summary>
public static class JsonDepth
{
    /// <summary>
    /// Whether <paramref name="node"/> nests deeper than <paramref name="limit"/> levels (an object or array is one).
    /// Looks no deeper than one level past the limit, so a tree of any depth is judged with a bounded stack.
    /// </summary>
    public static bool Exceeds(JsonNode? node, int limit) => node switch
    {
        JsonObject obj => limit <= 0 || obj.Any(p => Exceeds(p.Value, limit - 1)),
        JsonArray array => limit <= 0 || array.Any(item => Exceeds(item, limit - 1)),
        _ => false,
    };
}
