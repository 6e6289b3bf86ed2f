using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Silo.Api.Patching;

/// <summary>
/// JSON Patch (RFC 6902), the body of <c>application/json-patch+json</c>
/// (for example <c>kubectl rollout undo</c>, which replaces <c>/spec/template</c> and <c>/metadata/annotations</c>).
/// </summary>
public static class JsonPatch
{
    /// <summary>
    /// The most a patch's <c>copy</c> operations may copy in all, in characters of JSON: each copy can double the
    /// document, so forty operations of a few bytes would otherwise ask for terabytes. The request body limit,
    /// like Kubernetes' bound on a patch's accumulated copies.
    /// </summary>
    public const int MaxCopiedLength = 3 * 1024 * 1024;

    /// <summary>
    /// Applies <paramref name="operations"/> in order to a copy of <paramref name="target"/> and returns the copy.
    /// The whole patch fails with <see cref="PatchException"/> if any operation fails; the inputs are never modified.
    /// </summary>
    public static JsonNode? Apply(JsonNode? target, JsonArray operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var document = target?.DeepClone();
        var copied = 0L;
        for (var index = 0; index < operations.Count; index++)
        {
            if (operations[index] is not JsonObject operation)
            {
                throw new PatchException($"JSON patch operation {index} is not an object");
            }

            document = ApplyOperation(document, operation, index, ref copied);
        }

        return document;
    }

    private static JsonNode? ApplyOperation(JsonNode? document, JsonObject operation, int index, ref long copied)
    {
        var op = RequiredString(operation, "op", index);
        var path = JsonPointer.Parse(RequiredString(operation, "path", index));
        var context = $"JSON patch operation {index} ({op} {path})";
        switch (op)
        {
            case "add":
                return Add(document, path, RequiredValue(operation, index)?.DeepClone(), context);
            case "remove":
                Remove(document, path, context);
                return document;
            case "replace":
                return Replace(document, path, RequiredValue(operation, index)?.DeepClone(), context);
            case "move":
            {
                var from = JsonPointer.Parse(RequiredString(operation, "from", index));
                if (path.IsInside(from))
                {
                    throw new PatchException($"{context}: cannot move \"{from}\" into one of its own children");
                }

                if (path.Tokens.SequenceEqual(from.Tokens))
                {
                    Get(document, from, context);
                    return document;
                }

                var moved = Remove(document, from, context);
                return Add(document, path, moved, context);
            }
            case "copy":
            {
                var from = JsonPointer.Parse(RequiredString(operation, "from", index));
                var value = Get(document, from, context);
                copied += value?.ToJsonString().Length ?? 4;
                if (copied > MaxCopiedLength)
                {
                    throw new PatchException($"{context}: the patch's copies exceed {MaxCopiedLength} characters of JSON");
                }

                return Add(document, path, value?.DeepClone(), context);
            }
            case "test":
            {
                var expected = RequiredValue(operation, index);
                var actual = Get(document, path, context);
                if (!JsonNode.DeepEquals(actual, expected))
                {
                    throw new PatchException(
                        $"{context}: test failed, expected {ToJson(expected)} but found {ToJson(actual)}");
                }

                return document;
            }
            default:
                throw new PatchException($"JSON patch operation {index} has unknown op \"{op}\"");
        }
    }

    private static JsonNode? Add(JsonNode? document, JsonPointer path, JsonNode? value, string context)
    {
        if (path.IsRoot)
        {
            return value;
        }

        var (container, token) = ResolveParent(document, path, context);
        switch (container)
        {
            case JsonObject obj:
                obj[token] = value;
                break;
            case JsonArray array when token == "-":
                array.Add(value);
                break;
            case JsonArray array:
                array.Insert(ParseIndex(token, array.Count, allowEnd: true, context), value);
                break;
        }

        return document;
    }

    /// <summary>Removes the value at <paramref name="path"/> and returns it, detached from the document.</summary>
    private static JsonNode? Remove(JsonNode? document, JsonPointer path, string context)
    {
        if (path.IsRoot)
        {
            throw new PatchException($"{context}: cannot remove the whole document");
        }

        var (container, token) = ResolveParent(document, path, context);
        switch (container)
        {
            case JsonObject obj:
                if (!obj.TryGetPropertyValue(token, out var removed))
                {
                    throw MissingPath(context, path);
                }

                obj.Remove(token);
                return removed;
            case JsonArray array:
            {
                var position = ParseIndex(token, array.Count, allowEnd: false, context);
                var removedItem = array[position];
                array.RemoveAt(position);
                return removedItem;
            }
            default:
                throw MissingPath(context, path);
        }
    }

    private static JsonNode? Replace(JsonNode? document, JsonPointer path, JsonNode? value, string context)
    {
        if (path.IsRoot)
        {
            return value;
        }

        var (container, token) = ResolveParent(document, path, context);
        switch (container)
        {
            case JsonObject obj:
                if (!obj.ContainsKey(token))
                {
                    throw MissingPath(context, path);
                }

                obj[token] = value;
                break;
            case JsonArray array:
                array[ParseIndex(token, array.Count, allowEnd: false, context)] = value;
                break;
        }

        return document;
    }

    private static JsonNode? Get(JsonNode? document, JsonPointer path, string context)
    {
        if (path.IsRoot)
        {
            return document;
        }

        var (container, token) = ResolveParent(document, path, context);
        return container switch
        {
            JsonObject obj when obj.TryGetPropertyValue(token, out var value) => value,
            JsonArray array => array[ParseIndex(token, array.Count, allowEnd: false, context)],
            _ => throw MissingPath(context, path),
        };
    }

    /// <summary>Walks to the object or array that holds the last token of <paramref name="path"/>; every step must exist.</summary>
    private static (JsonNode Container, string Token) ResolveParent(JsonNode? document, JsonPointer path, string context)
    {
        var current = document;
        for (var depth = 0; depth < path.Tokens.Count - 1; depth++)
        {
            var token = path.Tokens[depth];
            current = current switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array => array[ParseIndex(token, array.Count, allowEnd: false, context)],
                _ => throw MissingPath(context, path),
            };
        }

        if (current is not (JsonObject or JsonArray))
        {
            throw MissingPath(context, path);
        }

        return (current, path.Tokens[^1]);
    }

    // RFC 6901: an array index is "0" or digits without a leading zero; "-" (past the end) is only valid for add.
    private static int ParseIndex(string token, int count, bool allowEnd, string context)
    {
        var wellFormed = token.Length > 0
            && token.All(char.IsAsciiDigit)
            && (token.Length == 1 || token[0] != '0');
        if (!wellFormed || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new PatchException($"{context}: \"{token}\" is not a valid array index");
        }

        var limit = allowEnd ? count : count - 1;
        if (index > limit)
        {
            throw new PatchException($"{context}: array index {index} is out of range (array has {count} items)");
        }

        return index;
    }

    private static string RequiredString(JsonObject operation, string member, int index)
    {
        if (operation[member] is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        throw new PatchException($"JSON patch operation {index} needs a string \"{member}\"");
    }

    // "value" may legitimately be JSON null, so presence is checked rather than the value.
    private static JsonNode? RequiredValue(JsonObject operation, int index) =>
        operation.TryGetPropertyValue("value", out var value)
            ? value
            : throw new PatchException($"JSON patch operation {index} needs a \"value\"");

    private static PatchException MissingPath(string context, JsonPointer path) =>
        new($"{context}: path \"{path}\" does not exist");

    private static string ToJson(JsonNode? node) => node?.ToJsonString() ?? "null";
}
