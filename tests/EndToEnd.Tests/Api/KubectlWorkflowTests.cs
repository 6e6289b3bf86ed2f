using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Api;

/// <summary>
/// The real kubectl, two versions, against a running silo: the everyday workflow end to end, and the
/// errors Kubernetes users know, printed with Kubernetes' own messages.
/// </summary>
public sealed class KubectlWorkflowTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    public static TheoryData<string> Versions => new() { "1.32", "1.29" };

    private static string Manifest(string ns, int replicas, string image = "nginx:1.25") => $$"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: web-config
          namespace: {{ns}}
        data:
          LOG_LEVEL: info
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: web-secret
          namespace: {{ns}}
        stringData:
          password: hunter2
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {{ns}}
          labels: {app: web}
        spec:
          replicas: {{replicas}}
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: {{image}}
                ports:
                - containerPort: 80
                envFrom:
                - configMapRef: {name: web-config}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          selector: {app: web}
          ports:
          - port: 80
            targetPort: 80
        """;

    private static string Namespace(string version) => "wf-" + version.Replace(".", "", StringComparison.Ordinal);

    [Theory, MemberData(nameof(Versions))]
    public async Task ApplyGetScaleDescribeDelete_Workflow_BehavesAsKubernetes(string version)
    {
        var kubectl = fixture.Kubectl(version);
        var ns = Namespace(version);

        Assert.Contains($"namespace/{ns} created", await kubectl.Ok($"create namespace {ns}"));

        var created = await kubectl.Ok("apply -f -", Manifest(ns, 2));
        Assert.Contains("configmap/web-config created", created);
        Assert.Contains("secret/web-secret created", created);
        Assert.Contains("deployment.apps/web created", created);
        Assert.Contains("service/web created", created);

        var again = await kubectl.Ok("apply -f -", Manifest(ns, 2));
        Assert.Contains("configmap/web-config unchanged", again);
        Assert.Contains("deployment.apps/web unchanged", again);
        Assert.Contains("service/web unchanged", again);

        var edited = await kubectl.Ok("apply -f -", Manifest(ns, 2, image: "nginx:1.26"));
        Assert.Contains("deployment.apps/web configured", edited);
        Assert.Contains("configmap/web-config unchanged", edited);
        Assert.Equal("nginx:1.26 2", await kubectl.Ok($"-n {ns} get deployment web -o jsonpath='{{.spec.template.spec.containers[0].image}} {{.metadata.generation}}'"));

        // Secret stringData was stored as data.
        Assert.Equal("aHVudGVyMg==", await kubectl.Ok($"-n {ns} get secret web-secret -o jsonpath='{{.data.password}}'"));

        var wide = await kubectl.Ok($"-n {ns} get deployments -o wide");
        Assert.Matches(@"NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR", wide);
        // No node runs anything here (no agent), so nothing is ready; the controllers have acted on the spec.
        Assert.Matches(@"web\s+0/2\s+\d+\s+0\s+\S+\s+web\s+nginx:1.26\s+app=web", wide);
        Assert.Matches(@"web\s+ClusterIP\s+\S+\s+<none>\s+80/TCP\s+\S+\s+app=web", await kubectl.Ok($"-n {ns} get svc -o wide"));

        var yaml = await kubectl.Ok($"-n {ns} get deployment web -o yaml");
        Assert.Contains("kind: Deployment", yaml);
        Assert.Contains("maxSurge: 25%", yaml);
        Assert.Contains("kubectl.kubernetes.io/last-applied-configuration", yaml);

        Assert.Contains("deployment.apps/web scaled", await kubectl.Ok($"-n {ns} scale deployment/web --replicas=5"));
        Assert.Equal("5 3", await kubectl.Ok($"-n {ns} get deployment web -o jsonpath='{{.spec.replicas}} {{.metadata.generation}}'"));

        var described = await kubectl.Ok($"-n {ns} describe deployment web");
        Assert.Matches(@"Replicas:\s+5 desired", described);
        Assert.Matches(@"Port:\s+80/TCP", described);
        Assert.Contains("web-config", described);
        Assert.Matches(@"Port:\s+<unset>\s+80/TCP", await kubectl.Ok($"-n {ns} describe service web"));

        var deleted = await kubectl.Ok("delete -f -", Manifest(ns, 5));
        Assert.Contains("deployment.apps \"web\" deleted", deleted);
        Assert.Contains("service \"web\" deleted", deleted);
        var gone = await kubectl.Run($"-n {ns} get deployment web");
        Assert.Contains("Error from server (NotFound): deployments.apps \"web\" not found", gone.Stderr);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task GetWatch_ObjectCreatedAfterwards_IsPrinted(string version)
    {
        var kubectl = fixture.Kubectl(version);
        var ns = Namespace(version) + "-watch";
        await kubectl.Ok($"create namespace {ns}");
        await kubectl.Ok($"-n {ns} run listed --image=busybox:1.36 --restart=Never");
        using var watch = kubectl.Start($"-n {ns} get pods -w");
        // kubectl lists first, then watches from the list's version.
        await Eventually.True(() => watch.Output.Contains("listed", StringComparison.Ordinal), "the initial list");

        await kubectl.Ok($"-n {ns} run watched --image=busybox:1.36 --restart=Never");
        await Eventually.True(() => watch.Output.Contains("watched", StringComparison.Ordinal), "the new pod in the watch output");
        Assert.Matches(@"watched\s+0/1\s+Pending", watch.Output);
        Assert.False(watch.HasExited, "get -w must keep watching");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task GetAllNamespaces_InChunks_ListsEveryObjectOnce(string version)
    {
        var kubectl = fixture.Kubectl(version);
        var label = "chunked-" + version.Replace('.', '-');
        var expected = new List<string>();
        foreach (var ns in new[] { Namespace(version) + "-chunk-b", Namespace(version) + "-chunk-a" })
        {
            await kubectl.Ok($"create namespace {ns}");
            for (var i = 0; i < 3; i++)
            {
                await kubectl.Ok($"-n {ns} create configmap c{i} --from-literal=k=v");
                await kubectl.Ok($"-n {ns} label configmap c{i} set={label}");
                expected.Add($"{ns} c{i}");
            }
        }

        // Two at a time: kubectl follows the continue tokens across namespaces (-v=6 logs each request).
        var listed = await kubectl.Run($"get configmaps -A -l set={label} --chunk-size=2 --no-headers -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name -v=6");

        Assert.Equal(0, listed.ExitCode);
        var rows = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => string.Join(' ', r.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), rows);
        Assert.Equal(3, listed.Stderr.Split('\n').Count(l => l.Contains("/api/v1/configmaps?", StringComparison.Ordinal) && l.Contains("limit=2", StringComparison.Ordinal)));
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Errors_AsKubernetesPrintsThem(string version)
    {
        var kubectl = fixture.Kubectl(version);
        var ns = Namespace(version) + "-errors";
        await kubectl.Ok($"create namespace {ns}");

        var missing = await kubectl.Run($"-n {ns} get deployment nope");
        Assert.Contains("Error from server (NotFound): deployments.apps \"nope\" not found", missing.Stderr);

        var unknownKind = await kubectl.Run("get widgets");
        Assert.Contains("the server doesn't have a resource type \"widgets\"", unknownKind.Stderr);

        var exists = await kubectl.Run($"create namespace {ns}");
        Assert.Contains($"Error from server (AlreadyExists): namespaces \"{ns}\" already exists", exists.Stderr);

        var noNamespace = await kubectl.Run("-n no-such-ns create configmap c --from-literal=a=b");
        Assert.Contains("namespaces \"no-such-ns\" not found", noNamespace.Stderr);

        var invalid = await kubectl.Run($"-n {ns} apply -f -", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: Bad_Name}
            spec:
              replicas: -1
              selector: {matchLabels: {app: a}}
              template:
                metadata: {labels: {app: b}}
                spec:
                  containers: [{name: c}]
            """);
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("The Deployment \"Bad_Name\" is invalid", invalid.Stderr);
        Assert.Contains("metadata.name: Invalid value: \"Bad_Name\"", invalid.Stderr);
        Assert.Contains("spec.replicas: Invalid value: -1: must be greater than or equal to 0", invalid.Stderr);
        Assert.Contains("spec.template.spec.containers[0].image: Required value", invalid.Stderr);
        Assert.Contains("`selector` does not match template `labels`", invalid.Stderr);

        var unknownField = await kubectl.Run($"-n {ns} apply -f -", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: strict}
            data: {a: b}
            extra: {x: 1}
            """);
        Assert.NotEqual(0, unknownField.ExitCode);
        Assert.Contains("unknown field \"extra\"", unknownField.Stderr);

        var unauthorized = await new Kubectl(version, WithToken(fixture.Silo.KubeconfigPath, "not-a-valid-token-000000")).Run("get pods");
        Assert.Contains("error: You must be logged in to the server", unauthorized.Stderr);

        // None of the refused objects exists.
        var configmaps = await kubectl.Ok($"-n {ns} get configmaps -o name");
        Assert.DoesNotContain("strict", configmaps);
        Assert.Contains("No resources found", (await kubectl.Run($"-n {ns} get deployments")).All);
    }

    private static string WithToken(string kubeconfig, string token)
    {
        var text = File.ReadAllLines(kubeconfig).Select(l => l.TrimStart().StartsWith("token:", StringComparison.Ordinal) ? $"    token: {token}" : l);
        var path = Path.Combine(Path.GetTempPath(), $"oo-kubeconfig-{Guid.NewGuid():N}");
        File.WriteAllLines(path, text);
        return path;
    }
}
