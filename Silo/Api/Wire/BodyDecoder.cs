using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Serialization;

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
            RequireValidStrings(body);
            // Duplicate keys are refused while parsing, as Kubernetes' strict decoding does: the object would
            // otherwise fail later, when first read, as an ArgumentException far from the request (a 500).
            var options = new JsonDocumentOptions { MaxDepth = KubeJson.MaxDepth, AllowDuplicateProperties = false };
            return JsonNode.Parse(body, documentOptions: options)
                   ?? throw ApiException.BadRequest("the request body is null");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"error decoding JSON body: {e.Message}");
        }
    }

    /// <summary>
    /// Refuses strings and property names that are not valid Unicode (bytes that are not UTF-8, an escaped lone
    /// surrogate such as <c>"\ud800"</c>). The parser lets them through and the first read of the string would
    /// throw, long after the request was accepted; here they are found in one pass, with where they are.
    /// </summary>
    private static void RequireValidStrings(byte[] body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = KubeJson.MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)) continue;
            // Plain ASCII without escapes is valid by construction: only the rest needs decoding to be checked.
            if (!reader.ValueIsEscaped && System.Text.Ascii.IsValid(reader.ValueSpan)) continue;
            try
            {
                reader.GetString();
            }
            catch (InvalidOperationException)
            {
                throw ApiException.BadRequest(
                    $"error decoding JSON body: the {(reader.TokenType == JsonTokenType.PropertyName ? "property name" : "string")} at byte {reader.TokenStartIndex} is not valid UTF-8 or holds an unpaired UTF-16 surrogate");
            }
        }
    }

    public static JsonNode FromYaml(byte[] body) => YamlToJson.Convert(body);
}
