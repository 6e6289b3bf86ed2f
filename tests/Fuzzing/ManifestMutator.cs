using System.Text;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// One mutation of a manifest, at a random field path: a wrong type, a null, a missing field, nesting below and
/// above the parser's limits, a huge string, invalid UTF-8, a lone surrogate, a duplicate key, a number out of
/// range, hostile metadata, a mismatched kind, a cut at a random byte. Sometimes none: valid requests keep the
/// namespace populated, so that updates, patches and deletes meet real objects.
/// </summary>
public static class ManifestMutator
{
    /// <summary>Nesting depths around the limits that matter: the deserialiser's 64, the parser's 128, and far beyond.</summary>
    public static readonly int[] Depths = [2, 32, 63, 64, 65, 100, 127, 128, 129, 200, 1_000, 10_000, 100_000];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ];

    private static readonly string[] LoneSurrogates = ["\\ud800", "x\\udc00y", "\\ud800\\ud800", "\\udbff", "\\udfff\\ud800"];

    private static readonly string[] OddNumbers =
    [
        "1e400", "-1e400", "99999999999999999999", "-9223372036854775809", "9223372036854775808", "2147483648", "-2147483649",
        "1.0", "1.5", "-0", "1e2", "1e-400", "0.0000001", "NaN", "Infinity", "0x10", "01", "+1", ".5", "1.", "-",
    ];

    /// <summary>Mutates <paramref name="body"/> (a manifest of <paramref name="kind"/>) in place; answers what was done.</summary>
    public static string Mutate(Random random, FuzzBody body, ResourceKind kind, FuzzScope scope, bool yaml)
    {
        var tree = body.Tree!;
        var paths = JsonTree.Paths(tree);
        // Mutations at a path need one; those of a manifest's metadata and kind need a manifest.
        var hasPaths = paths.Count > 0 ? 1 : 0;
        var manifest = tree is JsonObject ? hasPaths : 0;
        var path = hasPaths == 1 ? paths[random.Next(paths.Count)] : [];
        var at = JsonTree.Format(path);
        var choice = random.Weighted(
            (10, "valid"), (14 * hasPaths, "wrong type"), (12 * hasPaths, "null"), (8 * hasPaths, "removed"), (6 * hasPaths, "deep nesting"),
            (2 * hasPaths, "huge string"), (6 * hasPaths, "invalid utf-8"), (6 * hasPaths, "lone surrogate"), (5 * manifest, "duplicate key"),
            (5 * hasPaths, "odd number"), (10 * manifest, "metadata"), (3 * manifest, "kind mismatch"), (3 * manifest, "unknown field"),
            (5 * manifest, "every field"), (6, "truncated"), (4, "whole body"), (yaml ? 14 * manifest : 0, "yaml"));
        switch (choice)
        {
            case "valid":
                return "valid";
            case "wrong type":
            {
                var value = WrongType(random, JsonTree.Get(tree, path));
                JsonTree.Set(tree, path, value);
                return $"wrong type ({FuzzJson.Write(value)}) at {at}";
            }
            case "null":
                JsonTree.Set(tree, path, null);
                return $"null at {at}";
            case "removed":
                JsonTree.Remove(tree, path);
                return $"field removed at {at}";
            case "deep nesting":
            {
                var depth = random.PickFrom(Depths);
                var arrays = random.Next(2) == 0;
                JsonTree.Set(tree, path, body.Raw(Nested(depth, arrays)));
                return $"deep nesting ({depth:N0} {(arrays ? "arrays" : "objects")}) at {at}";
            }
            case "huge string":
            {
                // Up to just under the 3 MiB body limit, now and then just over it.
                var length = random.Pick(10_000, 300_000, 1_000_000, 3_000_000, 3_200_000);
                JsonTree.Set(tree, path, JsonValue.Create(new string(random.Pick('x', 'é', '字'), length / 3)));
                return $"huge string ({length / 3:N0} chars) at {at}";
            }
            case "invalid utf-8":
            {
                var bytes = random.PickFrom(InvalidUtf8);
                JsonTree.Set(tree, path, body.Raw([(byte)'"', (byte)'a', .. bytes, (byte)'b', (byte)'"']));
                return $"invalid utf-8 ({Convert.ToHexString(bytes)}) at {at}";
            }
            case "lone surrogate":
            {
                var escape = random.PickFrom(LoneSurrogates);
                JsonTree.Set(tree, path, body.Raw($"\"{escape}\""));
                return $"lone surrogate ({escape}) at {at}";
            }
            case "duplicate key":
            {
                var objects = paths.Prepend([]).Where(p => JsonTree.Get(tree, p) is JsonObject { Count: > 0 }).ToList();
                var owner = random.PickFrom(objects);
                var target = JsonTree.Get(tree, owner)!.AsObject();
                var key = random.PickFrom(target.Select(p => p.Key).ToList());
                target[body.DuplicateKey(key)] = WrongType(random, target[key]);
                return $"duplicate key at {JsonTree.Format([.. owner, key])}";
            }
            case "odd number":
            {
                var number = random.PickFrom(OddNumbers);
                JsonTree.Set(tree, path, body.Raw(number));
                return $"odd number ({number}) at {at}";
            }
            case "metadata":
                return HostileMetadata(random, tree.AsObject(), scope);
            case "kind mismatch":
            {
                var other = random.PickFrom(scope.Kinds);
                tree["apiVersion"] = random.Pick<JsonNode?>(other.ApiVersion, "v2", "apps/v1beta1", "", null, 5);
                tree["kind"] = random.Pick<JsonNode?>(other.Kind, "", "Status", kind.Kind.ToLowerInvariant(), kind.Kind + "List", null, true);
                return $"kind mismatch ({FuzzJson.Write(tree["apiVersion"])}, {FuzzJson.Write(tree["kind"])})";
            }
            case "unknown field":
            {
                var objects = paths.Where(p => JsonTree.Get(tree, p) is JsonObject).ToList();
                var owner = objects.Count > 0 ? random.PickFrom(objects) : [];
                (owner.Length == 0 ? tree : JsonTree.Get(tree, owner)!).AsObject()["fuzzUnknown"] = "x";
                return $"unknown field at {JsonTree.Format(owner)}";
            }
            case "every field":
            {
                var name = tree["metadata"]?["name"]?.DeepClone();
                var skeleton = RealisticManifests.Skeleton(kind, "unused");
                skeleton["metadata"]!["name"] = name;
                body.Tree = skeleton;
                return "every field (skeleton)";
            }
            case "truncated":
                body.TruncateAt = random.NextDouble();
                return $"truncated ({body.TruncateAt:P0})";
            case "whole body":
            {
                var copy = tree.DeepClone();
                body.Tree = random.Pick<JsonNode?>(new JsonArray(), new JsonArray(copy), "x", 42, null, true, new JsonObject(),
                    new JsonArray(new JsonArray(new JsonArray())), new JsonArray(1, "two", null));
                return $"whole body ({(body.Tree is JsonArray { Count: 1 } a && a[0] is JsonObject ? "[manifest]" : FuzzJson.Write(body.Tree))})";
            }
            default:
                return HostileYaml.Apply(random, body);
        }
    }

    /// <summary>A value of another JSON type than <paramref name="current"/> (or a surprising one of the same).</summary>
    public static JsonNode? WrongType(Random random, JsonNode? current)
    {
        JsonNode?[] candidates =
        [
            "fuzz", "", 7, -1, 0, true, false, new JsonObject(), new JsonObject { ["a"] = "b" }, new JsonArray(),
            new JsonArray("x"), new JsonArray(1, 2), new JsonArray(new JsonArray()), 1.5, new JsonArray((JsonNode?)null),
        ];
        var kind = current?.GetValueKind();
        var others = candidates.Where(c => c?.GetValueKind() != kind).ToArray();
        return random.PickFrom(others)?.DeepClone();
    }

    /// <summary>Nesting of <paramref name="depth"/> levels, as text (a tree this deep cannot be written by the serialiser).</summary>
    public static string Nested(int depth, bool arrays) =>
        arrays
            ? new string('[', depth) + "1" + new string(']', depth)
            : new StringBuilder(depth * 7).Insert(0, "{\"a\":", depth).Append('1').Append('}', depth).ToString();

    private static string HostileMetadata(Random random, JsonObject manifest, FuzzScope scope)
    {
        if (manifest["metadata"] is not JsonObject metadata) manifest["metadata"] = metadata = new JsonObject();
        var (field, value) = random.PickFrom<(string, JsonNode?)>(
        [
            // Another namespace in the body than in the path: the write must not land there.
            ("namespace", scope.SentinelNamespace), ("namespace", "no-such-namespace"), ("namespace", ""), ("namespace", ".."),
            ("name", ""), ("name", "."), ("name", ".."), ("name", "a/b"), ("name", "UPPER"), ("name", new string('n', 254)),
            ("name", new string('n', 64)), ("name", "with space"), ("name", "%2e%2e"), ("name", "ü"), ("name", "-lead"), ("name", null),
            ("name", scope.SentinelNamespace),
            ("generateName", "fz-"), ("generateName", new string('g', 300)), ("generateName", "../"),
            ("resourceVersion", ""), ("resourceVersion", "abc"), ("resourceVersion", "0"), ("resourceVersion", "-1"),
            ("resourceVersion", "99999999999999999999"), ("resourceVersion", "1"), ("resourceVersion", 5),
            ("uid", "not-a-uid"), ("uid", ""), ("generation", -1), ("generation", "x"),
            ("creationTimestamp", "garbage"), ("creationTimestamp", "2026-13-45T99:99:99Z"), ("deletionTimestamp", "2026-01-01T00:00:00Z"),
            ("deletionTimestamp", "never"), ("deletionGracePeriodSeconds", -5),
            ("ownerReferences", new JsonArray(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "s-0", ["uid"] = "x", ["controller"] = true })),
            ("ownerReferences", new JsonArray(new JsonObject { ["kind"] = 5 })), ("ownerReferences", "x"),
            ("ownerReferences", new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = "fz-0", ["uid"] = "u", ["controller"] = true, ["blockOwnerDeletion"] = true },
                new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = "fz-0", ["uid"] = "v", ["controller"] = true })),
            ("finalizers", new JsonArray("x/y")), ("finalizers", new JsonArray("kubernetes")), ("finalizers", new JsonArray(1)),
            ("finalizers", new JsonArray("a", "a")),
            ("labels", new JsonObject { ["bad key!"] = "v" }), ("labels", new JsonObject { ["k"] = "value with spaces" }),
            ("labels", new JsonObject { ["a/b/c"] = "x" }), ("labels", new JsonObject { [""] = "" }), ("labels", new JsonObject { ["k"] = new string('v', 64) }),
            ("labels", new JsonObject { ["k"] = null }), ("labels", new JsonObject { ["k"] = 5 }),
            ("annotations", new JsonObject { ["big"] = new string('a', 270_000) }), ("annotations", new JsonObject { ["k"] = new JsonObject() }),
            ("managedFields", new JsonArray(new JsonObject { ["manager"] = 1 })), ("managedFields", "x"),
            ("managedFields", new JsonArray(new JsonObject { ["manager"] = "m", ["operation"] = "Apply", ["fieldsType"] = "FieldsV1", ["fieldsV1"] = new JsonObject { ["f:x"] = "y" } })),
            ("selfLink", "/api/v1/namespaces/" + scope.SentinelNamespace),
        ]);
        metadata[field] = value?.DeepClone();
        return $"metadata ({field}: {Shorten(FuzzJson.Write(metadata[field]))})";
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "…";
}
