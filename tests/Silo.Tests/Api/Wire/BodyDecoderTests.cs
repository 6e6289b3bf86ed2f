using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Silo.Api.Wire;
using OrleansOrchestrator.Silo.Tests.Api.Patching;

namespace OrleansOrchestrator.Silo.Tests.Api.Wire;

public class BodyDecoderTests
{
    private static JsonNode Yaml(string yaml) => BodyDecoder.Decode(Encoding.UTF8.GetBytes(yaml), "application/yaml");

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    [InlineData("application/merge-patch+json")]
    [InlineData("application/strategic-merge-patch+json")]
    [InlineData(null)]
    public void Decode_JsonMediaTypes_ParsedAsJson(string? contentType)
    {
        var json = BodyDecoder.Decode("""{"spec":{"replicas":3}}"""u8.ToArray(), contentType);

        TestJson.AssertEqual("""{"spec":{"replicas":3}}""", json);
    }

    [Fact]
    public void Decode_JsonPatch_Array()
    {
        var json = BodyDecoder.Decode("""[{"op":"replace","path":"/spec/replicas","value":2}]"""u8.ToArray(), "application/json-patch+json");

        Assert.IsType<JsonArray>(json);
    }

    [Fact]
    public void Decode_YamlManifest_JsonWithImplicitTypes()
    {
        var json = Yaml("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels:
                app: web
                version: "123"
            spec:
              replicas: 3
              paused: false
              template:
                spec:
                  terminationGracePeriodSeconds: -1
                  containers:
                  - name: app
                    image: nginx:1.25
                    args: ["--ratio", 1.5, true, null]
                    env:
                    - name: EMPTY
                      value: ""
                    - name: TILDE
                      value: ~
            """);

        TestJson.AssertEqual("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","labels":{"app":"web","version":"123"}},
             "spec":{"replicas":3,"paused":false,
              "template":{"spec":{"terminationGracePeriodSeconds":-1,
               "containers":[{"name":"app","image":"nginx:1.25","args":["--ratio",1.5,true,null],
                 "env":[{"name":"EMPTY","value":""},{"name":"TILDE","value":null}]}]}}}}
            """, json);
    }

    [Theory]
    [InlineData("v: \"123\"")]
    [InlineData("v: '123'")]
    [InlineData("v: \"true\"")]
    [InlineData("v: 'null'")]
    public void Decode_QuotedScalar_StaysAString(string yaml)
    {
        Assert.Equal(JsonValueKind.String, Yaml(yaml)["v"]!.GetValueKind());
    }

    [Theory]
    [InlineData("v: 8080", JsonValueKind.Number)]
    [InlineData("v: -3", JsonValueKind.Number)]
    [InlineData("v: 0.5", JsonValueKind.Number)]
    [InlineData("v: 1e3", JsonValueKind.Number)]
    [InlineData("v: true", JsonValueKind.True)]
    [InlineData("v: False", JsonValueKind.False)]
    [InlineData("v: 25%", JsonValueKind.String)]
    [InlineData("v: 1.2.3", JsonValueKind.String)]
    [InlineData("v: 250m", JsonValueKind.String)]
    [InlineData("v: nginx:latest", JsonValueKind.String)]
    public void Decode_PlainScalar_YamlImplicitType(string yaml, JsonValueKind kind)
    {
        Assert.Equal(kind, Yaml(yaml)["v"]!.GetValueKind());
    }

    [Theory]
    [InlineData("v: null")]
    [InlineData("v: ~")]
    [InlineData("v:")]
    public void Decode_NullScalar_JsonNull(string yaml)
    {
        var json = Yaml(yaml).AsObject();

        Assert.True(json.ContainsKey("v"));
        Assert.Null(json["v"]);
    }

    [Fact]
    public void Decode_BlockScalar_StringWithNewlines()
    {
        var json = Yaml("data:\n  app.properties: |\n    a=1\n    b=2\n");

        Assert.Equal("a=1\nb=2\n", (string?)json["data"]!["app.properties"]);
    }

    [Fact]
    public void Decode_ApplyPatchYamlWithJsonBody_ParsedLikeJson()
    {
        // kubectl apply --server-side sends JSON under the YAML media type.
        var json = BodyDecoder.Decode("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"port":"8080"},"n":3}"""u8.ToArray(), "application/apply-patch+yaml");

        TestJson.AssertEqual("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"port":"8080"},"n":3}""", json);
    }

    [Theory]
    [InlineData("{\"a\":")]
    [InlineData("{\"a\":1,}")]
    [InlineData("not json")]
    [InlineData("{'a':1}")]
    public void Decode_MalformedJson_400(string body)
    {
        var error = Assert.Throws<ApiException>(() => BodyDecoder.Decode(Encoding.UTF8.GetBytes(body), "application/json"));

        Assert.Equal(400, error.Code);
        Assert.Equal("BadRequest", error.Reason);
    }

    [Fact]
    public void Decode_JsonNull_400()
    {
        Assert.Equal(400, Assert.Throws<ApiException>(() => BodyDecoder.Decode("null"u8.ToArray(), "application/json")).Code);
    }

