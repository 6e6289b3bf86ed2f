using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Security;

/// <summary>
/// A silo with its local agent on Docker, reachable from pods: the API listens on every address and the
/// <c>kubernetes</c> Service leads to this host's own address (<c>--advertise-address</c>), as docs/service-accounts.md
/// tells an operator to do. Pods' tokens live 40 s here, so a renewal happens within a test.
/// </summary>
public sealed class ServiceAccountFixture : IAsyncLifetime
{
    public const int TokenSeconds = 40;

    public string NodeName { get; } = $"e2e-sa-{Guid.NewGuid().ToString("N")[..8]}";

    public SiloProcess Silo { get; private set; } = null!;

    public Kubectl Admin { get; private set; } = null!;

    /// <summary>An administrator of tenant <c>team-b</c>.</summary>
    public const string OtherTenantAdmin = "team-b-admin-token-0123456789ab";

    /// <summary>kubectl as the administrator of tenant <c>team-b</c>.</summary>
    public Kubectl OtherTenant { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await TestImages.EnsureBusybox();
        // The address this host's default route leaves from: local, so a pod's packet DNAT-ed to it is delivered here.
        var route = await TestImages.Shell("ip -4 route get 192.0.2.255 || ip -4 route get 1.1.1.1");
        var hostAddress = Regex.Match(route, @"\bsrc (\d+\.\d+\.\d+\.\d+)").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(hostAddress), route);
        Silo = new SiloProcess(dockerAgent: true, extraArgs:
        [
            "--node-name", NodeName, "--bind-address", "0.0.0.0", "--advertise-address", hostAddress,
            "--service-account-token-seconds", $"{TokenSeconds}",
        ]);
        TokenFiles.WriteUsers(Silo);
        File.AppendAllText(Silo.TokenFilePath, $"\n{OtherTenantAdmin},carol,team-b,system:masters\n");
        await Silo.Start();
        Admin = new Kubectl("1.32", Silo.KubeconfigPath);
        OtherTenant = new Kubectl("1.32", Silo.KubeconfigPath, OtherTenantAdmin);
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await TestImages.RemoveNodeLeftovers(NodeName);
    }

    /// <summary>Runs a shell command in a pod's container through the engine; its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> InPod(string pod, string command, string container = "main")
    {
        var id = (await TestImages.Shell(
            $"docker ps -q --filter label=io.orleans-orchestrator.node={NodeName} --filter label=io.kubernetes.pod.name={pod} --filter label=io.kubernetes.container.name={container}")).Trim();
        Assert.False(string.IsNullOrEmpty(id), $"no running container {container} of pod {pod}");
        return await TestImages.Run("docker", "exec", id, "sh", "-c", command);
    }
}

/// <summary>
/// Service accounts end to end, with the real kubectl 1.32 and a KubernetesClient program in a pod: the default account
/// of every namespace, the token put into pods and renewed, <c>kubectl create token</c>, TokenReview, and revocation by
/// deleting the account.
/// </summary>
public sealed class ServiceAccountTests(ServiceAccountFixture fixture) : IClassFixture<ServiceAccountFixture>
{
    private const string TokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    private Kubectl As(string token) => new("1.32", fixture.Silo.KubeconfigPath, token);

