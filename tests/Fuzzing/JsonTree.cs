using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>The paths of a JSON document and edits at one path: what tree mutations are made of.</summary>
public static class JsonTree
{
    /// <summary>Every path below the root, parents before children (a path is its list of object keys and array indexes).</summary>
    public static List<object[]> Paths(JsonNode root)
    {
        var paths = new List<object[]>();
        void Walk(JsonNode? node, object[] path)
        {
            if (path.Length > 0) paths.Add(path);
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, child) in o) Walk(child, [.. path, key]);
                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++) Walk(a[i], [.. path, i]);
                    break;
            }
        }
        Walk(root, []);
        return paths;
    }

    public static JsonNode? Get(JsonNode root, object[] path)
    {
        var node = root;
        foreach (var step in path)
            node = step is string key ? node?[key] : node?[(int)step];
        return node;
    }

    /// <summary>Replaces the value at <paramref name="path"/> (which must exist) with <paramref name="value"/>.</summary>
    public static void Set(JsonNode root, object[] path, JsonNode? value)
    {
        var parent = Get(root, path[..^1])!;
        if (path[^1] is string key) parent.AsObject()[key] = value;
        else parent.AsArray()[(int)path[^1]] = value;
    }

    public static void Remove(JsonNode root, object[] path)
    {
        var parent = Get(root, path[..^1])!;
        if (path[^1] is string key) parent.AsObject().Remove(key);
        else parent.AsArray().RemoveAt((int)path[^1]);
    }

    /// <summary>The path as people write it: <c>spec.containers[0].image</c>.</summary>
    public static string Format(object[] path) =>
        path.Length == 0 ? "(root)" : string.Concat(path.Select((p, i) => p is int n ? $"[{n}]" : i == 0 ? (string)p : "." + p));
}
