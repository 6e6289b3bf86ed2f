using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.OpenApi;

namespace OrleansOrchestrator.Silo.Tests.Api.OpenApi;

public sealed class OpenApiSchemasTests
{
    private static readonly OpenApiSchemas Documented = new(ResourceKinds.All, ModelDocumentation.Load(typeof(KubeObject).Assembly));
    private static readonly OpenApiSchemas Undocumented = new(ResourceKinds.All, ModelDocumentation.Empty);

    private static JsonObject SchemaOf<T>(OpenApiSchemas schemas) => schemas.All[schemas.NameOf(typeof(T))];

    private static JsonObject Field<T>(string name, OpenApiSchemas? schemas = null) => SchemaOf<T>(schemas ?? Documented)["properties"]![name]!.AsObject();

    [Fact]
    public void Schemas_EveryRegisteredKind_CarriesItsGroupVersionKind()
    {
        foreach (var kind in ResourceKinds.All)
        {
            var gvk = Documented.All[Documented.NameOf(kind.ClrType)]["x-kubernetes-group-version-kind"];
            var expected = new JsonArray(new JsonObject { ["group"] = kind.Group, ["kind"] = kind.Kind, ["version"] = kind.Version });
            Assert.True(JsonNode.DeepEquals(expected, gvk), $"{kind}: {gvk?.ToJsonString()}");
        }
    }

    [Fact]
    public void Schemas_EveryRegisteredKind_DescribesItselfAndEveryTopLevelFieldInWords()
    {
        foreach (var kind in ResourceKinds.All)
        {
            var schema = Documented.All[Documented.NameOf(kind.ClrType)];
            Assert.False(string.IsNullOrWhiteSpace((string?)schema["description"]), $"{kind} has no description: document its record");
            var neutral = Undocumented.All[Undocumented.NameOf(kind.ClrType)]["properties"]!.AsObject();
            foreach (var (name, field) in schema["properties"]!.AsObject())
                Assert.True((string?)field!["description"] != (string?)neutral[name]!["description"],
                    $"{kind}.{name} has only the generated description: give the property a <summary>");
        }
    }

    [Fact]
    public void ComponentsFor_EachGroupVersion_HoldsEverySchemaItRefersTo()
    {
        foreach (var groupVersion in ResourceKinds.All.GroupBy(k => k.ApiVersion))
        {
            var components = Documented.ComponentsFor(groupVersion);
            foreach (var kind in groupVersion) Assert.True(components.ContainsKey(Documented.NameOf(kind.ClrType)), $"{kind} missing");
            var references = components.ToJsonString().Split("\"$ref\":\"#/components/schemas/").Skip(1).Select(r => r[..r.IndexOf('"')]);
            foreach (var reference in references) Assert.True(components.ContainsKey(reference), $"{groupVersion.Key}: {reference} is referred to but absent");
        }
    }

    [Fact]
    public void ComponentsFor_CoreGroup_LeavesOutSchemasOnlyOtherGroupsUse()
    {
        var core = Documented.ComponentsFor(ResourceKinds.All.Where(k => k.Group.Length == 0));

        Assert.False(core.ContainsKey(Documented.NameOf(typeof(DeploymentSpec))));
        Assert.True(core.ContainsKey(Documented.NameOf(typeof(PodSpec))));
    }

    [Fact]
    public void NameOf_ModelRecords_AreNamedAsKubernetesNamesThem()
    {
        Assert.Equal("io.k8s.api.core.v1.Pod", Documented.NameOf(typeof(Pod)));
        Assert.Equal("io.k8s.api.core.v1.PodSpec", Documented.NameOf(typeof(PodSpec)));
        Assert.Equal("io.k8s.api.core.v1.PodTemplateSpec", Documented.NameOf(typeof(PodTemplateSpec)));
        Assert.Equal("io.k8s.api.core.v1.HTTPGetAction", Documented.NameOf(typeof(HttpGetAction)));
        Assert.Equal("io.k8s.api.apps.v1.Deployment", Documented.NameOf(typeof(Deployment)));
        Assert.Equal("io.k8s.api.apps.v1.DeploymentSpec", Documented.NameOf(typeof(DeploymentSpec)));
        Assert.Equal("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", Documented.NameOf(typeof(ObjectMeta)));
        Assert.Equal("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector", Documented.NameOf(typeof(LabelSelector)));
    }

