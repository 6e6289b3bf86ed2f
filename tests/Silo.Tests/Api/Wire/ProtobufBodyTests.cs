using System.Text;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Silo.Api.Wire;
using OrleansOrchestrator.Silo.Tests.Api.Patching;

namespace OrleansOrchestrator.Silo.Tests.Api.Wire;

public class ProtobufBodyTests
{
    // Protobuf encoding by hand: each field is a varint tag (field << 3 | wire type) and, for wire type 2, a varint length.
    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        } while (value != 0);
        return [.. bytes];
    }

    private static byte[] Field(int number, byte[] value) => [.. Varint((ulong)(number << 3 | 2)), .. Varint((ulong)value.Length), .. value];

    private static byte[] Field(int number, string value) => Field(number, Encoding.UTF8.GetBytes(value));

    private static byte[] VarintField(int number, ulong value) => [.. Varint((ulong)(number << 3)), .. Varint(value)];

    private static byte[] MapEntry(int number, string key, string value) => Field(number, [.. Field(1, key), .. Field(2, value)]);

    private static byte[] Message(params byte[][] fields) => fields.SelectMany(f => f).ToArray();

    /// <summary>The body kubectl 1.32 sends for <c>create namespace</c>: magic + runtime.Unknown{typeMeta, raw}.</summary>
    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        [.. "k8s\0"u8, .. Message(Field(1, Message(Field(1, apiVersion), Field(2, kind))), Field(2, raw), Field(3, ""), Field(4, ""))];

    private static byte[] NamespaceBody() =>
        Envelope("v1", "Namespace", Message(Field(1, Message(Field(1, "team-a"), MapEntry(11, "env", "dev"), MapEntry(11, "owner", "alice")))));

    [Fact]
    public void Decode_KubectlCreateNamespace_JsonWithNameAndLabels()
    {
        var json = ProtobufBody.Decode(NamespaceBody());

        TestJson.AssertEqual("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","labels":{"env":"dev","owner":"alice"}}}""", json);
    }

    [Fact]
    public void Decode_NamespaceWithAnnotationsGenerateNameAndFinalizers_AllMapped()
    {
        var meta = Message(Field(2, "team-"), MapEntry(12, "note", "x"), Field(14, "example.com/a"), Field(14, "example.com/b"), VarintField(5, 1234));
        var spec = Message(Field(1, "kubernetes"));

        var json = ProtobufBody.Decode(Envelope("v1", "Namespace", Message(Field(1, meta), Field(2, spec))));

        TestJson.AssertEqual("""
            {"apiVersion":"v1","kind":"Namespace",
             "metadata":{"generateName":"team-","annotations":{"note":"x"},"finalizers":["example.com/a","example.com/b"]},
             "spec":{"finalizers":["kubernetes"]}}
            """, json);
    }

    [Fact]
    public void Decode_ConfigMap_DataAndBinaryData()
    {
        var raw = Message(
            Field(1, Message(Field(1, "cfg"), Field(3, "default"))),
            MapEntry(2, "app.properties", "x=1"),
            Field(3, Message(Field(1, "blob"), Field(2, new byte[] { 0, 1, 2, 255 }))));

        var json = ProtobufBody.Decode(Envelope("v1", "ConfigMap", raw));

        TestJson.AssertEqual("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"default"},
             "data":{"app.properties":"x=1"},"binaryData":{"blob":"AAEC/w=="}}
            """, json);
    }

    [Fact]
    public void Decode_Secret_DataAsBase64TypeAndStringData()
    {
        var raw = Message(
            Field(1, Message(Field(1, "creds"))),
            Field(2, Message(Field(1, "password"), Field(2, "s3cr3t!"))),
            Field(3, "Opaque"),
            MapEntry(4, "token", "t"));

        var json = ProtobufBody.Decode(Envelope("v1", "Secret", raw));

        TestJson.AssertEqual("""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"creds"},
             "data":{"password":"czNjcjN0IQ=="},"type":"Opaque","stringData":{"token":"t"}}
            """, json);
    }

    [Fact]
    public void Decode_LongLabelValue_MultiByteLengthVarint()
    {
        var value = new string('v', 300);
        var body = Envelope("v1", "Namespace", Message(Field(1, Message(Field(1, "ns"), MapEntry(11, "k", value)))));

        var json = ProtobufBody.Decode(body);

        Assert.Equal(value, (string?)json["metadata"]!["labels"]!["k"]);
    }

    [Fact]
    public void Decode_NonAsciiText_Utf8()
    {
        var json = ProtobufBody.Decode(Envelope("v1", "Namespace", Message(Field(1, Message(Field(1, "ns"), MapEntry(12, "description", "équipe ✓"))))));

        Assert.Equal("équipe ✓", (string?)json["metadata"]!["annotations"]!["description"]);
    }

    [Fact]
    public void Decode_WithoutMagic_400()
    {
        var error = Assert.Throws<ApiException>(() => ProtobufBody.Decode(NamespaceBody()[4..]));

        Assert.Equal(400, error.Code);
    }

    [Fact]
    public void Decode_ShorterThanMagic_400()
    {
        Assert.Equal(400, Assert.Throws<ApiException>(() => ProtobufBody.Decode("k8"u8.ToArray())).Code);
    }

    [Fact]
    public void Decode_LastByteMissing_400Truncated()
    {
        var body = NamespaceBody();

        var error = Assert.Throws<ApiException>(() => ProtobufBody.Decode(body[..^1]));

        Assert.Equal(400, error.Code);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_EndsInsideAVarint_400()
    {
        byte[] body = [.. "k8s\0"u8, 0x0A, 0x80];

        Assert.Equal(400, Assert.Throws<ApiException>(() => ProtobufBody.Decode(body)).Code);
    }

    [Fact]
    public void Decode_EveryTruncation_OnlyApiExceptions()
    {
        var body = NamespaceBody();

        for (var length = 0; length < body.Length; length++)
        {
            var exception = Record.Exception(() => ProtobufBody.Decode(body[..length]));
            if (exception is not null) Assert.IsType<ApiException>(exception);
        }
    }

    [Fact]
    public void Decode_GroupWireType_400()
    {
        byte[] body = [.. "k8s\0"u8, (1 << 3) | 3];

        Assert.Equal(400, Assert.Throws<ApiException>(() => ProtobufBody.Decode(body)).Code);
    }

    [Fact]
    public void Decode_KindWeCannotDecode_415()
    {
        var error = Assert.Throws<ApiException>(() => ProtobufBody.Decode(Envelope("apps/v1", "Deployment", Message(Field(1, Message(Field(1, "web")))))));

        Assert.Equal(415, error.Code);
        Assert.Equal("UnsupportedMediaType", error.Reason);
    }

    [Fact]
    public void Decode_ThroughBodyDecoder_SameJson()
    {
        var json = BodyDecoder.Decode(NamespaceBody(), "application/vnd.kubernetes.protobuf");

        Assert.Equal("team-a", (string?)json["metadata"]!["name"]);
        Assert.IsType<JsonObject>(json);
    }
}
