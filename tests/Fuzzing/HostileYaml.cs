using System.Text;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// What only YAML can say, put into a manifest written as YAML: anchors and aliases (a node that contains
/// itself, the "billion laughs" whose aliases expand exponentially, a large string repeated by alias), tags,
/// merge keys, keys that are not strings, several documents, deep flow nesting and odd implicit scalars.
/// </summary>
public static class HostileYaml
{
    /// <summary>Applies one YAML attack to <paramref name="body"/> (a manifest tree); answers what it did.</summary>
    public static string Apply(Random random, FuzzBody body)
    {
        var paths = JsonTree.Paths(body.Tree!);
        var path = paths[random.Next(paths.Count)];
        string At(string what, string flow)
        {
            JsonTree.Set(body.Tree!, path, body.Raw(flow));
            return $"{what} at {JsonTree.Format(path)}";
        }

        switch (random.Next(14))
        {
            case 0:
                return At("yaml alias cycle", random.Pick("&x {a: *x}", "&x [*x]", "&x {a: [b, {c: *x}]}"));
            case 1:
            {
                // The block form of the issue's report: the key's value is a mapping that contains itself.
                var key = body.Tree!.AsObject().Select(p => p.Key).Where(k => k is not ("apiVersion" or "kind")).ToList() is { Count: > 0 } keys
                    ? random.PickFrom(keys) : "data";
                body.Tree!.AsObject().Remove(key);
                body.YamlSuffix = $"{key}: &x\n  a: *x\n";
                return $"yaml alias cycle (block) at {key}";
            }
            case 2:
            {
                var levels = random.Next(3, 10);
                var fan = random.Next(3, 11);
                return At($"yaml billion laughs ({fan}^{levels})", Laughs(levels, fan));
            }
            case 3:
            {
                var size = random.Pick(1_000, 100_000, 1_000_000);
                var copies = random.Pick(10, 100, 1_000);
                return At($"yaml alias amplification ({size:N0} bytes x {copies})",
                    $"{{a: &big \"{new string('x', size)}\", b: [{string.Join(", ", Enumerable.Repeat("*big", copies))}]}}");
            }
            case 4:
                return At("yaml undefined alias", random.Pick("*nope", "[*nope]", "{<<: *nope}"));
            case 5:
                return At("yaml merge key", random.Pick("[&m {a: 1}, {<<: *m, b: 2}]", "{<<: [&n {a: 1}, {b: 2}], c: 3}", "{<<: 5}", "{<<: [1, 2]}"));
            case 6:
                return At("yaml anchors reused", random.Pick("[&v x, *v, *v]", "{a: &w {b: c}, d: *w}", "&self value"));
            case 7:
                return At("yaml tag", random.Pick("!!binary AAEC", "!!python/object/apply:os.system [\"true\"]", "!!timestamp 2001-12-14",
                    "!!int x", "!!float .nan", "!custom x", "!!set {a, b}", "!<tag:evil.example,2026:x> y", "!!str 5", "!!null \"\"", "!!map [a]", "!!seq {a: b}"));
            case 8:
            {
                var depth = random.Pick(50, 100, 1_000, 10_000, 100_000);
                var array = random.Next(2) == 0;
                return At($"yaml deep flow nesting ({depth}, {(array ? "sequences" : "mappings")})",
                    array ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{a: ", depth)) + "b" + new string('}', depth));
            }
            case 9:
                return At("yaml non-string keys", random.Pick("{[a, b]: 1}", "{{a: 1}: 2}", "{1: a, \"1\": b}", "{null: x}", "{true: y, \"true\": z}", "{? a}", "{~: v}"));
            case 10:
                return At("yaml implicit scalar", random.Pick(".inf", "-.inf", ".nan", "0x1F", "0o17", "1_000", "+1", "~", "yes", "on", "1e400", "2001-12-14", "0b101", "-0", "12:30:00"));
            case 11:
                body.YamlPrefix = random.Pick("%YAML 1.1\n---\n", "%TAG !e! tag:evil.example,2026:\n---\n", "%YAML 9.9\n---\n", "\uFEFF", "---\n");
                return $"yaml directive or document start ({body.YamlPrefix.Trim()})";
            case 12:
                body.YamlSuffix = random.Pick("---\n", "---\n" + YamlWriter.Write(body.Tree), "...\n", "---\n---\n", "--- |\n  text\n");
                return "yaml several documents";
            default:
                body.YamlTabs = true;
                return "yaml tab indentation";
        }
    }

    /// <summary>Nine anchors, each a sequence of <paramref name="fan"/> aliases to the previous: fan^levels leaves from a few hundred bytes.</summary>
    private static string Laughs(int levels, int fan)
    {
        var text = new StringBuilder("{l0: &a0 [");
        text.AppendJoin(", ", Enumerable.Repeat("lol", fan)).Append(']');
        for (var i = 1; i <= levels; i++)
            text.Append($", l{i}: &a{i} [").AppendJoin(", ", Enumerable.Repeat($"*a{i - 1}", fan)).Append(']');
        return text.Append('}').ToString();
    }
}
