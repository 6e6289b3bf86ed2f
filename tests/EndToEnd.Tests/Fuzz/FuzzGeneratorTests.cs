using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Fuzzing;

namespace OrleansOrchestrator.EndToEnd.Tests.Fuzz;

/// <summary>The fuzz generator on its own: replayable, covering every kind and shape, its seeds and skeletons true to the model.</summary>
public sealed class FuzzGeneratorTests
{
    private static readonly FuzzGenerator Generator = new(FuzzScope.Default);

    public static TheoryData<string> Kinds => new(ResourceKinds.All.Select(k => k.Kind));

    [Fact]
    public void Request_SameSeedAndIndex_IsTheSameRequest()
    {
        foreach (var index in new long[] { 0, 1, 77, 12_345 })
        {
            var a = Generator.Request(5, index);
            var b = Generator.Request(5, index);
            Assert.Equal(a.Describe(int.MaxValue), b.Describe(int.MaxValue));
            Assert.Equal(a.Body, b.Body);
        }
        Assert.NotEqual(Generator.Request(5, 0).Describe(), Generator.Request(6, 0).Describe());
    }

    [Fact]
    public void Requests_FirstThousandOfASeed_CoverEveryKindAndEveryShape()
    {
        var requests = Enumerable.Range(0, 1_000).Select(i => Generator.Request(1, i)).ToList();

        foreach (var kind in ResourceKinds.All)
            Assert.Contains(requests, r => r.PathAndQuery.Contains($"/{kind.Plural}", StringComparison.Ordinal) && r.Method == "POST");
        foreach (var shape in new[] { "POST create json", "POST create yaml", "POST create protobuf", "PUT replace json", "PATCH json-patch", "PATCH merge",
                     "PATCH strategic", "PATCH apply", "PUT status json", "PATCH merge/status", "GET scale", "DELETE", "DELETE with body json", "list", "watch", "GET raw path",
                     "exec without upgrade", "attach without upgrade", "portforward without upgrade" })
            Assert.Contains(requests, r => r.Shape.StartsWith(shape, StringComparison.Ordinal));
        foreach (var mutation in new[] { "valid", "wrong type", "null", "deep nesting", "invalid utf-8", "lone surrogate", "duplicate key", "truncated", "yaml alias cycle", "yaml billion laughs" })
            Assert.Contains(requests, r => r.MutationClass == mutation);
        Assert.Contains(requests, r => r.Caller == FuzzCaller.Viewer);
        Assert.All(requests, r => Assert.True(r.Body is null || r.Body.Length <= 3_300_000, $"{r.Describe()} is over the bound"));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void RealisticManifest_EveryRegisteredKind_ReadsAsItsRecord(string kindName)
    {
        var kind = ResourceKinds.All.Single(k => k.Kind == kindName);
        var manifest = RealisticManifests.For(kind, "fz-0");

        var obj = (KubeObject)JsonSerializer.Deserialize(FuzzJson.Write(manifest), kind.ClrType, KubeJson.Options)!;

        Assert.Equal("fz-0", obj.Metadata.Name);
        Assert.Equal(kind.Kind, obj.Kind);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Skeleton_EveryRegisteredKind_SetsFieldsDeepInsideItsRecord(string kindName)
    {
        var kind = ResourceKinds.All.Single(k => k.Kind == kindName);
        var skeleton = RealisticManifests.Skeleton(kind, "fz-0");

        JsonSerializer.Deserialize(FuzzJson.Write(skeleton), kind.ClrType, KubeJson.Options);
        Assert.True(JsonTree.Paths(skeleton).Count > 8, $"{kind.Kind}: {FuzzJson.Write(skeleton)}");
    }

    [Theory]
    [InlineData(65, true)]
    [InlineData(129, false)]
    public void Nested_Depth_NestsThatDeep(int depth, bool arrays)
    {
        var text = ManifestMutator.Nested(depth, arrays);

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { MaxDepth = 1_000 });
        var deepest = 0;
        while (reader.Read()) deepest = Math.Max(deepest, reader.CurrentDepth);
        Assert.Equal(depth, deepest);
    }

    [Fact]
    public void Body_RawSplices_AreWrittenVerbatimInJsonAndYaml()
    {
        var body = new FuzzBody(new JsonObject { ["a"] = "x" });
        body.Tree!["a"] = body.Raw([(byte)'"', 0xFF, (byte)'"']);

        Assert.Equal([.. "{\"a\":\""u8, 0xFF, .. "\"}"u8], body.Write(yaml: false));
        Assert.Equal([.. "\"a\": \""u8, 0xFF, .. "\"\n"u8], body.Write(yaml: true));
    }
}
