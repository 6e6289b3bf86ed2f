using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>An integer or a string: a port number or name, or a count or a percentage such as <c>25%</c>.</summary>
/// <remarks>Kubernetes' <c>intstr.IntOrString</c>.</remarks>
[GenerateSerializer, Immutable, Alias("oo.IntOrString")]
[JsonConverter(typeof(IntOrStringJsonConverter))]
public readonly record struct IntOrString
{
    [Id(0)] public int? IntValue { get; init; }
    [Id(1)] public string? StringValue { get; init; }

    public static IntOrString FromInt(int value) => new() { IntValue = value };
    public static IntOrString FromString(string value) => new() { StringValue = value };

    public bool IsInt => StringValue is null;
    public bool IsPercent => StringValue is { } s && s.EndsWith('%');

    public static implicit operator IntOrString(int value) => FromInt(value);
    public static implicit operator IntOrString(string value) => FromString(value);

    public override string ToString() => StringValue ?? (IntValue ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt32(out var i) => IntOrString.FromInt(i),
            JsonTokenType.String => IntOrString.FromString(reader.GetString()!),
            _ => throw new JsonException("expected an integer or a string"),
        };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.StringValue is { } s) writer.WriteStringValue(s);
        else writer.WriteNumberValue(value.IntValue ?? 0);
    }
}