    /// <summary>
    /// The pod runs the KubernetesClient program of tests/InClusterProbe with .NET inside its container: no .NET image is
    /// available here (no registry), so the busybox image gets this host's .NET runtime, its shared libraries and the
    /// program's folder as read-only hostPath volumes. Everything else is the pod's own: its network namespace, the
    /// <c>KUBERNETES_SERVICE_HOST</c> variables and the projected service account files the program configures itself from.
    /// </summary>
    private static string ProbePod(string ns, string account, string otherNamespace) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: probe
          namespace: {{ns}}
        spec:
          serviceAccountName: {{account}}
          containers:
          - name: main
            image: {{TestImages.Busybox}}
            command: ["/usr/share/dotnet/dotnet", "/app/OrleansOrchestrator.InClusterProbe.dll", "{{otherNamespace}}", "2"]
            env:
            - name: DOTNET_SYSTEM_GLOBALIZATION_INVARIANT
              value: "1"
            - name: LD_LIBRARY_PATH
              value: /usr/lib/x86_64-linux-gnu
            volumeMounts:
            - {name: dotnet, mountPath: /usr/share/dotnet, readOnly: true}
            - {name: libs, mountPath: /usr/lib/x86_64-linux-gnu, readOnly: true}
            - {name: libs, mountPath: /lib/x86_64-linux-gnu, readOnly: true}
            - {name: loader, mountPath: /lib64, readOnly: true}
            - {name: app, mountPath: /app, readOnly: true}
          volumes:
          - name: dotnet
            hostPath:
              path: /usr/share/dotnet
          - name: libs
            hostPath:
              path: /usr/lib/x86_64-linux-gnu
          - name: loader
            hostPath:
              path: /usr/lib64
          - name: app
            hostPath:
              path: {{RepoPaths.InClusterProbeDir}}
        """;

    [Fact]
    public async Task InClusterClient_ListsPodsOfItsNamespace_IsForbiddenElsewhere_AndKeepsWorkingWhenItsTokenIsRenewed()
    {
        var admin = fixture.Admin;
        await admin.Ok("create namespace sa-app");
        await admin.Ok("create namespace sa-other");
        await admin.Ok("create serviceaccount lister -n sa-app");
        await admin.Ok("create role pod-reader --verb=get,list,watch --resource=pods -n sa-app");
        await admin.Ok("create rolebinding lister-reads --role=pod-reader --serviceaccount=sa-app:lister -n sa-app");
        await admin.Ok("apply -f -", ProbePod("sa-app", "lister", "sa-other"));

        // The program's first lines: its own namespace listed, the other refused.
        var first = await Eventually.Value(async () => ProbeLines(await admin.Run("logs probe -n sa-app")).FirstOrDefault(l => l.Own == "200"),
            "the in-cluster client's first successful listing", TimeSpan.FromSeconds(90));
        Assert.Equal("403", first.Other);

        // The files as the container sees them: the namespace, the API's certificate, and a token of the pod's own.
        var (_, ns) = await fixture.InPod("probe", "cat /var/run/secrets/kubernetes.io/serviceaccount/namespace");
        Assert.Equal("sa-app", ns);
        var (_, ca) = await fixture.InPod("probe", "cat /var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", ca);
        var (written, _) = await fixture.InPod("probe", $"echo x > {TokenFile}");
        Assert.NotEqual(0, written); // read-only
        var (_, oldToken) = await fixture.InPod("probe", $"cat {TokenFile}");
        var claims = Claims(oldToken);
        Assert.Equal("system:serviceaccount:sa-app:lister", (string?)claims["sub"]);
        Assert.Equal("probe", (string?)claims["kubernetes.io"]!["pod"]!["name"]);
        Assert.Equal(ServiceAccountFixture.TokenSeconds, (long)claims["exp"]! - (long)claims["iat"]!);
        Assert.Contains("system:serviceaccount:sa-app:lister", await As(oldToken).Ok("auth whoami"));

        // Renewed at 80 % of its life: the file changes, and the program's requests with the new token still succeed.
        var renewed = await Eventually.Value(async () => ProbeLines(await admin.Run("logs probe -n sa-app"))
                .FirstOrDefault(l => l.Token != first.Token && l.Own == "200"),
            "a listing with a renewed token", TimeSpan.FromSeconds(ServiceAccountFixture.TokenSeconds * 2));
        Assert.Equal("403", renewed.Other);

        // The old token, once expired, is refused.
        await Eventually.True(async () => (await As(oldToken).Run("auth whoami")).Stderr.Contains("You must be logged in to the server"),
            "the first token to expire", TimeSpan.FromSeconds(ServiceAccountFixture.TokenSeconds * 2));

        // Deleting the pod revokes its token even before it expires.
        var (_, newToken) = await fixture.InPod("probe", $"cat {TokenFile}");
        Assert.Contains("system:serviceaccount:sa-app:lister", await As(newToken).Ok("auth whoami"));
        // kubectl create token bound to the pod: the same binding, asked for by a user.
        var bound = (await admin.Ok("create token lister -n sa-app --bound-object-kind Pod --bound-object-name probe")).Trim();
        Assert.Equal("probe", (string?)Claims(bound)["kubernetes.io"]!["pod"]!["name"]);
        Assert.Contains("system:serviceaccount:sa-app:lister", await As(bound).Ok("auth whoami"));
        var wrongAccount = await admin.Run("create token default -n sa-app --bound-object-kind Pod --bound-object-name probe");
        Assert.Contains("which runs as \"lister\"", wrongAccount.Stderr);

        await admin.Ok("delete pod probe -n sa-app --grace-period=1");
        await Eventually.True(async () => (await As(newToken).Run("auth whoami")).Stderr.Contains("You must be logged in to the server"),
            "the deleted pod's token to be refused", TimeSpan.FromSeconds(60));
        await Eventually.True(async () => (await As(bound).Run("auth whoami")).Stderr.Contains("You must be logged in to the server"),
            "the token kubectl bound to the deleted pod to be refused");
    }

    [Fact]
    public async Task EveryNamespaceHasADefaultAccount_PodsRunAsIt_AndANamedMissingAccountIsRefused()
    {
        var admin = fixture.Admin;
        await admin.Ok("create namespace sa-defaults");
        await Eventually.True(async () => (await admin.Run("get sa default -n sa-defaults")).ExitCode == 0, "the default ServiceAccount");
        Assert.Contains("default", await admin.Ok("get serviceaccounts -n sa-defaults"));

        await admin.Ok("delete sa default -n sa-defaults");
        await Eventually.True(async () => (await admin.Run("get sa default -n sa-defaults")).ExitCode == 0, "the default ServiceAccount made again");

        await admin.Ok($"run plain --image={TestImages.Busybox} -n sa-defaults --restart=Never --command -- sleep 3600");
        Assert.Equal("default", (await admin.Ok("get pod plain -n sa-defaults -o jsonpath={.spec.serviceAccountName}")).Trim());

        var refused = await admin.Run("apply -f -", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: ghost
              namespace: sa-defaults
            spec:
              serviceAccountName: ghost
              containers:
              - name: main
                image: example/c:1
            """);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("error looking up service account sa-defaults/ghost: serviceaccount \"ghost\" not found", refused.Stderr);

        // automountServiceAccountToken: false on the account: its pods get no token folder.
        await admin.Ok("apply -f -", """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: quiet
              namespace: sa-defaults
            automountServiceAccountToken: false
            """);
        await admin.Ok("apply -f -", $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: quiet
              namespace: sa-defaults
            spec:
              serviceAccountName: quiet
              containers:
              - name: main
                image: {{TestImages.Busybox}}
                command: ["sleep", "3600"]
            """);
        await admin.Ok("wait --for=condition=Ready pod/plain pod/quiet -n sa-defaults --timeout=60s");
        Assert.Equal(0, (await fixture.InPod("plain", $"test -s {TokenFile}", container: "plain")).ExitCode);
        Assert.NotEqual(0, (await fixture.InPod("quiet", "ls /var/run/secrets/kubernetes.io/serviceaccount")).ExitCode);
    }

    [Fact]
    public async Task CreateToken_AuthenticatesAsTheAccount_ReviewsWithinItsTenantOnly_AndStopsWhenTheAccountIsDeleted()
    {
        var admin = fixture.Admin;
        await admin.Ok("create namespace sa-tokens");
        await Eventually.True(async () => (await admin.Run("create token default -n sa-tokens")).ExitCode == 0, "a token of the default ServiceAccount");
        var token = (await admin.Ok("create token default -n sa-tokens --duration=15m")).Trim();
        var claims = Claims(token);
        Assert.Equal(900, (long)claims["exp"]! - (long)claims["iat"]!);
        Assert.Equal("https://kubernetes.default.svc.cluster.local", (string?)claims["aud"]![0]);

        var whoami = await As(token).Ok("auth whoami");
        Assert.Contains("system:serviceaccount:sa-tokens:default", whoami);
        Assert.Contains("system:serviceaccounts:sa-tokens", whoami);
        // No role grants the account anything yet.
        Assert.Contains("Forbidden", (await As(token).Run("get pods -n sa-tokens")).Stderr);

        // TokenReview: valid for the administrator of the token's tenant, unknown to another tenant.
        string Review(string t) => new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenReview", ["spec"] = new JsonObject { ["token"] = t },
        }.ToJsonString();
        var review = JsonNode.Parse(await admin.Ok("create --validate=false -o json -f -", Review(token)))!;
        Assert.True((bool)review["status"]!["authenticated"]!);
        Assert.Equal("system:serviceaccount:sa-tokens:default", (string?)review["status"]!["user"]!["username"]);
        await fixture.OtherTenant.Ok("create namespace sa-tokens"); // the same names exist in tenant team-b
        await Eventually.True(async () => (await fixture.OtherTenant.Run("get sa default -n sa-tokens")).ExitCode == 0, "team-b's default ServiceAccount");
        var elsewhere = JsonNode.Parse(await fixture.OtherTenant.Ok("create --validate=false -o json -f -", Review(token)))!;
        Assert.False((bool)elsewhere["status"]!["authenticated"]!);

        // The token re-signed claims for tenant team-b would need our key: with its signature kept, it is refused.
        var parts = token.Split('.');
        var forged = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        forged["orleans-orchestrator.io/tenant"] = "team-b";
        var forgedToken = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(forged.ToJsonString()))}.{parts[2]}";
        Assert.Contains("You must be logged in to the server", (await As(forgedToken).Run("auth whoami")).Stderr);

        // The issuer's keys are published; the discovery document names them.
        var discovery = JsonNode.Parse(await admin.Ok("get --raw /.well-known/openid-configuration"))!;
        Assert.Equal("https://kubernetes.default.svc.cluster.local", (string?)discovery["issuer"]);
        var jwks = JsonNode.Parse(await admin.Ok("get --raw /openid/v1/jwks"))!;
        Assert.Equal("ES256", (string?)jwks["keys"]![0]!["alg"]);

        // Deleting the account revokes the token (within the few seconds a valid token is remembered).
        await admin.Ok("delete sa default -n sa-tokens");
        await Eventually.True(async () => (await As(token).Run("auth whoami")).Stderr.Contains("You must be logged in to the server"),
            "the deleted account's token to be refused");
        // The account made again has another uid: the old token stays refused.
        await Eventually.True(async () => (await admin.Run("get sa default -n sa-tokens")).ExitCode == 0, "the default ServiceAccount made again");
        Assert.Contains("You must be logged in to the server", (await As(token).Run("auth whoami")).Stderr);

        // Hostile requests: too short a duration, an unknown account.
        var tooShort = await admin.Run("create token default -n sa-tokens --duration=1m");
        Assert.Contains("may not specify a duration less than 10 minutes", tooShort.Stderr);
        var missing = await admin.Run("create token nobody -n sa-tokens");
        Assert.Contains("serviceaccounts \"nobody\" not found", missing.Stderr);
    }

    private sealed record ProbeLine(string Token, string Own, string Other);

    private static IReadOnlyList<ProbeLine> ProbeLines(KubectlResult logs) =>
        [.. Regex.Matches(logs.Stdout, @"^token=(\w+) own=(\S+) other=(\S+)", RegexOptions.Multiline)
            .Select(m => new ProbeLine(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value))];

    private static JsonNode Claims(string token) => JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!;
}
