using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansOrchestrator.Contracts.Serialization;

/// <summary>
/// A Kubernetes quantity may be written as a string ("500m", "1Gi") or a plain number (<c>cpu: 1</c>, as
/// manifests often say); it is always written back as a string, as the API server does.
/// </summary>
public sealed class QuantityJsonConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadQuantity(ref reader);

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    internal static string ReadQuantity(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString()!,
        JsonTokenType.Number => reader.TryGetInt64(out var whole)
            ? whole.ToString(CultureInfo.InvariantCulture)
            : reader.GetDecimal().ToString(CultureInfo.InvariantCulture),
        _ => throw new JsonException("a quantity must be a string or a number"),
    };
}

/// <summary>Resource lists (<c>requests</c>, <c>limits</c>, <c>capacity</c>): names to quantities, each a string or a number.</summary>
public sealed class QuantityMapJsonConverter : JsonConverter<IReadOnlyDictionary<string, string>>
{
    public override IReadOnlyDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a resource list must be an object");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            result[name] = QuantityJsonConverter.ReadQuantity(ref reader);
        }
        return result;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, quantity) in value) writer.WriteString(name, quantity);
        writer.WriteEndObject();
    }
}
