using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Security;

/// <summary>
/// The operator administers tenants through the API with kubectl 1.32, on a silo whose node runs pods on Docker: a
/// Tenant applied makes the tenant at once (a token added for it sees its <c>default</c> namespace), its quota bounds
/// the pods of all its namespaces together, its users can neither see nor change Tenants, and deleting it stops its
/// containers and removes its objects. No restart in between.
/// </summary>
public sealed class TenantTests : IAsyncLifetime
{
    private const string Carol = "carol-acme-token-0123456789ab";
    private readonly string _node = $"e2e-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly SiloProcess _silo;

    public TenantTests() => _silo = new SiloProcess(extraArgs: ["--node-name", _node], dockerAgent: true);

    public async Task InitializeAsync()
    {
        await TestImages.EnsureBusybox();
        TokenFiles.WriteUsers(_silo);
        await _silo.Start();
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await TestImages.RemoveNodeLeftovers(_node);
    }

    private Kubectl As(string token) => new("1.32", _silo.KubeconfigPath, token);

    private Kubectl Operator => As(TokenFiles.Admin);

    private const string AcmeTenant = """
        apiVersion: tenancy.orleans-orchestrator.io/v1
        kind: Tenant
        metadata:
          name: acme
        spec:
          admins: [carol]
          quota:
            hard:
              pods: "3"
              requests.cpu: "2"
        """;

    private static string PodManifest(string ns, string name) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: {{ns}}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: {{TestImages.Busybox}}
            command: ["sleep", "3600"]
            resources:
              requests:
                cpu: 100m
        """;

    private async Task<IReadOnlyList<string>> Containers(string pod) =>
        (await TestImages.Shell($"docker ps -q --filter label=io.orleans-orchestrator.node={_node} --filter label=io.kubernetes.pod.name={pod}"))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task TenantApplied_ItsTokenWorksAtOnce_ItsQuotaRefusesTheFourthPodAcrossNamespaces_AndDeletingItStopsItsPods()
    {
        await Operator.Ok("apply -f -", AcmeTenant);
        var listed = await Operator.Ok("get tenants");
        Assert.Matches(@"NAME\s+STATUS\s+PODS\s+NAMESPACES\s+AGE", listed);
        Assert.Matches(@"acme\s+Active\s+\d/3\s+<none>", listed);

        File.AppendAllText(_silo.TokenFilePath, $"\n{Carol},carol,acme\n");
        var carol = As(Carol);
        // The token file is read again on its next use; the tenant and carol's binding were made by the apply.
        await Eventually.True(async () => (await carol.Run("get namespaces -o name")).Stdout.Contains("namespace/default"),
            "the new tenant's default namespace", TimeSpan.FromSeconds(30));
        Assert.Contains("service/kubernetes", await carol.Ok("get services -n default -o name"));
        await Eventually.True(async () => await Operator.Ok("get tenant acme -o jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}") == "Bootstrapped",
            "the tenant's Ready condition");

        await carol.Ok("create namespace dev");
        await carol.Ok("apply -f -", PodManifest("default", "acme-a"));
        await carol.Ok("apply -f -", PodManifest("default", "acme-b"));
        await carol.Ok("apply -f -", PodManifest("dev", "acme-c"));
        var refused = await carol.Run("apply -f -", PodManifest("dev", "acme-d"));

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("pods \"acme-d\" is forbidden: exceeded tenant quota: acme, requested: pods=1, used: pods=3, limited: pods=3", refused.Stderr);
        Assert.Contains("(Forbidden)", refused.Stderr);
        await Eventually.True(async () => (await Operator.Ok("get tenant acme -o jsonpath={.status.quota.used.pods}/{.status.quota.used.requests\\.cpu}")) == "3/300m",
            "the tenant's status.quota.used to show 3 pods and 300m of cpu");

        foreach (var pod in new[] { "acme-a", "acme-b", "acme-c" })
            await Eventually.True(async () => (await Containers(pod)).Count > 0, $"a container of {pod}", TimeSpan.FromSeconds(60));

        await Operator.Ok("delete tenant acme --timeout=120s");

        Assert.DoesNotContain("acme", await Operator.Ok("get tenants -o name"));
        foreach (var pod in new[] { "acme-a", "acme-b", "acme-c" })
            Assert.Empty(await Containers(pod));
        // Its roles and bindings went too: carol may do nothing now.
        Assert.Contains("(Forbidden)", (await carol.Run("get pods -A")).Stderr);

        // Made again under the same name, the tenant starts empty: its default namespace only, no pod.
        await Operator.Ok("apply -f -", AcmeTenant);
        await Eventually.True(async () => (await carol.Run("get namespaces -o name")).Stdout.Trim() == "namespace/default",
            "the re-made tenant's default namespace, alone", TimeSpan.FromSeconds(30));
        Assert.Contains("No resources found", (await carol.Run("get pods -A")).All);
    }

    [Fact]
    public async Task ATenantUser_CanNeitherSeeNorChangeTenants()
    {
        await Operator.Ok("apply -f -", AcmeTenant);
        var tenantUser = As(TokenFiles.OtherTenant);

        foreach (var verb in new[] { "get tenants", "get tenant acme", "delete tenant acme" })
        {
            var result = await tenantUser.Run(verb);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("(Forbidden)", result.Stderr);
        }
        var edited = await tenantUser.Run("apply -f -", AcmeTenant.Replace("\"3\"", "\"300\""));
        Assert.Contains("(Forbidden)", edited.Stderr);
        Assert.Equal("3", await Operator.Ok("get tenant acme -o jsonpath={.spec.quota.hard.pods}"));
    }

    [Fact]
    public async Task ADeploymentOverTheTenantQuota_ShowsFailedCreate_WithTheTenantQuotaReason()
    {
        await Operator.Ok("apply -f -", AcmeTenant.Replace("pods: \"3\"", "pods: \"2\""));
        File.AppendAllText(_silo.TokenFilePath, $"\n{Carol},carol,acme\n");
        var carol = As(Carol);
        await Eventually.True(async () => (await carol.Run("get namespaces -o name")).Stdout.Contains("namespace/default"),
            "the new tenant's default namespace", TimeSpan.FromSeconds(30));

        await carol.Ok("apply -f -", $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
            spec:
              replicas: 3
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: {{TestImages.Busybox}}
                    command: ["sleep", "3600"]
                    resources:
                      requests:
                        cpu: 100m
            """);

        var failed = await Eventually.Value(async () =>
            JsonNode.Parse(await carol.Ok("get events -n default --field-selector reason=FailedCreate -o json"))!["items"]!.AsArray().FirstOrDefault(),
            "a FailedCreate event of the ReplicaSet", TimeSpan.FromSeconds(60));
        Assert.Equal("ReplicaSet", failed!["involvedObject"]!["kind"]!.GetValue<string>());
        Assert.Matches("^Error creating: pods \"web-[a-z0-9-]+\" is forbidden: exceeded tenant quota: acme, requested: pods=1, used: pods=2, limited: pods=2$",
            failed["message"]!.GetValue<string>());
        Assert.Equal(2, JsonNode.Parse(await carol.Ok("get pods -n default -o json"))!["items"]!.AsArray().Count);
    }
}
