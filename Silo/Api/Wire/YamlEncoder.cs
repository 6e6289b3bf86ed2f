using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansOrchestrator.Silo.Api.Wire;

/// <summary>
/// JSON as block YAML, the way <c>kubectl get -o yaml</c> prints objects: maps and lists indented by two,
/// list items of maps starting on the dash line. Strings that YAML would read as something else (numbers,
/// booleans, null, text with <c>: </c> or <c> #</c>, leading or trailing blanks, line breaks) are written
/// as JSON strings, which are valid double-quoted YAML scalars; <see cref="BodyDecoder.FromYaml"/> reads
/// every output back to the same JSON.
/// </summary>
public static partial class YamlEncoder
{
    public static string Encode(JsonNode? node)
    {
        var text = new StringBuilder();
        switch (node)
        {
            case JsonObject { Count: > 0 } obj: WriteObject(text, obj, 0); break;
            case JsonArray { Count: > 0 } array: WriteArray(text, array, 0); break;
            default: text.Append(Scalar(node)).Append('\n'); break;
        }
        return text.ToString();
    }

    private static void WriteObject(StringBuilder text, JsonObject obj, int indent, bool firstLineIndented = true)
    {
        var first = true;
        foreach (var (key, value) in obj)
        {
            if (!first || firstLineIndented) text.Append(' ', indent);
            first = false;
            text.Append(Key(key)).Append(':');
            WriteValue(text, value, indent, nestedIndent: indent + 2);
        }
    }

    private static void WriteArray(StringBuilder text, JsonArray array, int indent)
    {
        foreach (var item in array)
        {
            text.Append(' ', indent).Append('-');
            if (item is JsonObject { Count: > 0 } obj)
            {
                text.Append(' ');
                WriteObject(text, obj, indent + 2, firstLineIndented: false);
            }
            else WriteValue(text, item, indent, nestedIndent: indent + 2);
        }
    }

    /// <summary>After a key's colon or a dash: a scalar on the same line, a collection on the lines below.</summary>
    private static void WriteValue(StringBuilder text, JsonNode? value, int indent, int nestedIndent)
    {
        switch (value)
        {
            case JsonObject { Count: > 0 } obj:
                text.Append('\n');
                WriteObject(text, obj, nestedIndent);
                break;
            case JsonArray { Count: > 0 } array:
                text.Append('\n');
                // kubectl puts a map's list at the map's own indentation.
                WriteArray(text, array, indent);
                break;
            default:
                text.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static string Key(string key) => IsPlain(key) ? key : JsonSerializer.Serialize(key);

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => Text(value.GetValue<string>()),
        _ => node.ToJsonString(),
    };

    private static string Text(string text) => IsPlain(text) ? text : JsonSerializer.Serialize(text);

    private static bool IsPlain(string text) =>
        text.Length > 0 && SafePlain().IsMatch(text) && !text.Contains(": ", StringComparison.Ordinal) && !text.Contains(" #", StringComparison.Ordinal)
        && !text.EndsWith(':') && !ImplicitlyTyped().IsMatch(text);

    [GeneratedRegex(@"^[A-Za-z0-9_./$(][A-Za-z0-9_./:=@,$()+*?\- ]*(?<! )$")]
    private static partial Regex SafePlain();

    /// <summary>What YAML 1.1 and 1.2 readers take for null, booleans or numbers.</summary>
    [GeneratedRegex(@"^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o?[0-7]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex ImplicitlyTyped();
}
