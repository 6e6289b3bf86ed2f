using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Serialization;

/// <summary>
/// The Kubernetes wire format of our records: camelCase names, unset fields omitted, times as RFC 3339
/// in UTC with whole seconds (<c>metav1.Time</c>), byte arrays as base64. Case-sensitive and strict on
/// types, as the Kubernetes API server is.
/// </summary>
public static class KubeJson
{
    /// <summary>
    /// How deeply objects and arrays may nest in anything a client sends (JSON or YAML) and in what we read or write.
    /// Our deepest field is about 15 levels down; Kubernetes' own objects stay far below this. The one value every
    /// parser and the serializer use: a body the parser accepts must never fail later, deeper in the request, with
    /// an error of ours.
    /// </summary>
    public const int MaxDepth = 64;

    public static readonly JsonSerializerOptions Options = CreateOptions(indented: false);

    public static readonly JsonSerializerOptions Indented = CreateOptions(indented: true);

    private static JsonSerializerOptions CreateOptions(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = false,
            NumberHandling = JsonNumberHandling.Strict,
            WriteIndented = indented,
            MaxDepth = MaxDepth,
            Converters = { new KubeTimeConverter() },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize(KubeObject obj) => JsonSerializer.Serialize(obj, obj.GetType(), Options);

    public static byte[] SerializeToUtf8(KubeObject obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    public static T Clone<T>(T obj) where T : KubeObject =>
        (T)JsonSerializer.Deserialize(SerializeToUtf8(obj), obj.GetType(), Options)!;
}

/// <summary><c>metav1.Time</c>: RFC 3339, UTC, whole seconds. Reads any ISO 8601 time.</summary>
public sealed class KubeTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (text is null || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            throw new JsonException($"invalid time \"{text}\": expected RFC 3339");
        return value.ToUniversalTime();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    public static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary><c>metav1.MicroTime</c> (Event.eventTime): RFC 3339 with microseconds.</summary>
public sealed class KubeMicroTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new KubeTimeConverter().Read(ref reader, typeToConvert, options);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
}
