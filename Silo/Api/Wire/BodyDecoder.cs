using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OrleansOrchestrator.Silo.Api.Wire;

/// <summary>Turns a request body into JSON, whatever the media type kubectl or a client sent.</summary>
public static class BodyDecoder
{
    /// <summary>Kubernetes' limit on a request body (3 MiB).</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    public static async Task<byte[]> ReadBody(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes) throw ApiException.TooLarge(MaxBodyBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw ApiException.TooLarge(MaxBodyBytes);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static JsonNode Decode(byte[] body, string? contentType)
    {
        var mediaType = (contentType ?? "application/json").Split(';')[0].Trim().ToLowerInvariant();
        if (body.Length == 0) throw ApiException.BadRequest("the request body is empty");
        return mediaType switch
        {
            "application/vnd.kubernetes.protobuf" => ProtobufBody.Decode(body),
            "application/yaml" or "application/apply-patch+yaml" or "text/yaml" => FromYaml(body),
            "application/json" or "application/merge-patch+json" or "application/strategic-merge-patch+json"
                or "application/json-patch+json" or "*/*" or "text/plain" => FromJson(body),
            _ => throw ApiException.UnsupportedMediaType(contentType),
        };
    }

    public static JsonNode FromJson(byte[] body)
    {
        try
        {
            // Duplicate keys are refused while parsing, as Kubernetes' strict decoding does: the object would
            // otherwise fail later, when first read, as an ArgumentException far from the request (a 500).
            var options = new JsonDocumentOptions { MaxDepth = 128, AllowDuplicateProperties = false };
            return JsonNode.Parse(body, documentOptions: options)
                   ?? throw ApiException.BadRequest("the request body is null");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"error decoding JSON body: {e.Message}");
        }
    }

    public static JsonNode FromYaml(byte[] body)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(Encoding.UTF8.GetString(body)));
            if (stream.Documents.Count != 1) throw ApiException.BadRequest($"expected one YAML document, found {stream.Documents.Count}");
            return Convert(stream.Documents[0].RootNode) ?? throw ApiException.BadRequest("the request body is null");
        }
        catch (YamlException e)
        {
            throw ApiException.BadRequest($"error converting YAML to JSON: yaml: line {e.Start.Line}: {e.Message}");
        }
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => Object(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw ApiException.BadRequest("unsupported YAML node"),
    };

    /// <summary>
    /// A YAML mapping as a JSON object. YAML allows any node as a key but JSON only strings, so a sequence or
    /// mapping key is a client error (Kubernetes: "invalid map key"); so are two keys YAML tells apart but
    /// whose text is the same (<c>1</c> and <c>!!str 1</c>).
    /// </summary>
    private static JsonObject Object(YamlMappingNode map)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            if (key is not YamlScalarNode { Value: var text })
                throw ApiException.BadRequest($"error converting YAML to JSON: yaml: line {key.Start.Line}: invalid map key: only strings, numbers and booleans can be keys");
            if (!result.TryAdd(text ?? "", Convert(value)))
                throw ApiException.BadRequest($"error converting YAML to JSON: yaml: line {key.Start.Line}: key \"{text}\" already set in map");
        }
        return result;
    }

    /// <summary>Plain scalars carry YAML's implicit types (null, booleans, numbers); quoted ones are strings.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        if (System.Text.RegularExpressions.Regex.IsMatch(text, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
            && double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var real))
            return JsonValue.Create(real);
        return JsonValue.Create(text);
    }
}