    [Fact]
    public void Schemas_ObjectFields_ReferToSharedSchemasWithTheirOwnDescription()
    {
        var spec = Field<Pod>("spec");
        var containers = Field<PodSpec>("containers");

        Assert.Equal("#/components/schemas/io.k8s.api.core.v1.PodSpec", (string?)spec["allOf"]![0]!["$ref"]);
        Assert.StartsWith("What the pod should run", (string?)spec["description"]);
        Assert.Equal("array", (string?)containers["type"]);
        Assert.Equal("#/components/schemas/io.k8s.api.core.v1.Container", (string?)containers["items"]!["$ref"]);
    }

    [Fact]
    public void Schemas_SpecialTypes_AreWrittenAsKubernetesWritesThem()
    {
        var targetPort = Field<ServicePort>("targetPort");
        var intOrString = Documented.All[((string)targetPort["allOf"]![0]!["$ref"]!).Split('/')[^1]];
        Assert.Equal("io.k8s.apimachinery.pkg.util.intstr.IntOrString", ((string)targetPort["allOf"]![0]!["$ref"]!).Split('/')[^1]);
        Assert.True((bool)intOrString["x-kubernetes-int-or-string"]!);

        var limits = Field<ResourceRequirements>("limits");
        Assert.Equal("object", (string?)limits["type"]);
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity", (string?)limits["additionalProperties"]!["$ref"]);
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity", (string?)Field<EmptyDirVolumeSource>("sizeLimit")["allOf"]![0]!["$ref"]);

        Assert.Equal(("string", "date-time"), ((string?)Field<ObjectMeta>("creationTimestamp")["type"], (string?)Field<ObjectMeta>("creationTimestamp")["format"]));
        Assert.Equal(("string", "date-time"), ((string?)Field<Event>("eventTime")["type"], (string?)Field<Event>("eventTime")["format"]));
        Assert.Equal("byte", (string?)Field<ConfigMap>("binaryData")["additionalProperties"]!["format"]);
        Assert.Equal("string", (string?)Field<ObjectMeta>("labels")["additionalProperties"]!["type"]);
        Assert.Equal(("integer", "int64"), ((string?)Field<PodSpec>("terminationGracePeriodSeconds")["type"], (string?)Field<PodSpec>("terminationGracePeriodSeconds")["format"]));
        Assert.Equal("boolean", (string?)Field<PodSpec>("hostNetwork")["type"]);
    }

    [Fact]
    public void Schemas_FieldNames_AreTheWireNames()
    {
        // ContainerPort.Number is written as containerPort; DaemonEndpoint.Port with a capital P.
        Assert.True(SchemaOf<ContainerPort>(Documented)["properties"]!.AsObject().ContainsKey("containerPort"));
        Assert.True(SchemaOf<DaemonEndpoint>(Documented)["properties"]!.AsObject().ContainsKey("Port"));
    }

    [Fact]
    public void Schemas_Required_ListsTheFieldsTheModelCannotLeaveOut()
    {
        static string[] Required<T>() => SchemaOf<T>(Documented)["required"]?.AsArray().Select(n => (string)n!).ToArray() ?? [];

        Assert.Contains("name", Required<Container>());
        Assert.DoesNotContain("image", Required<Container>());
        Assert.Equal(["port"], Required<ServicePort>());
        Assert.Equal(["containerPort"], Required<ContainerPort>());
        Assert.Contains("containers", Required<PodSpec>());
        Assert.Empty(Required<Pod>());   // metadata and spec are filled in by the model, as Kubernetes does
        Assert.Empty(Required<Deployment>());
    }

    [Fact]
    public void Schemas_FieldWithoutComment_GetsANeutralDescriptionFromItsName()
    {
        Assert.Equal("Termination grace period seconds.", (string?)Field<PodSpec>("terminationGracePeriodSeconds", Undocumented)["description"]);
        Assert.Equal("Host IP.", (string?)Field<ContainerPort>("hostIP", Undocumented)["description"]);
        Assert.Equal("Pod CIDRs.", (string?)Field<NodeSpec>("podCIDRs", Undocumented)["description"]);
    }
}
