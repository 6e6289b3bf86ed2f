using System.Text;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// A request body under construction: a JSON tree in which some values (or keys) are marker strings, written
/// as JSON or YAML, after which each marker is replaced by raw bytes — text no tree can hold: invalid UTF-8,
/// lone surrogate escapes, numbers out of every range, nesting thousands deep, a key that is already there.
/// </summary>
public sealed class FuzzBody(JsonNode? tree)
{
    private readonly List<(byte[] Marker, byte[] Raw)> _splices = new();

    public JsonNode? Tree { get; set; } = tree;

    /// <summary>YAML only: text before the document (directives, a document start) and after it (more documents, a block of its own).</summary>
    public string YamlPrefix { get; set; } = "";

    public string YamlSuffix { get; set; } = "";

    /// <summary>YAML only: indent with tabs, which YAML forbids.</summary>
    public bool YamlTabs { get; set; }

    /// <summary>Where to cut the written bytes, as a fraction of their length (null: not cut).</summary>
    public double? TruncateAt { get; set; }

    /// <summary>A value that is written as <paramref name="raw"/>, verbatim (put it in the tree where the value goes).</summary>
    public JsonNode Raw(byte[] raw)
    {
        var marker = $"zzsplice{_splices.Count}zz";
        _splices.Add((Encoding.UTF8.GetBytes($"\"{marker}\""), raw));
        return JsonValue.Create(marker);
    }

    public JsonNode Raw(string raw) => Raw(Encoding.UTF8.GetBytes(raw));

    /// <summary>A key that is written as <paramref name="key"/> even though the object already has one of that name.</summary>
    public string DuplicateKey(string key)
    {
        var marker = $"zzdup{_splices.Count}zz";
        _splices.Add((Encoding.UTF8.GetBytes($"\"{marker}\""), Encoding.UTF8.GetBytes(FuzzJson.Write(JsonValue.Create(key)))));
        return marker;
    }

    public byte[] Write(bool yaml)
    {
        var text = yaml ? YamlPrefix + YamlWriter.Write(Tree) + YamlSuffix : FuzzJson.Write(Tree);
        if (yaml && YamlTabs) text = text.Replace("\n  ", "\n\t", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(text);
        foreach (var (marker, raw) in _splices) bytes = ReplaceFirst(bytes, marker, raw);
        if (TruncateAt is { } at) bytes = bytes[..(int)(bytes.Length * at)];
        return bytes;
    }

    private static byte[] ReplaceFirst(byte[] bytes, byte[] marker, byte[] raw)
    {
        var at = bytes.AsSpan().IndexOf(marker);
        if (at < 0) return bytes;
        return [.. bytes.AsSpan(0, at), .. raw, .. bytes.AsSpan(at + marker.Length)];
    }
}
