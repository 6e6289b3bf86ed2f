using System.Text;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Tests.Api.Wire;

public class YamlEncoderTests
{
    private static JsonNode RoundTrip(JsonNode node) => BodyDecoder.FromYaml(Encoding.UTF8.GetBytes(YamlEncoder.Encode(node)));

    [Fact]
    public void Encode_Deployment_ReadsBackAsTheSameJson()
    {
        var deployment = JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"default","labels":{"app":"web","app.kubernetes.io/version":"1.0"},
                         "annotations":{"deployment.kubernetes.io/revision":"3","note":"a: b # not a comment"},
                         "creationTimestamp":"2024-06-01T12:00:00Z","generation":4},
             "spec":{"replicas":3,"paused":false,"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},
                                 "spec":{"containers":[{"name":"web","image":"nginx:1.27","args":["--port","8080","","true","null","0x1F"],
                                                        "env":[{"name":"GREETING","value":" padded "},{"name":"LINES","value":"one\ntwo"}],
                                                        "ports":[{"containerPort":8080}],
                                                        "resources":{"requests":{"cpu":"10m","memory":"0.5"}}}],
                                         "volumes":[],"nodeSelector":{}}}},
             "status":{"conditions":[{"type":"Available","status":"True"}],"ratio":1.5}}
            """)!;
        Assert.True(JsonNode.DeepEquals(deployment, RoundTrip(deployment)), YamlEncoder.Encode(deployment));
    }

    [Fact]
    public void Encode_ListOfMaps_StartsEachItemOnTheDashLine()
    {
        var yaml = YamlEncoder.Encode(JsonNode.Parse("""{"containers":[{"name":"a","image":"img-a"},{"name":"b","image":"img-b"}]}"""));
        Assert.Equal("containers:\n- name: a\n  image: img-a\n- name: b\n  image: img-b\n", yaml);
    }

    [Theory]
    [InlineData("3", "\"3\"")]
    [InlineData("yes", "\"yes\"")]
    [InlineData("y", "\"y\"")]
    [InlineData("", "\"\"")]
    [InlineData("- item", "\"- item\"")]
    [InlineData("plain text", "plain text")]
    [InlineData("10m", "10m")]
    public void Encode_StringThatYamlWouldMisread_IsQuoted(string text, string expected) =>
        Assert.Equal($"v: {expected}\n", YamlEncoder.Encode(new JsonObject { ["v"] = text }));
}
