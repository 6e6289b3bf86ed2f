using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Api;

/// <summary>
/// <c>kubectl explain</c>, two versions, against a running silo: both read our OpenAPI v3 documents, find a
/// kind's schema by its group-version-kind and print each field's type and the description from the model.
/// </summary>
public sealed class KubectlExplainTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    public static TheoryData<string> Versions => new() { "1.32", "1.29" };

    [Theory, MemberData(nameof(Versions))]
    public async Task Explain_Pods_PrintsTheKindAndItsFieldsWithDescriptions(string version)
    {
        var output = await fixture.Kubectl(version).Ok("explain pods");

        Assert.Contains("KIND:       Pod", output);
        Assert.Contains("VERSION:    v1", output);
        Assert.Contains("A group of containers that run together on one node", output);
        Assert.Contains("spec\t<PodSpec>", output);
        Assert.Contains("What the pod should run: its containers, volumes and scheduling", output);
        Assert.Contains("metadata\t<ObjectMeta>", output);
        Assert.Contains("status\t<PodStatus>", output);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Explain_DeploymentContainers_FollowsTheTemplateDownToTheContainerFields(string version)
    {
        var output = await fixture.Kubectl(version).Ok("explain deployments.spec.template.spec.containers");

        Assert.Contains("GROUP:      apps", output);
        Assert.Contains("KIND:       Deployment", output);
        Assert.Contains("FIELD: containers <[]Container>", output);
        Assert.Contains("The containers of the pod, started together", output);
        Assert.Contains("name\t<string> -required-", output);
        Assert.Contains("image\t<string>", output);
        Assert.Contains("The container image to run, e.g. nginx:1.25.", output);
        Assert.Contains("resources\t<ResourceRequirements>", output);
        Assert.Contains("livenessProbe\t<Probe>", output);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Explain_Services_PrintsSpecAndStatus(string version)
    {
        var output = await fixture.Kubectl(version).Ok("explain services");

        Assert.Contains("KIND:       Service", output);
        Assert.Contains("A stable virtual address and DNS name for a set of pods", output);
        Assert.Contains("spec\t<ServiceSpec>", output);
        Assert.Contains("status\t<ServiceStatus>", output);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Explain_ConfigMaps_PrintsTheDataFields(string version)
    {
        var output = await fixture.Kubectl(version).Ok("explain configmaps");

        Assert.Contains("KIND:       ConfigMap", output);
        Assert.Contains("data\t<map[string]string>", output);
        Assert.Contains("Text values by key", output);
        Assert.Contains("binaryData\t<map[string]string>", output);
        Assert.Contains("immutable\t<boolean>", output);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Explain_ServiceRecursive_PrintsNestedFieldsWithSpecialTypes(string version)
    {
        var output = await fixture.Kubectl(version).Ok("explain svc --recursive");

        Assert.Contains("  spec\t<ServiceSpec>", output);
        Assert.Contains("    ports\t<[]ServicePort>", output);
        Assert.Contains("      port\t<integer> -required-", output);
        Assert.Contains("      targetPort\t<IntOrString>", output);
        Assert.Contains("    labels\t<map[string]string>", output);
        Assert.Contains("      uid\t<string> -required-", output);   // metadata.ownerReferences[].uid
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Explain_FieldTheModelLacks_FailsNamingIt(string version)
    {
        var result = await fixture.Kubectl(version).Run("explain pods.spec.imagePolicy");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("field \"imagePolicy\" does not exist", result.All);
    }
}
