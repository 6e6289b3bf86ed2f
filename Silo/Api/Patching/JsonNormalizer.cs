using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Silo.Api.Patching;

/// <summary>
/// Brings Kubernetes object JSON to a canonical form for comparison and hashing. Go clients serialise
/// zero values that our stored objects omit: <c>kubectl rollout undo</c> sends a pod template with
/// <c>creationTimestamp: null</c> and <c>resources: {}</c>, which must still equal the stored template.
/// </summary>
public static class JsonNormalizer
{
    /// <summary>
    /// Returns a copy of <paramref name="node"/> without null values, empty objects and empty arrays, at any depth
    /// (a member that only held empty values disappears too). An input that empties out entirely comes back as an
    /// empty object or array. Meant for comparing, not storing: <c>emptyDir: {}</c> is dropped as well.
    /// </summary>
    public static JsonNode DropNullsAndEmpties(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return WithoutEmpties(node) ?? (node is JsonArray ? new JsonArray() : new JsonObject());
    }

    /// <summary>The normalised copy, or <c>null</c> when nothing of <paramref name="node"/> remains.</summary>
    private static JsonNode? WithoutEmpties(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
            {
                var members = obj
                    .Select(member => KeyValuePair.Create(member.Key, WithoutEmpties(member.Value)))
                    .Where(member => member.Value is not null)
                    .ToList();
                return members.Count == 0 ? null : new JsonObject(members);
            }
            case JsonArray array:
            {
                var items = array.Select(WithoutEmpties).Where(item => item is not null).ToArray();
                return items.Length == 0 ? null : new JsonArray(items);
            }
            default:
                return node?.DeepClone();
        }
    }
}
