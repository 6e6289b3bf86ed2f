using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// Block-style YAML of a JSON document, as kubectl users write it. Keys and strings are double-quoted with
/// JSON's escapes (valid YAML), so any text survives and a marker string can be found again byte for byte.
/// </summary>
public static class YamlWriter
{
    public static string Write(JsonNode? root)
    {
        var text = new StringBuilder();
        if (root is JsonObject { Count: > 0 } or JsonArray { Count: > 0 }) Block(text, root, 0);
        else text.Append(Scalar(root)).Append('\n');
        return text.ToString();
    }

    private static void Block(StringBuilder text, JsonNode node, int indent)
    {
        var pad = new string(' ', indent);
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    text.Append(pad).Append(JsonSerializer.Serialize(key, FuzzJson.Options)).Append(':');
                    Value(text, value, indent + 2);
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    text.Append(pad).Append('-');
                    Value(text, item, indent + 2);
                }
                break;
        }
    }

    private static void Value(StringBuilder text, JsonNode? value, int indent)
    {
        if (value is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
        {
            text.Append('\n');
            Block(text, value, indent);
        }
        else text.Append(' ').Append(Scalar(value)).Append('\n');
    }

    private static string Scalar(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        _ => value.ToJsonString(FuzzJson.Options),
    };
}