    [Theory]
    [InlineData("a: [1, 2")]
    [InlineData("a: b: c")]
    [InlineData("a:\n  - x\n y: z")]
    [InlineData("a: \"unterminated")]
    public void Decode_MalformedYaml_400(string body)
    {
        var error = Assert.Throws<ApiException>(() => BodyDecoder.Decode(Encoding.UTF8.GetBytes(body), "application/yaml"));

        Assert.Equal(400, error.Code);
    }

    [Fact]
    public void Decode_TwoYamlDocuments_400()
    {
        var error = Assert.Throws<ApiException>(() => Yaml("a: 1\n---\nb: 2\n"));

        Assert.Equal(400, error.Code);
    }

    [Fact]
    public void Decode_DuplicateYamlKey_400()
    {
        Assert.Equal(400, Assert.Throws<ApiException>(() => Yaml("a: 1\na: 2\n")).Code);
    }

    [Fact]
    public void Decode_DuplicateJsonKey_LastValueOrBadRequestNeverAnInternalError()
    {
        // Kubernetes keeps the last value (with a warning) or, under strict validation, answers 400.
        JsonNode? value = null;
        var exception = Record.Exception(() => value = BodyDecoder.Decode("""{"a":1,"a":2}"""u8.ToArray(), "application/json")["a"]);

        if (exception is null) Assert.Equal(2, (int?)value);
        else Assert.Equal(400, Assert.IsType<ApiException>(exception).Code);
    }

    [Fact]
    public void Decode_YamlKeyThatIsNotAScalar_400()
    {
        // Valid YAML, but JSON object keys are strings: Kubernetes answers "invalid map key" with 400.
        var exception = Record.Exception(() => Yaml("? [a, b]\n: c\n"));

        Assert.Equal(400, Assert.IsType<ApiException>(exception).Code);
    }

    [Fact]
    public void Decode_EmptyBody_400()
    {
        Assert.Equal(400, Assert.Throws<ApiException>(() => BodyDecoder.Decode([], "application/json")).Code);
    }

    [Theory]
    [InlineData("application/xml")]
    [InlineData("text/html")]
    [InlineData("application/x-www-form-urlencoded")]
    public void Decode_UnknownContentType_415(string contentType)
    {
        var error = Assert.Throws<ApiException>(() => BodyDecoder.Decode("{}"u8.ToArray(), contentType));

        Assert.Equal(415, error.Code);
        Assert.Equal("UnsupportedMediaType", error.Reason);
        Assert.Contains(contentType, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a":"\ud800"}""")]
    [InlineData("""{"a":"x\udc00y"}""")]
    [InlineData("""{"\ud800":"v"}""")]
    [InlineData("""{"a":["\udbff\u0041"]}""")]
    public void Decode_LoneSurrogateEscape_400(string body)
    {
        var error = Assert.Throws<ApiException>(() => BodyDecoder.Decode(Encoding.UTF8.GetBytes(body), "application/json"));

        Assert.Equal(400, error.Code);
        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ValidSurrogatePairAndNonAscii_Kept()
    {
        var json = BodyDecoder.Decode(Encoding.UTF8.GetBytes("""{"a":"\ud83d\ude00","b":"é😀"}"""), "application/json");

        Assert.Equal("😀", (string?)json["a"]);
        Assert.Equal("é😀", (string?)json["b"]);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xFF, (byte)'"', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC3, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    public void Decode_InvalidUtf8InAString_400(byte[] body)
    {
        var error = Assert.Throws<ApiException>(() => BodyDecoder.Decode(body, "application/json"));

        Assert.Equal(400, error.Code);
    }

    [Fact]
    public void Decode_JsonAtTheDepthLimit_AdmittedWithoutAnErrorOfOurs()
    {
        // What the parser accepts, the deserializer must accept too: one depth limit for both.
        var depth = OrleansOrchestrator.Contracts.Serialization.KubeJson.MaxDepth - 1;
        var body = $$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":{{new string('[', depth)}}{{new string(']', depth)}}}""";

        var json = BodyDecoder.Decode(Encoding.UTF8.GetBytes(body), "application/json");
        var (obj, _) = OrleansOrchestrator.Silo.Api.Admission.Admission.Admit(json, OrleansOrchestrator.Contracts.Model.ResourceKinds.ConfigMap,
            OrleansOrchestrator.Silo.Api.Admission.FieldValidation.Ignore);

        Assert.Equal("deep", obj.Metadata.Name);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100_000)]
    public void Decode_JsonBeyondTheDepthLimit_400(int beyond)
    {
        var depth = OrleansOrchestrator.Contracts.Serialization.KubeJson.MaxDepth + beyond;
        var body = "{\"x\":" + new string('[', depth) + new string(']', depth) + "}";

        Assert.Equal(400, Assert.Throws<ApiException>(() => BodyDecoder.Decode(Encoding.UTF8.GetBytes(body), "application/json")).Code);
    }
}
