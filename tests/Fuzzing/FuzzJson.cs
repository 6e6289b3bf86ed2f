using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>How the fuzzer writes JSON: compact, non-ASCII as UTF-8 (not escaped), so byte-level mutations meet real text.</summary>
public static class FuzzJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Deep nesting is spliced in as text after writing; the trees themselves stay shallow.
        MaxDepth = 256,
    };

    public static string Write(JsonNode? node) => node?.ToJsonString(Options) ?? "null";
}
