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

    /// <summary>The StatefulSet of the Kubernetes documentation (concepts/workloads/controllers/statefulset), with its headless Service.</summary>
    private const string DocumentationStatefulSet = """
        apiVersion: v1
        kind: Service
        metadata:
          name: nginx
          labels:
            app: nginx
        spec:
          ports:
          - port: 80
            name: web
          clusterIP: None
          selector:
            app: nginx
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: web
        spec:
          selector:
            matchLabels:
              app: nginx # has to match .spec.template.metadata.labels
          serviceName: "nginx"
          replicas: 3 # by default is 1
          minReadySeconds: 10 # by default is 0
          template:
            metadata:
              labels:
                app: nginx # has to match .spec.selector.matchLabels
            spec:
              terminationGracePeriodSeconds: 10
              containers:
              - name: nginx
                image: registry.k8s.io/nginx-slim:0.24
                ports:
                - containerPort: 80
                  name: web
                volumeMounts:
                - name: www
                  mountPath: /usr/share/nginx/html
          volumeClaimTemplates:
          - metadata:
              name: www
            spec:
              accessModes: [ "ReadWriteOnce" ]
              storageClassName: "my-storage-class"
              resources:
                requests:
                  storage: 1Gi
        """;

    /// <summary>The <c>pi</c> Job of the Kubernetes documentation (concepts/workloads/controllers/job).</summary>
    private static string DocumentationJob(string restartPolicy = "Never") => $$"""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: pi
        spec:
          template:
            spec:
              containers:
              - name: pi
                image: perl:5.34.0
                command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
              restartPolicy: {{restartPolicy}}
          backoffLimit: 4
        """;

    [Fact]
    public async Task Apply_StatefulSetOfTheDocumentation_StoredWithItsClaimTemplate()
    {
        var kubectl = fixture.Kubectl("1.32");
        var ns = Namespace("1.32") + "-sts";
        await kubectl.Ok($"create namespace {ns}");

        var applied = await kubectl.Ok($"-n {ns} apply -f -", DocumentationStatefulSet);

        Assert.Contains("service/nginx created", applied);
        Assert.Contains("statefulset.apps/web created", applied);
        Assert.Equal("www /usr/share/nginx/html 3",
            await kubectl.Ok($"-n {ns} get statefulset web -o jsonpath='{{.spec.volumeClaimTemplates[0].metadata.name}} {{.spec.template.spec.containers[0].volumeMounts[0].mountPath}} {{.spec.replicas}}'"));
        Assert.Contains("statefulset.apps/web unchanged", await kubectl.Ok($"-n {ns} apply -f -", DocumentationStatefulSet));
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Apply_JobOfTheDocumentation_StoredListedAndPrintedAsKubernetes(string version)
    {
        var kubectl = fixture.Kubectl(version);
        var ns = Namespace(version) + "-job";
        await kubectl.Ok($"create namespace {ns}");

        Assert.Contains("job.batch/pi created", await kubectl.Ok($"-n {ns} apply -f -", DocumentationJob()));
        Assert.Contains("job.batch/pi unchanged", await kubectl.Ok($"-n {ns} apply -f -", DocumentationJob()));

        // The selector is generated from the job's uid, as Kubernetes does, and the pods' labels with it.
        var uid = await kubectl.Ok($"-n {ns} get job pi -o jsonpath='{{.metadata.uid}}'");
        Assert.Equal($"{uid} {uid} pi 1 1 4 NonIndexed",
            await kubectl.Ok($"-n {ns} get job pi -o jsonpath='{{.spec.selector.matchLabels.batch\\.kubernetes\\.io/controller-uid}} {{.spec.template.metadata.labels.controller-uid}} {{.spec.template.metadata.labels.job-name}} {{.spec.completions}} {{.spec.parallelism}} {{.spec.backoffLimit}} {{.spec.completionMode}}'"));

        var table = await kubectl.Ok($"-n {ns} get jobs");
        Assert.Matches(@"NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE", table);
        Assert.Matches(@"pi\s+Running\s+0/1\s+\S+", table);
        var wide = await kubectl.Ok($"-n {ns} get jobs -o wide");
        Assert.Matches(@"CONTAINERS\s+IMAGES\s+SELECTOR", wide);
        Assert.Matches($@"pi\s+perl:5\.34\.0\s+batch\.kubernetes\.io/controller-uid={uid}", wide);
        Assert.Contains("job.batch/pi", await kubectl.Ok($"-n {ns} get all"));
        Assert.Matches(@"jobs\s+batch/v1\s+true\s+Job", await kubectl.Ok("api-resources --api-group=batch"));

        var always = await kubectl.Run($"-n {ns} apply -f -", DocumentationJob("Always").Replace("name: pi", "name: pi-always", StringComparison.Ordinal));
        Assert.NotEqual(0, always.ExitCode);
        Assert.Contains("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"", always.Stderr);

        Assert.Contains("job.batch \"pi\" deleted", await kubectl.Ok($"-n {ns} delete job pi"));
        Assert.Contains("No resources found", (await kubectl.Run($"-n {ns} get jobs")).All);
    }

    private static string WithToken(string kubeconfig, string token)
    {
        var text = File.ReadAllLines(kubeconfig).Select(l => l.TrimStart().StartsWith("token:", StringComparison.Ordinal) ? $"    token: {token}" : l);
        var path = Path.Combine(Path.GetTempPath(), $"oo-kubeconfig-{Guid.NewGuid():N}");
        File.WriteAllLines(path, text);
        return path;
    }
}
