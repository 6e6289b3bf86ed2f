using OrleansOrchestrator.Silo.Api.Patching;

namespace OrleansOrchestrator.Silo.Tests.Api.Patching;

public class JsonMergePatchTests
{
    // RFC 7386, Appendix A (the row with a bare null patch is left out: Apply takes a patch node).
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Apply_Rfc7386Examples_MatchTheRfc(string target, string patch, string expected)
    {
        var result = JsonMergePatch.Apply(TestJson.Node(target), TestJson.Node(patch));

        TestJson.AssertEqual(expected, result);
    }

    [Fact]
    public void Apply_KubectlScalePatch_ChangesOnlyReplicas()
    {
        // kubectl scale deployment/web --replicas=5 PATCHes the scale subresource with exactly this body.
        var scale = TestJson.Node("""
            {"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web","namespace":"default"},
             "spec":{"replicas":2},"status":{"replicas":2,"selector":"app=web"}}
            """);

        var result = JsonMergePatch.Apply(scale, TestJson.Node("""{"spec":{"replicas":5}}"""));

        TestJson.AssertEqual("""
            {"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web","namespace":"default"},
             "spec":{"replicas":5},"status":{"replicas":2,"selector":"app=web"}}
            """, result);
    }

    [Fact]
    public void Apply_NullLabel_RemovesOnlyThatLabel()
    {
        var pod = TestJson.Node("""{"metadata":{"labels":{"app":"web","tier":"front"}}}""");

        var result = JsonMergePatch.Apply(pod, TestJson.Node("""{"metadata":{"labels":{"tier":null,"track":"stable"}}}"""));

        TestJson.AssertEqual("""{"metadata":{"labels":{"app":"web","track":"stable"}}}""", result);
    }

    [Fact]
    public void Apply_NoTarget_ReturnsPatchWithoutNulls()
    {
        var result = JsonMergePatch.Apply(null, TestJson.Node("""{"a":{"b":1,"c":null}}"""));

        TestJson.AssertEqual("""{"a":{"b":1}}""", result);
    }

    [Fact]
    public void Apply_Always_LeavesInputsUnchanged()
    {
        const string targetJson = """{"a":{"b":1,"c":[1,2]},"d":"x"}""";
        const string patchJson = """{"a":{"b":null,"c":[3],"e":{"f":1}},"d":null}""";
        var target = TestJson.Node(targetJson);
        var patch = TestJson.Node(patchJson);

        var result = JsonMergePatch.Apply(target, patch);

        TestJson.AssertEqual(targetJson, target);
        TestJson.AssertEqual(patchJson, patch);
        TestJson.AssertEqual("""{"a":{"c":[3],"e":{"f":1}}}""", result);
        Assert.Null(result.Parent);
    }
}
