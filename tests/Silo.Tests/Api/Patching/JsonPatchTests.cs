using OrleansOrchestrator.Silo.Api.Patching;

namespace OrleansOrchestrator.Silo.Tests.Api.Patching;

public class JsonPatchTests
{
    [Theory]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/b","value":{"c":2}}]""", """{"a":1,"b":{"c":2}}""")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/a","value":5}]""", """{"a":5}""")]
    [InlineData("""{"a":[1,3]}""", """[{"op":"add","path":"/a/1","value":2}]""", """{"a":[1,2,3]}""")]
    [InlineData("""{"a":[1,2]}""", """[{"op":"add","path":"/a/2","value":3}]""", """{"a":[1,2,3]}""")]
    [InlineData("""{"a":[1,2]}""", """[{"op":"add","path":"/a/-","value":3}]""", """{"a":[1,2,3]}""")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/b","value":null}]""", """{"a":1,"b":null}""")]
    [InlineData("""{"a":1,"b":2}""", """[{"op":"remove","path":"/a"}]""", """{"b":2}""")]
    [InlineData("""{"a":[1,2,3]}""", """[{"op":"remove","path":"/a/0"}]""", """{"a":[2,3]}""")]
    [InlineData("""{"a":{"b":1}}""", """[{"op":"replace","path":"/a/b","value":[true]}]""", """{"a":{"b":[true]}}""")]
    [InlineData("""{"a":{"b":1},"c":{}}""", """[{"op":"move","from":"/a/b","path":"/c/d"}]""", """{"a":{},"c":{"d":1}}""")]
    [InlineData("""{"a":[1,2,3,4]}""", """[{"op":"move","from":"/a/1","path":"/a/3"}]""", """{"a":[1,3,4,2]}""")]
    [InlineData("""{"a":{"b":[1]}}""", """[{"op":"copy","from":"/a/b","path":"/c"}]""", """{"a":{"b":[1]},"c":[1]}""")]
    [InlineData("""{"a":{"x":1,"y":[2]}}""", """[{"op":"test","path":"/a","value":{"y":[2],"x":1.0}}]""", """{"a":{"x":1,"y":[2]}}""")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"","value":["whole"]}]""", """["whole"]""")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/b","value":2},{"op":"test","path":"/b","value":2},{"op":"remove","path":"/a"}]""", """{"b":2}""")]
    public void Apply_Operation_ProducesRfc6902Result(string target, string operations, string expected)
    {
        var result = JsonPatch.Apply(TestJson.Node(target), TestJson.Array(operations));

        TestJson.AssertEqual(expected, result);
    }

    [Fact]
    public void Apply_KubectlRolloutUndo_ReplacesTemplateAndAnnotations()
    {
        var deployment = TestJson.Node("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"default","generation":3,
               "annotations":{"deployment.kubernetes.io/revision":"3","kubectl.kubernetes.io/last-applied-configuration":"{\"v\":3}\n"}},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
               "template":{"metadata":{"labels":{"app":"web"}},
                 "spec":{"containers":[{"name":"web","image":"nginx:1.26","ports":[{"containerPort":80,"protocol":"TCP"}]}]}}},
             "status":{"observedGeneration":3,"replicas":2}}
            """);
        // The body kubectl 1.32 sends for `rollout undo` (see shared/reference/kubectl-1.32-requests.txt, A14-undo).
        var undo = TestJson.Array("""
            [{"op":"replace","path":"/spec/template","value":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
               "spec":{"containers":[{"name":"web","image":"nginx:1.25","ports":[{"containerPort":80}],
                 "envFrom":[{"configMapRef":{"name":"web-config"}}],"resources":{}}]}}},
             {"op":"replace","path":"/metadata/annotations","value":{"deployment.kubernetes.io/revision":"2",
               "kubectl.kubernetes.io/last-applied-configuration":"{\"v\":2}\n"}}]
            """);

        var result = JsonPatch.Apply(deployment, undo);

        TestJson.AssertEqual("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"default","generation":3,
               "annotations":{"deployment.kubernetes.io/revision":"2","kubectl.kubernetes.io/last-applied-configuration":"{\"v\":2}\n"}},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
               "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
                 "spec":{"containers":[{"name":"web","image":"nginx:1.25","ports":[{"containerPort":80}],
                   "envFrom":[{"configMapRef":{"name":"web-config"}}],"resources":{}}]}}},
             "status":{"observedGeneration":3,"replicas":2}}
            """, result);
    }

    [Fact]
    public void Apply_FailedTest_ThrowsAndLeavesTargetUnchanged()
    {
        const string targetJson = """{"metadata":{"resourceVersion":"41"},"spec":{"replicas":2}}""";
        var target = TestJson.Node(targetJson);
        var operations = TestJson.Array("""
            [{"op":"replace","path":"/spec/replicas","value":3},
             {"op":"test","path":"/metadata/resourceVersion","value":"40"}]
            """);

        var error = Assert.Throws<PatchException>(() => JsonPatch.Apply(target, operations));

        Assert.Contains("test failed", error.Message);
        Assert.Contains("/metadata/resourceVersion", error.Message);
        TestJson.AssertEqual(targetJson, target);
    }

    [Theory]
    [InlineData("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration", """{"app":"web","a~b":"x","~1":"y"}""")]
    [InlineData("/metadata/annotations/a~0b", """{"app":"web","kubectl.kubernetes.io/last-applied-configuration":"{}","~1":"y"}""")]
    [InlineData("/metadata/annotations/~01", """{"app":"web","kubectl.kubernetes.io/last-applied-configuration":"{}","a~b":"x"}""")]
    public void Apply_EscapedPointer_RemovesTheNamedKey(string path, string expectedAnnotations)
    {
        var target = TestJson.Node("""
            {"metadata":{"annotations":{"app":"web","kubectl.kubernetes.io/last-applied-configuration":"{}","a~b":"x","~1":"y"}}}
            """);

        var result = JsonPatch.Apply(target, TestJson.Array($$"""[{"op":"remove","path":"{{path}}"}]"""));

        TestJson.AssertEqual($$$"""{"metadata":{"annotations":{{{expectedAnnotations}}}}}""", result);
    }

    [Theory]
    [InlineData("""[{"op":"add","path":"/missing/child","value":1}]""", "does not exist")]
    [InlineData("""[{"op":"replace","path":"/spec/paused","value":true}]""", "does not exist")]
    [InlineData("""[{"op":"remove","path":"/spec/paused"}]""", "does not exist")]
    [InlineData("""[{"op":"remove","path":"/spec/ports/2"}]""", "out of range")]
    [InlineData("""[{"op":"add","path":"/spec/ports/3","value":1}]""", "out of range")]
    [InlineData("""[{"op":"replace","path":"/spec/ports/01","value":1}]""", "not a valid array index")]
    [InlineData("""[{"op":"remove","path":"/spec/ports/-"}]""", "not a valid array index")]
    [InlineData("""[{"op":"add","path":"/spec/replicas/x","value":1}]""", "does not exist")]
    [InlineData("""[{"op":"add","path":"/spec/a~2b","value":1}]""", "invalid escape")]
    [InlineData("""[{"op":"add","path":"spec","value":1}]""", "must be empty or start with '/'")]
    [InlineData("""[{"op":"add","path":"/spec/x"}]""", "needs a \"value\"")]
    [InlineData("""[{"path":"/spec"}]""", "needs a string \"op\"")]
    [InlineData("""[{"op":"increment","path":"/spec/replicas"}]""", "unknown op")]
    [InlineData("""[{"op":"move","from":"/spec","path":"/spec/inner"}]""", "own children")]
    [InlineData("""[{"op":"copy","from":"/nothing","path":"/x"}]""", "does not exist")]
    [InlineData("""[{"op":"remove","path":""}]""", "whole document")]
    [InlineData("""["remove /spec"]""", "not an object")]
    public void Apply_UnsatisfiableOperation_ThrowsPatchException(string operations, string expectedMessagePart)
    {
        var target = TestJson.Node("""{"spec":{"replicas":2,"ports":[80,443]}}""");

        var error = Assert.Throws<PatchException>(() => JsonPatch.Apply(target, TestJson.Array(operations)));

        Assert.Contains(expectedMessagePart, error.Message);
    }

    [Fact]
    public void Apply_AddedValue_IsACopyOfTheOperationValue()
    {
        var operations = TestJson.Array("""[{"op":"add","path":"/labels","value":{"app":"web"}}]""");

        var result = JsonPatch.Apply(TestJson.Node("{}"), operations);
        result!["labels"]!["app"] = "changed";

        TestJson.AssertEqual("""[{"op":"add","path":"/labels","value":{"app":"web"}}]""", operations);
    }

    [Fact]
    public void Apply_CopiesDoublingTheDocument_RefusedOnceTheyExceedTheLimit()
    {
        var operations = TestJson.Array("[" + string.Join(",", Enumerable.Range(0, 40).Select(i => $$"""{"op":"copy","from":"/d","path":"/d/c{{i}}"}""")) + "]");

        var error = Assert.Throws<PatchException>(() => JsonPatch.Apply(TestJson.Node("""{"d":{"a":"1"}}"""), operations));

        Assert.Contains($"copies exceed {JsonPatch.MaxCopiedLength}", error.Message);
    }

    [Fact]
    public void Apply_CopiesWithinTheLimit_Applied()
    {
        var operations = TestJson.Array("""[{"op":"copy","from":"/d","path":"/d/c1"},{"op":"copy","from":"/d","path":"/d/c2"}]""");

        var result = JsonPatch.Apply(TestJson.Node("""{"d":{"a":"1"}}"""), operations);

        TestJson.AssertEqual("""{"d":{"a":"1","c1":{"a":"1"},"c2":{"a":"1","c1":{"a":"1"}}}}""", result);
    }
}
