using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Api.Admission;

/// <summary>
/// JSON nulls read the way Kubernetes reads them, in one walk of a request body against the serializer's contract
/// for the target type (as <see cref="UnknownFields"/> walks it), so that every field, present and future, is
/// covered and nothing downstream meets a null our records do not allow:
/// <list type="bullet">
/// <item>a field whose value is null is absent: it is removed, and defaults and validation then apply
/// (<c>"containers": null</c> is "spec.containers: Required value");</item>
/// <item>a null list element or map value becomes the zero value Go's decoder gives it (<c>""</c>, <c>0</c>,
/// <c>false</c>, <c>{}</c>, <c>[]</c>), so <c>data: {key: }</c> in a ConfigMap or an empty label value is accepted
/// as Kubernetes accepts it, and <c>containers: [null]</c> is refused by validation for what the empty container
/// lacks;</item>
/// <item>where our type has no such zero (a time, a quantity, an int-or-string read by a converter of its own), the
/// null is refused with a 422 naming the field, rather than guessing a value the client did not mean.</item>
/// </list>
/// </summary>
public static class NullFields
{
    /// <summary>Rewrites <paramref name="body"/> in place; returns the fields whose null has no zero value (empty when none).</summary>
    public static IReadOnlyList<FieldCause> Normalize(JsonNode body, Type type)
    {
        var refused = new List<FieldCause>();
        // An explicit stack: the body's depth is bounded by the parser, but the walk should not depend on it.
        var pending = new Stack<(JsonNode Node, JsonTypeInfo Info, string Path)>();
        pending.Push((body, KubeJson.Options.GetTypeInfo(type), ""));
        while (pending.TryPop(out var item))
        {
            var (node, info, path) = item;
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object when node is JsonObject obj:
                    var properties = info.Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
                    foreach (var name in obj.Where(p => p.Value is null).Select(p => p.Key).ToList()) obj.Remove(name);
                    foreach (var (name, value) in obj)
                        if (properties.TryGetValue(name, out var property))
                            pending.Push((value!, KubeJson.Options.GetTypeInfo(property.PropertyType), Join(path, name)));
                    break;
                case JsonTypeInfoKind.Enumerable when node is JsonArray array && info.ElementType is { } elementType:
                    var elementInfo = KubeJson.Options.GetTypeInfo(elementType);
                    for (var i = 0; i < array.Count; i++)
                        Visit(array[i], elementInfo, $"{path}[{i}]", zero => array[i] = zero, pending, refused);
                    break;
                case JsonTypeInfoKind.Dictionary when node is JsonObject map && info.ElementType is { } valueType:
                    var valueInfo = KubeJson.Options.GetTypeInfo(valueType);
                    foreach (var (key, value) in map.ToList())
                        Visit(value, valueInfo, $"{path}[{key}]", zero => map[key] = zero, pending, refused);
                    break;
            }
        }
        return refused;
    }

    private static void Visit(JsonNode? value, JsonTypeInfo info, string path, Action<JsonNode> replace,
        Stack<(JsonNode, JsonTypeInfo, string)> pending, List<FieldCause> refused)
    {
        if (value is not null)
        {
            pending.Push((value, info, path));
            return;
        }
        if (Nullable.GetUnderlyingType(info.Type) is not null) return;
        if (ZeroOf(info) is { } zero) replace(zero);
        else refused.Add(new FieldCause(path, "FieldValueRequired", "Required value: null is not allowed here"));
    }

    /// <summary>Go's zero value of a type in JSON, or null when the type has no plain one.</summary>
    private static JsonNode? ZeroOf(JsonTypeInfo info) => info.Kind switch
    {
        JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => new JsonObject(),
        JsonTypeInfoKind.Enumerable => new JsonArray(),
        _ when info.Type == typeof(byte[]) => JsonValue.Create(""),
        _ => Type.GetTypeCode(info.Type) switch
        {
            TypeCode.String => JsonValue.Create(""),
            TypeCode.Boolean => JsonValue.Create(false),
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                or TypeCode.Int64 or TypeCode.UInt64 or TypeCode.Single or TypeCode.Double or TypeCode.Decimal => JsonValue.Create(0),
            _ => null,
        },
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
