using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Tests.Api.Admission;

public class AdmissionTests
{
    private const string WebDeployment = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
         "spec":{"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}
        """;

    private static JsonNode Body(string json) => JsonNode.Parse(json)!;

    private static JsonNode WebDeploymentWith(Action<JsonObject> change)
    {
        var body = Body(WebDeployment).AsObject();
        change(body);
        return body;
    }

    private static (KubeObject Object, IReadOnlyList<string> Warnings) Admit(JsonNode body, FieldValidation validation = FieldValidation.Strict) =>
        Silo.Api.Admission.Admission.Admit(body, ResourceKinds.Deployment, validation);

    [Fact]
    public void Admit_ValidDeployment_TypedAndDefaultedWithoutWarnings()
    {
        var (obj, warnings) = Admit(Body(WebDeployment));

        var deployment = Assert.IsType<Deployment>(obj);
        Assert.Empty(warnings);
        Assert.Equal("web", deployment.Metadata.Name);
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal("RollingUpdate", deployment.Spec.Strategy!.Type);
        Assert.Equal("Always", deployment.Spec.Template.Spec.Containers[0].ImagePullPolicy);
    }

    [Fact]
    public void Admit_UnknownFieldUnderStrict_422NamingTheField()
    {
        var body = WebDeploymentWith(d => d["spec"]!["foo"] = 1);

        var error = Assert.Throws<ApiException>(() => Admit(body, FieldValidation.Strict));

        Assert.Equal(422, error.Code);
        Assert.Equal("Invalid", error.Reason);
        Assert.Contains("unknown field \"spec.foo\"", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Deployment.apps \"web\" is invalid: ", error.Message, StringComparison.Ordinal);
        var cause = Assert.Single(error.Details!.Causes!);
        Assert.Equal("spec.foo", cause.Field);
    }

    [Fact]
    public void Admit_TwoUnknownFieldsUnderStrict_BothNamed()
    {
        var body = WebDeploymentWith(d =>
        {
            d["spec"]!["foo"] = 1;
            d["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePolicy"] = "Always";
        });

        var error = Assert.Throws<ApiException>(() => Admit(body));

        Assert.Equal(["spec.foo", "spec.template.spec.containers[0].imagePolicy"], error.Details!.Causes!.Select(c => c.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Admit_UnknownFieldUnderWarn_AdmittedWithWarning()
    {
        var (obj, warnings) = Admit(WebDeploymentWith(d => d["spec"]!["foo"] = 1), FieldValidation.Warn);

        Assert.IsType<Deployment>(obj);
        Assert.Equal(["unknown field \"spec.foo\""], warnings);
    }

    [Fact]
    public void Admit_UnknownFieldUnderIgnore_AdmittedSilently()
    {
        var (obj, warnings) = Admit(WebDeploymentWith(d => d["spec"]!["foo"] = 1), FieldValidation.Ignore);

        Assert.IsType<Deployment>(obj);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Admit_ReplicasAsWord_400NamingTheField()
    {
        var body = WebDeploymentWith(d => d["spec"]!["replicas"] = "three");

        var error = Assert.Throws<ApiException>(() => Admit(body));

        Assert.Equal(400, error.Code);
        Assert.Equal("BadRequest", error.Reason);
        Assert.StartsWith("Deployment in version \"v1\" cannot be handled as a Deployment: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("spec.replicas", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Admit_ObjectWhereListExpected_400()
    {
        var error = Assert.Throws<ApiException>(() => Admit(WebDeploymentWith(d => d["spec"]!["template"]!["spec"]!["containers"] = new JsonObject())));

        Assert.Equal(400, error.Code);
    }

    [Fact]
    public void Admit_KindMismatch_400()
    {
        var error = Assert.Throws<ApiException>(() => Admit(WebDeploymentWith(d => d["kind"] = "StatefulSet")));

        Assert.Equal(400, error.Code);
        Assert.Contains("StatefulSet", error.Message, StringComparison.Ordinal);
        Assert.Contains("Deployment", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Admit_ApiVersionMismatch_400()
    {
        var error = Assert.Throws<ApiException>(() => Admit(WebDeploymentWith(d => d["apiVersion"] = "extensions/v1beta1")));

        Assert.Equal(400, error.Code);
        Assert.Contains("extensions/v1beta1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Admit_NoTypeMeta_Admitted()
    {
        var body = WebDeploymentWith(d =>
        {
            d.Remove("apiVersion");
            d.Remove("kind");
        });

        Assert.IsType<Deployment>(Admit(body).Object);
    }

    [Fact]
    public void Admit_BodyNotAnObject_400()
    {
        Assert.Equal(400, Assert.Throws<ApiException>(() => Admit(Body("[1,2]"))).Code);
        Assert.Equal(400, Assert.Throws<ApiException>(() => Admit(Body("\"web\""))).Code);
    }

    [Fact]
    public void Admit_NamespaceBody_StatusActive()
    {
        var (obj, _) = Silo.Api.Admission.Admission.Admit(Body("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}}"""), ResourceKinds.Namespace, FieldValidation.Strict);

        Assert.Equal("Active", Assert.IsType<Namespace>(obj).Status!.Phase);
    }

    [Fact]
    public void Admit_SecretWithStringData_StoredAsData()
    {
        var (obj, _) = Silo.Api.Admission.Admission.Admit(
            Body("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"creds"},"stringData":{"password":"pw"}}"""), ResourceKinds.Secret, FieldValidation.Strict);

        var secret = Assert.IsType<Secret>(obj);
        Assert.Null(secret.StringData);
        Assert.Equal("pw"u8.ToArray(), secret.Data!["password"]);
    }

    [Fact]
    public void Validate_InvalidDeployment_422WithEveryCause()
    {
        var (obj, _) = Admit(WebDeploymentWith(d =>
        {
            d["spec"]!["replicas"] = -1;
            d["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().Remove("image");
        }));

        var error = Assert.Throws<ApiException>(() => Silo.Api.Admission.Admission.Validate(obj, ResourceKinds.Deployment));

        Assert.Equal(422, error.Code);
        Assert.Equal("Invalid", error.Reason);
        Assert.Equal("web", error.Details!.Name);
        Assert.Equal("apps", error.Details.Group);
        Assert.Equal(["spec.replicas", "spec.template.spec.containers[0].image"], error.Details.Causes!.Select(c => c.Field));
        Assert.Equal(
            "Deployment.apps \"web\" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.containers[0].image: Required value]",
            error.Message);
    }

    [Fact]
    public void Validate_SingleProblem_KubectlMessageWithoutBrackets()
    {
        var (obj, _) = Admit(WebDeploymentWith(d => d["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().Remove("image")));

        var error = Assert.Throws<ApiException>(() => Silo.Api.Admission.Admission.Validate(obj, ResourceKinds.Deployment));

        Assert.Equal("Deployment.apps \"web\" is invalid: spec.template.spec.containers[0].image: Required value", error.Message);
    }

    [Fact]
    public void Validate_ValidDeployment_DoesNotThrow()
    {
        var (obj, _) = Admit(Body(WebDeployment));

        Assert.Null(Record.Exception(() => Silo.Api.Admission.Admission.Validate(obj, ResourceKinds.Deployment)));
    }
}
