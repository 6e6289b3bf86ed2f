using System.Text.Json.Nodes;
using OrleansOrchestrator.Silo.Api.Patching;

namespace OrleansOrchestrator.Silo.Tests.Api.Patching;

public class JsonNormalizerTests
{
    [Theory]
    [InlineData("""{"a":1,"b":null}""", """{"a":1}""")]
    [InlineData("""{"a":1,"b":{},"c":[]}""", """{"a":1}""")]
    [InlineData("""{"a":1,"b":{"c":{"d":null,"e":[]}}}""", """{"a":1}""")]
    [InlineData("""{"a":[null,{},[],2]}""", """{"a":[2]}""")]
    [InlineData("""{"zero":0,"no":false,"empty":""}""", """{"zero":0,"no":false,"empty":""}""")]
    [InlineData("""{"a":null}""", """{}""")]
    [InlineData("""[{},null]""", """[]""")]
    [InlineData("\"text\"", "\"text\"")]
    public void DropNullsAndEmpties_Document_KeepsOnlyValuesThatSaySomething(string input, string expected)
    {
        var result = JsonNormalizer.DropNullsAndEmpties(TestJson.Node(input));

        TestJson.AssertEqual(expected, result);
    }

    [Fact]
    public void DropNullsAndEmpties_RolloutUndoTemplate_EqualsStoredTemplate()
    {
        // kubectl rollout undo sends the ReplicaSet's template as Go serialises it.
        var sentByKubectl = TestJson.Node("""
            {"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
             "spec":{"containers":[{"name":"web","image":"nginx:1.25","ports":[{"containerPort":80}],"resources":{}}]}}
            """);
        var stored = TestJson.Node("""
            {"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[{"name":"web","image":"nginx:1.25","ports":[{"containerPort":80}]}]}}
            """);

        var normalisedSent = JsonNormalizer.DropNullsAndEmpties(sentByKubectl);
        var normalisedStored = JsonNormalizer.DropNullsAndEmpties(stored);

        Assert.True(JsonNode.DeepEquals(normalisedSent, normalisedStored));
    }

    [Fact]
    public void DropNullsAndEmpties_Always_LeavesInputUnchanged()
    {
        const string inputJson = """{"a":{"b":null,"c":[{}]},"d":1}""";
        var input = TestJson.Node(inputJson);

        var result = JsonNormalizer.DropNullsAndEmpties(input);

        TestJson.AssertEqual(inputJson, input);
        TestJson.AssertEqual("""{"d":1}""", result);
        Assert.Null(result.Parent);
    }
}
