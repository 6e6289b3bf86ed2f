using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansOrchestrator.Contracts.Serialization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace OrleansOrchestrator.Silo.Api.Wire;

/// <summary>
/// A YAML request body as JSON, built from the parser's event stream with an explicit stack: nothing recurses as
/// deep as a client nests, and aliases are resolved here, where they can be bounded. An alias to a node still
/// being built (a cycle) is refused, nesting is limited to <see cref="KubeJson.MaxDepth"/> like JSON, and the
/// document may not grow through aliases beyond <see cref="MaxExpandedSize"/> (Kubernetes' decoder likewise
/// refuses "excessive aliasing"), so a few hundred bytes cannot become gigabytes. Every refusal is a 400.
/// </summary>
public static partial class YamlToJson
{
    /// <summary>
    /// How large the converted document may be, counted as one per node plus the characters of every scalar and
    /// key, aliases expanded. A document without aliases costs at most about its own length, so every body within
    /// <see cref="BodyDecoder.MaxBodyBytes"/> fits; aliases may repeat parts of a smaller one up to the same size,
    /// but a few hundred bytes cannot stand for more than a body could hold.
    /// </summary>
    public const long MaxExpandedSize = BodyDecoder.MaxBodyBytes;

    private const string StringTag = "tag:yaml.org,2002:str";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    public static JsonNode Convert(byte[] body)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException e)
        {
            throw ApiException.BadRequest($"error converting YAML to JSON: yaml: invalid UTF-8 at byte {e.Index}");
        }

        var parser = new Parser(new StringReader(text));
        var builder = new Builder();
        var documents = 0;
        while (Next(parser))
        {
            var current = parser.Current!;
            var line = current.Start.Line;
            switch (current)
            {
                case DocumentStart:
                    if (++documents > 1) throw ApiException.BadRequest("expected one YAML document, found more than one");
                    break;
                case MappingStart mapping:
                    builder.Open(new JsonObject(), mapping.Anchor, line);
                    break;
                case SequenceStart sequence:
                    builder.Open(new JsonArray(), sequence.Anchor, line);
                    break;
                case MappingEnd or SequenceEnd:
                    builder.Close();
                    break;
                case Scalar scalar:
                    builder.Scalar(scalar.Value, ValueOf(scalar, line), scalar.Anchor, line);
                    break;
                case AnchorAlias alias:
                    builder.Alias(alias.Value, line);
                    break;
            }
        }
        if (documents == 0) throw ApiException.BadRequest("expected one YAML document, found none");
        return builder.Root ?? throw ApiException.BadRequest("the request body is null");
    }

    /// <summary>
    /// The parser's next event. Whatever the parser throws on odd input is the input's fault, so a 400: the
    /// library's own parse errors carry a line, anything else it throws is reported as it is.
    /// </summary>
    private static bool Next(Parser parser)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (YamlException e)
        {
            throw Error(e.Start.Line, e.Message);
        }
        catch (Exception e) when (e is not (ApiException or OutOfMemoryException))
        {
            throw ApiException.BadRequest($"error converting YAML to JSON: yaml: {e.Message}");
        }
    }

    private static ApiException Error(long line, string message) =>
        ApiException.BadRequest($"error converting YAML to JSON: yaml: line {line}: {message}");

    /// <summary>Plain scalars carry YAML's implicit types (null, booleans, numbers); quoted or <c>!!str</c> ones are strings.</summary>
    private static JsonNode? ValueOf(Scalar scalar, long line)
    {
        var text = scalar.Value;
        if (HasLoneSurrogate(text)) throw Error(line, "a string holds an unpaired UTF-16 surrogate, which is not valid Unicode");
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && scalar.Tag.Value == StringTag)) return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return JsonValue.Create(integer);
        if (Float().IsMatch(text) && double.TryParse(text, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
            return JsonValue.Create(real);
        return JsonValue.Create(text);
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }

    /// <summary>What an anchor names: the node (copied at each alias), its key text if a scalar, its size and height.</summary>
    private sealed record Anchored(JsonNode? Node, string? Text, long Size, int Height);

    /// <summary>A mapping or sequence being built, with the key waiting for its value (mappings only).</summary>
    private sealed class Frame(JsonNode container, AnchorName anchor, long sizeAtOpen)
    {
        public JsonNode Container { get; } = container;
        public AnchorName Anchor { get; } = anchor;
        public long SizeAtOpen { get; } = sizeAtOpen;
        public string? Key { get; set; }
        public long KeyLine { get; set; }

        /// <summary>The height of the tallest container inside (0 when only scalars).</summary>
        public int ChildHeight { get; set; }
    }

    private sealed class Builder
    {
        private readonly Stack<Frame> _open = new();
        private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);

        /// <summary>Anchors whose node is still being built: an alias to one of them would contain itself.</summary>
        private readonly HashSet<string> _building = new(StringComparer.Ordinal);

        private long _size;
        private bool _hasRoot;

        public JsonNode? Root { get; private set; }

        public void Open(JsonNode container, AnchorName anchor, long line)
        {
            if (_open.Count >= KubeJson.MaxDepth) throw Error(line, $"exceeded max depth of {KubeJson.MaxDepth}");
            if (IsWaitingForKey) throw InvalidKey(line);
            Grow(1, line);
            Place(container, height: 0, line);
            if (!anchor.IsEmpty) _building.Add(anchor.Value);
            _open.Push(new Frame(container, anchor, _size - 1));
        }

        public void Close()
        {
            var frame = _open.Pop();
            var height = frame.ChildHeight + 1;
            if (_open.TryPeek(out var parent)) parent.ChildHeight = Math.Max(parent.ChildHeight, height);
            if (frame.Anchor.IsEmpty) return;
            _building.Remove(frame.Anchor.Value);
            _anchors[frame.Anchor.Value] = new Anchored(frame.Container, null, _size - frame.SizeAtOpen, height);
        }

        public void Scalar(string text, JsonNode? value, AnchorName anchor, long line)
        {
            var size = 1 + text.Length;
            if (!anchor.IsEmpty) _anchors[anchor.Value] = new Anchored(value, text, size, 0);
            Grow(size, line);
            if (IsWaitingForKey) SetKey(text, line);
            else Place(value, height: 0, line);
        }

        public void Alias(AnchorName name, long line)
        {
            if (_building.Contains(name.Value)) throw Error(line, $"anchor '{name.Value}' value contains itself");
            if (!_anchors.TryGetValue(name.Value, out var anchored)) throw Error(line, $"unknown anchor '{name.Value}' referenced");
            if (IsWaitingForKey)
            {
                if (anchored.Text is null) throw InvalidKey(line);
                Grow(anchored.Size, line);
                SetKey(anchored.Text, line);
                return;
            }
            if (_open.Count + anchored.Height > KubeJson.MaxDepth) throw Error(line, $"exceeded max depth of {KubeJson.MaxDepth}");
            // Checked before copying: the copy itself is what a billion laughs would make expensive.
            Grow(anchored.Size, line);
            Place(anchored.Node?.DeepClone(), anchored.Height, line);
        }

        private bool IsWaitingForKey => _open.TryPeek(out var top) && top.Container is JsonObject && top.Key is null;

        private void SetKey(string key, long line)
        {
            var top = _open.Peek();
            if (((JsonObject)top.Container).ContainsKey(key))
                throw Error(line, $"key \"{key}\" already set in map");
            top.Key = key;
            top.KeyLine = line;
        }

        private void Place(JsonNode? node, int height, long line)
        {
            if (!_open.TryPeek(out var top))
            {
                if (_hasRoot) throw Error(line, "more than one root node");
                (Root, _hasRoot) = (node, true);
                return;
            }
            top.ChildHeight = Math.Max(top.ChildHeight, height);
            if (top.Container is JsonArray array)
            {
                array.Add(node);
                return;
            }
            ((JsonObject)top.Container).Add(top.Key!, node);
            top.Key = null;
        }

        private void Grow(long size, long line)
        {
            _size += size;
            if (_size > MaxExpandedSize)
                throw Error(line, $"document contains excessive aliasing (it would expand beyond {MaxExpandedSize} characters)");
        }

        /// <summary>YAML allows any node as a key but JSON only strings (Kubernetes: "invalid map key").</summary>
        private static ApiException InvalidKey(long line) =>
            Error(line, "invalid map key: only strings, numbers and booleans can be keys");
    }
}
