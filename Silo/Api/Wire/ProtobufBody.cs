using System.Text;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Silo.Api.Wire;

/// <summary>
/// Decodes the protobuf bodies kubectl 1.32+ sends for <c>create namespace|configmap|secret</c>: the
/// <c>k8s\0</c> magic, a <c>runtime.Unknown</c> envelope (type meta + raw object), and from the object
/// its metadata and the few fields those commands set. Other kinds are refused with 415, which
/// kubectl reports plainly.
/// </summary>
public static class ProtobufBody
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    public static JsonNode Decode(byte[] body)
    {
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw ApiException.BadRequest("protobuf body lacks the k8s magic prefix");
        try
        {
            string apiVersion = "", kind = "";
            byte[] raw = [];
            foreach (var (field, value) in Fields(body.AsMemory(Magic.Length)))
            {
                if (field == 1)
                    foreach (var (f, v) in Fields(value))
                    {
                        if (f == 1) apiVersion = Text(v);
                        if (f == 2) kind = Text(v);
                    }
                if (field == 2) raw = value.ToArray();
            }
            var result = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
            foreach (var (field, value) in Fields(raw))
            {
                switch (kind, field)
                {
                    case (_, 1): result["metadata"] = Metadata(value); break;
                    case ("Namespace", 2): result["spec"] = NamespaceSpec(value); break;
                    case ("ConfigMap", 2): AddToMap(result, "data", value, Text); break;
                    case ("ConfigMap", 3): AddToMap(result, "binaryData", value, Base64); break;
                    case ("Secret", 2): AddToMap(result, "data", value, Base64); break;
                    case ("Secret", 3): result["type"] = Text(value); break;
                    case ("Secret", 4): AddToMap(result, "stringData", value, Text); break;
                }
            }
            if (kind is not ("Namespace" or "ConfigMap" or "Secret"))
                throw ApiException.UnsupportedMediaType($"application/vnd.kubernetes.protobuf ({kind})");
            return result;
        }
        catch (IndexOutOfRangeException)
        {
            throw ApiException.BadRequest("truncated protobuf body");
        }
    }

    private static JsonObject Metadata(ReadOnlyMemory<byte> bytes)
    {
        var meta = new JsonObject();
        foreach (var (field, value) in Fields(bytes))
        {
            switch (field)
            {
                case 1: meta["name"] = Text(value); break;
                case 2: meta["generateName"] = Text(value); break;
                case 3: meta["namespace"] = Text(value); break;
                case 11: AddToMap(meta, "labels", value, Text); break;
                case 12: AddToMap(meta, "annotations", value, Text); break;
                case 14: (meta["finalizers"] ??= new JsonArray()).AsArray().Add(Text(value)); break;
            }
        }
        return meta;
    }

    private static JsonObject NamespaceSpec(ReadOnlyMemory<byte> bytes)
    {
        var finalizers = new JsonArray();
        foreach (var (field, value) in Fields(bytes))
            if (field == 1) finalizers.Add(Text(value));
        return finalizers.Count > 0 ? new JsonObject { ["finalizers"] = finalizers } : new JsonObject();
    }

    /// <summary>A protobuf map entry is a message with key = field 1 and value = field 2.</summary>
    private static void AddToMap(JsonObject target, string name, ReadOnlyMemory<byte> entry, Func<ReadOnlyMemory<byte>, string> value)
    {
        string key = "", text = "";
        foreach (var (field, v) in Fields(entry))
        {
            if (field == 1) key = Text(v);
            if (field == 2) text = value(v);
        }
        ((target[name] ??= new JsonObject()).AsObject())[key] = text;
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    private static string Base64(ReadOnlyMemory<byte> bytes) => Convert.ToBase64String(bytes.Span);

    /// <summary>The length-delimited fields of a message; varint fields are skipped (none of the fields we read are varints).</summary>
    private static IEnumerable<(int Field, ReadOnlyMemory<byte> Value)> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message.Span, ref position);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0: ReadVarint(message.Span, ref position); break;
                case 1: position += 8; break;
                case 5: position += 4; break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref position);
                    if (length < 0 || position + length > message.Length) throw ApiException.BadRequest("truncated protobuf body");
                    yield return (field, message.Slice(position, length));
                    position += length;
                    break;
                default: throw ApiException.BadRequest($"unsupported protobuf wire type {tag & 7}");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = span[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw ApiException.BadRequest("malformed protobuf varint");
    }
}
