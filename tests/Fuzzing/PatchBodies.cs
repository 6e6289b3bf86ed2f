using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// Patch documents built from a (mutated) manifest: JSON patches with good and bad operations and pointers
/// (including a chain of copies that doubles the document each time), merge patches of a part of the manifest,
/// and strategic-merge directives used right and wrong.
/// </summary>
public static class PatchBodies
{
    private static readonly string[] OddPointers =
    [
        "", "/", "spec", "/spec/containers/-", "/spec/template/spec/containers/999", "/spec/containers/-1", "/spec/containers/01",
        "/metadata/labels/a~1b", "/metadata/labels/a~2b", "/metadata/labels/~", "/spec/containers/99999999999999999999",
        "/metadata/namespace", "/metadata/name", "/kind", "/apiVersion", "/metadata/resourceVersion", "/metadata/uid", "/status/phase",
        "/metadata/labels/app/deeper", "//", "/metadata//labels",
    ];

    /// <summary>A JSON patch (RFC 6902) against a manifest like <paramref name="manifest"/>; answers it and what it tries.</summary>
    public static (JsonNode? Patch, string What) JsonPatch(Random random, JsonNode manifest)
    {
        switch (random.Next(10))
        {
            case 0:
            {
                // Each copy puts the whole of metadata inside itself: 2^n times the size from n small operations.
                var count = random.Pick(10, 20, 30, 40);
                var ops = new JsonArray();
                for (var i = 0; i < count; i++)
                    ops.Add(new JsonObject { ["op"] = "copy", ["from"] = "/metadata", ["path"] = $"/metadata/c{i}" });
                return (ops, $"json patch exponential copy ({count} ops)");
            }
            case 1:
                return (random.Pick<JsonNode?>(new JsonObject { ["op"] = "add" }, new JsonArray(1, "x", null), new JsonArray((JsonNode?)null),
                    "x", 5, null, new JsonArray(new JsonArray())), "json patch of the wrong shape");
            default:
            {
                var paths = JsonTree.Paths(manifest);
                var ops = new JsonArray();
                var count = random.Next(1, 6);
                for (var i = 0; i < count; i++)
                {
                    string Pointer() => random.Chance(0.3) ? random.PickFrom(OddPointers) : ToPointer(random.PickFrom(paths));
                    var op = new JsonObject { ["op"] = random.Pick<JsonNode?>("add", "remove", "replace", "move", "copy", "test", "bogus", "", null, 5) };
                    if (random.Chance(0.95)) op["path"] = random.Chance(0.05) ? ManifestMutator.WrongType(random, null) : Pointer();
                    if (random.Chance(0.7)) op["value"] = random.Chance(0.5) ? JsonTree.Get(manifest, random.PickFrom(paths))?.DeepClone() : ManifestMutator.WrongType(random, null);
                    if (random.Chance(0.4)) op["from"] = Pointer();
                    ops.Add(op);
                }
                return (ops, $"json patch ({count} ops)");
            }
        }
    }

    /// <summary>A merge patch: the whole manifest, or the part of it on the way to one field.</summary>
    public static JsonNode? MergePart(Random random, JsonNode manifest)
    {
        if (random.Chance(0.4)) return manifest.DeepClone();
        var paths = JsonTree.Paths(manifest);
        var path = random.PickFrom(paths);
        JsonNode? part = JsonTree.Get(manifest, path)?.DeepClone();
        for (var i = path.Length - 1; i >= 0; i--)
            part = path[i] is string key ? new JsonObject { [key] = part } : new JsonArray(part);
        return part;
    }

    /// <summary>Adds a strategic-merge directive to a patch body; answers which.</summary>
    public static string StrategicDirective(Random random, JsonNode patch)
    {
        var objects = JsonTree.Paths(patch).Where(p => JsonTree.Get(patch, p) is JsonObject).Prepend([]).ToList();
        var owner = random.PickFrom(objects);
        var target = (owner.Length == 0 ? patch : JsonTree.Get(patch, owner)!).AsObject();
        var (key, value) = random.PickFrom<(string, JsonNode?)>(
        [
            ("$patch", "delete"), ("$patch", "replace"), ("$patch", "merge"), ("$patch", "bogus"), ("$patch", 5),
            ("$setElementOrder/containers", new JsonArray(new JsonObject { ["name"] = "zzz" })), ("$setElementOrder/containers", "x"),
            ("$setElementOrder/containers", new JsonArray(1, null)), ("$retainKeys", new JsonArray("a")), ("$retainKeys", 5),
            ("$deleteFromPrimitiveList/finalizers", new JsonArray("x")), ("$deleteFromPrimitiveList/args", "x"),
            ("containers", new JsonArray(new JsonObject { ["image"] = "no-name" })), ("containers", new JsonArray(new JsonObject { ["name"] = 5 })),
            ("containers", new JsonArray(new JsonObject { ["name"] = "web", ["$patch"] = "delete" })),
            ("containers", new JsonArray(new JsonObject { ["name"] = "a" }, new JsonObject { ["name"] = "a" })),
            ("containers", new JsonArray(new JsonObject { ["$patch"] = "replace" })), ("ports", new JsonArray(new JsonObject { ["containerPort"] = "x" })),
            ("env", new JsonArray(new JsonObject { ["name"] = "MODE", ["$patch"] = "delete" }, "scalar")),
        ]);
        target[key] = value?.DeepClone();
        return $"strategic directive {key} at {JsonTree.Format(owner)}";
    }

    private static string ToPointer(object[] path) =>
        string.Concat(path.Select(p => "/" + (p is string s ? s.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal) : p.ToString())));
}
