using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Admission;

namespace OrleansOrchestrator.Silo.Tests.Api.Admission;

public class UnknownFieldsTests
{
    private static IReadOnlyList<string> Find<T>(string json) => UnknownFields.Find(JsonNode.Parse(json), typeof(T));

    private const string Deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","labels":{"app":"web","any.key/really":"x"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":"25%"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"app","image":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}],
             "resources":{"limits":{"cpu":"1","example.com/gpu":"1"}},"env":[{"name":"A","value":"1"}]}],
            "nodeSelector":{"disk":"ssd"}}}},
         "status":{"replicas":2,"conditions":[{"type":"Available","status":"True"}]}}
        """;

    [Fact]
    public void Find_FullyKnownDeployment_Nothing()
    {
        Assert.Empty(Find<Deployment>(Deployment));
    }

    [Fact]
    public void Find_UnknownSpecField_DottedPath()
    {
        Assert.Equal(["spec.foo"], Find<Deployment>("""{"spec":{"replicas":1,"foo":true}}"""));
    }

    [Fact]
    public void Find_UnknownFieldInContainer_PathWithIndex()
    {
        var json = """{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y","imagePolicy":"Always"}]}}}}""";

        Assert.Equal(["spec.template.spec.containers[1].imagePolicy"], Find<Deployment>(json));
    }

    [Fact]
    public void Find_MapKeys_NeverUnknown()
    {
        Assert.Empty(Find<Pod>("""{"metadata":{"labels":{"whatever":"x","spec":"y"},"annotations":{"foo":"bar"}},"spec":{"nodeSelector":{"foo":"bar"}}}"""));
    }

    [Fact]
    public void Find_TopLevelTypeMeta_Allowed()
    {
        Assert.Empty(Find<ConfigMap>("""{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"b"}}"""));
    }

    [Fact]
    public void Find_WrongCase_Unknown()
    {
        Assert.Equal(["Spec", "metadata.Name"], Find<Pod>("""{"Spec":{},"metadata":{"Name":"x"}}"""));
    }

    [Fact]
    public void Find_RenamedModelProperty_WireNameKnownClrNameUnknown()
    {
        var json = """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"number":81}]}]}}""";

        Assert.Equal(["spec.containers[0].ports[0].number"], Find<Pod>(json));
    }

    [Fact]
    public void Find_SeveralUnknownFields_AllInDocumentOrder()
    {
        var json = """{"metadata":{"name":"x","nmae":"y"},"spec":{"replicas":1,"replica":2,"template":{"spec":{"containers":[],"hostname2":"h"}}},"extra":1}""";

        Assert.Equal(["metadata.nmae", "spec.replica", "spec.template.spec.hostname2", "extra"], Find<Deployment>(json));
    }

    [Fact]
    public void Find_MisspelledOwnerReferenceField_PathWithIndex()
    {
        var json = """{"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"x","uid":"u","controler":true}]}}""";

        Assert.Equal(["metadata.ownerReferences[0].controler"], Find<Pod>(json));
    }

    [Fact]
    public void Find_NestedKindField_UnknownWhereTheModelHasNone()
    {
        Assert.Equal(["spec.template.metadata.kind"], Find<Deployment>("""{"spec":{"template":{"metadata":{"kind":"x"}}}}"""));
    }

    [Fact]
    public void Find_NullAndWrongTypedValues_NotReportedAsUnknown()
    {
        Assert.Empty(Find<Deployment>("""{"status":null,"spec":{"template":"oops","selector":null}}"""));
    }

    [Fact]
    public void Find_SecretData_ValuesAreOpaque()
    {
        Assert.Empty(Find<Secret>("""{"data":{"password":"czNjcjN0"},"stringData":{"token":"t"},"type":"Opaque"}"""));
    }

    [Fact]
    public void Find_EventFields_IncludingMicroTime()
    {
        Assert.Equal(["series"], Find<Event>("""{"involvedObject":{"kind":"Pod","name":"p"},"eventTime":"2024-01-02T03:04:05.000000Z","reason":"Pulled","series":{"count":2}}"""));
    }
}
