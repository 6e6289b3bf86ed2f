using System.Text;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Api.Wire;
using OrleansOrchestrator.Silo.Tests.Api.Patching;

namespace OrleansOrchestrator.Silo.Tests.Api.Wire;

public class YamlToJsonTests
{
    private static JsonNode Convert(string yaml) => YamlToJson.Convert(Encoding.UTF8.GetBytes(yaml));

    private static ApiException Refused(string yaml) => Assert.Throws<ApiException>(() => Convert(yaml));

    [Fact]
    public void Convert_AliasToEarlierAnchor_CopiesTheNode()
    {
        var json = Convert("base: &env {name: A, value: '1'}\nfirst: *env\nlist: [&n 3, *n]\n*n : key-from-alias\n");

        TestJson.AssertEqual("""{"base":{"name":"A","value":"1"},"first":{"name":"A","value":"1"},"list":[3,3],"3":"key-from-alias"}""", json);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pt\ndata: &x\n  a: *x\n")]
    [InlineData("a: &x [1, *x]\n")]
    [InlineData("&x [*x]\n")]
    public void Convert_AliasInsideItsOwnAnchor_400(string yaml)
    {
        var error = Refused(yaml);

        Assert.Equal(400, error.Code);
        Assert.Contains("contains itself", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_UnknownAlias_400()
    {
        Assert.Contains("unknown anchor", Refused("a: *nowhere\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_BillionLaughs_400ExcessiveAliasingWithBoundedWork()
    {
        var yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 'b'; level <= 'i'; level++)
            yaml.Append($"{level}: &{level} [{string.Join(",", Enumerable.Repeat($"*{(char)(level - 1)}", 9))}]\n");
        // Allocation, not time, measures the work done: it does not depend on how busy the machine is. Before the
        // bound, these few hundred bytes allocated until the process ran out of memory.
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var error = Refused(yaml.ToString());

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Contains("excessive aliasing", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 128L * 1024 * 1024, $"allocated {allocated / (1024 * 1024)} MiB");
    }

    [Fact]
    public void Convert_OneHugeScalarAliasedOften_400ExcessiveAliasing()
    {
        // Few nodes, but each copy of a 1 MiB string is a megabyte more: the bound counts characters, not only nodes.
        var error = Refused($"a: &big {new string('x', 1024 * 1024)}\nb: [*big, *big, *big, *big, *big, *big, *big, *big]\n");

        Assert.Contains("excessive aliasing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_NestedToTheDepthLimit_ConvertsAndAdmits()
    {
        // The deepest YAML we accept must also be accepted by everything after the parser (no error of ours later).
        var depth = KubeJson.MaxDepth - 1;
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx: " + new string('[', depth) + new string(']', depth) + "\n";

        var json = Convert(yaml);
        var (obj, warnings) = Silo.Api.Admission.Admission.Admit(json, ResourceKinds.ConfigMap, FieldValidation.Warn);

        Assert.Equal("deep", obj.Metadata.Name);
        Assert.Single(warnings);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100_000)]
    public void Convert_NestedBeyondTheDepthLimit_400(int beyond)
    {
        var depth = KubeJson.MaxDepth + beyond;

        var error = Refused("x: " + new string('[', depth) + new string(']', depth));

        Assert.Contains("exceeded max depth", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_DeepBlockMappings_400()
    {
        var yaml = "data:\n" + string.Concat(Enumerable.Range(1, 5000).Select(i => new string(' ', i) + "a:\n"));

        Assert.Contains("exceeded max depth", Refused(yaml).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_AliasThatWouldNestTooDeep_400()
    {
        var half = KubeJson.MaxDepth / 2 + 1;
        var yaml = $"a: &deep {new string('[', half)}{new string(']', half)}\nb: {new string('[', half)}*deep{new string(']', half)}\n";

        Assert.Contains("exceeded max depth", Refused(yaml).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_InvalidUtf8_400()
    {
        var error = Assert.Throws<ApiException>(() => YamlToJson.Convert([.. "a: "u8, 0xFF, .. "\n"u8]));

        Assert.Equal(400, error.Code);
        Assert.Contains("invalid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: \"\\ud800\"\n")]
    [InlineData("\"\\udc00\": v\n")]
    public void Convert_LoneSurrogateEscape_400(string yaml)
    {
        Assert.Equal(400, Refused(yaml).Code);
    }

    [Theory]
    [InlineData("v: !!str 123")]
    [InlineData("v: !!str true")]
    public void Convert_StringTag_StaysAString(string yaml)
    {
        Assert.Equal(System.Text.Json.JsonValueKind.String, Convert(yaml)["v"]!.GetValueKind());
    }

    [Fact]
    public void Convert_MappingAsKey_400InvalidMapKey()
    {
        Assert.Contains("invalid map key", Refused("? {a: 1}\n: b\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_EmptyDocument_400()
    {
        Assert.Equal(400, Refused("# nothing\n").Code);
    }
}
