using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Silo.Api.Admission;

/// <summary>
/// Finds the fields of a request body that our model does not have, by walking the JSON against the
/// serializer's own contract for the target type (so the model is the one source of truth for which
/// fields exist). Used for <c>fieldValidation=Strict</c> (refuse) and <c>Warn</c> (warning header).
/// </summary>
public static class UnknownFields
{
    /// <summary>The dotted paths of unknown fields, e.g. <c>spec.template.spec.containers[0].imagePolicy</c>.</summary>
    public static IReadOnlyList<string> Find(JsonNode? body, Type type)
    {
        var found = new List<string>();
        Walk(body, KubeJson.Options.GetTypeInfo(type), "", found);
        return found;
    }

    private static void Walk(JsonNode? node, JsonTypeInfo info, string path, List<string> found)
    {
        if (node is null) return;
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject obj:
                var properties = info.Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
                foreach (var (name, value) in obj)
                {
                    var childPath = path.Length == 0 ? name : $"{path}.{name}";
                    if (properties.TryGetValue(name, out var property))
                        Walk(value, KubeJson.Options.GetTypeInfo(property.PropertyType), childPath, found);
                    else if (!(path.Length == 0 && name is "apiVersion" or "kind"))
                        found.Add(childPath);
                }
                break;
            case JsonTypeInfoKind.Enumerable when node is JsonArray array && info.ElementType is { } elementType:
                var elementInfo = KubeJson.Options.GetTypeInfo(elementType);
                for (var i = 0; i < array.Count; i++) Walk(array[i], elementInfo, $"{path}[{i}]", found);
                break;
            case JsonTypeInfoKind.Dictionary when node is JsonObject map && info.ElementType is { } valueType:
                var valueInfo = KubeJson.Options.GetTypeInfo(valueType);
                foreach (var (key, value) in map) Walk(value, valueInfo, $"{path}[{key}]", found);
                break;
        }
    }
}
