using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Controllers;

/// <summary>
/// ResourceQuota and LimitRange as a user of kubectl 1.32 meets them: refusals with Kubernetes' messages, a
/// Deployment held to its quota with the reason in its ReplicaSet's events, defaults written into pods, and the
/// usage <c>kubectl describe quota</c> shows (simulated nodes: the container engine is outside the unit under test).
/// </summary>
public sealed class QuotaTests : IAsyncLifetime
{
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "1"]);

    public Task InitializeAsync() => _silo.Start();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    private static string PodQuota(string ns, int pods) => $"""
        apiVersion: v1
        kind: ResourceQuota
        metadata:
          name: pod-quota
          namespace: {ns}
        spec:
          hard:
            pods: "{pods}"
        """;

    private static string Pod(string name, string ns, string resources = "") => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          containers:
          - name: web
            image: "example/web:1"
        {resources}
        """;

    [Fact]
    public async Task QuotaOfTwoPods_RefusesTheThird_AndDescribeShowsWhatIsUsed()
    {
        await Kubectl.Ok("create namespace quota-a");
        await Kubectl.Ok("apply -f -", PodQuota("quota-a", 2));
        await Kubectl.Ok("apply -f -", Pod("one", "quota-a"));
        await Kubectl.Ok("apply -f -", Pod("two", "quota-a"));

        var third = await Kubectl.Run("apply -f -", Pod("three", "quota-a"));

        Assert.NotEqual(0, third.ExitCode);
        Assert.Contains("Error from server (Forbidden)", third.Stderr);
        Assert.Contains("pods \"three\" is forbidden: exceeded quota: pod-quota, requested: pods=1, used: pods=2, limited: pods=2", third.Stderr);
        Assert.Contains("NotFound", (await Kubectl.Run("get pod three -n quota-a")).Stderr);

        await Eventually.True(async () => Regex.IsMatch(await Kubectl.Ok("describe quota pod-quota -n quota-a"), @"(?m)^pods\s+2\s+2\s*$"),
            "kubectl describe quota to show 2 of 2 pods used");
        Assert.Contains("pods: 2/2", await Kubectl.Ok("get quota -n quota-a"));

        // Once the usage is written the quota stays still: its own status write must not start another one for ever.
        string? lastVersion = null;
        var unchanged = 0;
        await Eventually.True(async () =>
        {
            var version = await Kubectl.Ok("get quota pod-quota -n quota-a -o jsonpath={.metadata.resourceVersion}");
            unchanged = version == lastVersion ? unchanged + 1 : 0;
            lastVersion = version;
            return unchanged >= 5;
        }, "the quota's resourceVersion to stay the same over five reads in a row");

        // A deleted pod gives its slot back.
        await Kubectl.Ok("delete pod one -n quota-a --grace-period=0 --force");
        await Eventually.True(async () => (await Kubectl.Run("apply -f -", Pod("three", "quota-a"))).ExitCode == 0, "the third pod to fit once one is gone");
    }

    [Fact]
    public async Task APodThatSucceeded_StopsCounting_AndItsSlotGoesToTheNext()
    {
        await Kubectl.Ok("create namespace quota-done");
        await Kubectl.Ok("apply -f -", PodQuota("quota-done", 1));
        await Kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: once
              namespace: quota-done
            spec:
              restartPolicy: Never
              containers:
              - name: job
                image: "example/job:1"
                command: ["sh", "-c", "sleep 5; exit 0"]
            """);
        // While it runs (five seconds) it holds the only slot.
        Assert.Contains("exceeded quota: pod-quota", (await Kubectl.Run("apply -f -", Pod("next", "quota-done"))).Stderr);

        await Eventually.True(async () => (await Kubectl.Ok("get pod once -n quota-done -o jsonpath={.status.phase}")).Trim() == "Succeeded",
            "the pod to succeed", TimeSpan.FromSeconds(60));
        await Eventually.True(async () => Regex.IsMatch(await Kubectl.Ok("describe quota pod-quota -n quota-done"), @"(?m)^pods\s+0\s+1\s*$"),
            "kubectl describe quota to show the ended pod no longer counted");
        await Kubectl.Ok("apply -f -", Pod("next", "quota-done"));

        // The ended pod cannot take its slot back behind the quota's back: a status write out of Succeeded must find room.
        var back = await Kubectl.Run("patch pod once -n quota-done --subresource=status --type=merge -p {\"status\":{\"phase\":\"Running\"}}");
        Assert.NotEqual(0, back.ExitCode);
        Assert.Contains("pods \"once\" is forbidden: exceeded quota: pod-quota, requested: pods=1, used: pods=1, limited: pods=1", back.Stderr);
        Assert.Equal("Succeeded", (await Kubectl.Ok("get pod once -n quota-done -o jsonpath={.status.phase}")).Trim());
    }

    [Fact]
    public async Task QuotaNamesThisClusterDoesNotCount_AreRefused_NotShownAsUnused()
    {
        await Kubectl.Ok("create namespace quota-names");
        var refused = await Kubectl.Run("apply -f -", """
            apiVersion: v1
            kind: ResourceQuota
            metadata:
              name: odd
              namespace: quota-names
            spec:
              hard:
                count/events: "10"
                requests.foo: "1"
            """);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("spec.hard[count/events]: Invalid value: \"count/events\": is not counted by this cluster", refused.Stderr);
        Assert.Contains("spec.hard[requests.foo]: Invalid value: \"requests.foo\": must be a standard resource for quota", refused.Stderr);
        Assert.Contains("NotFound", (await Kubectl.Run("get quota odd -n quota-names")).Stderr);

        // Any namespaced kind served here counts by count/<resource>.<group>.
        await Kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: ResourceQuota
            metadata:
              name: roles
              namespace: quota-names
            spec:
              hard:
                count/roles.rbac.authorization.k8s.io: "1"
            """);
        await Kubectl.Ok("create role reader -n quota-names --verb=get --resource=pods");
        var second = await Kubectl.Run("create role writer -n quota-names --verb=create --resource=pods");
        Assert.Contains("exceeded quota: roles, requested: count/roles.rbac.authorization.k8s.io=1, used: count/roles.rbac.authorization.k8s.io=1, limited: count/roles.rbac.authorization.k8s.io=1", second.Stderr);
    }

    [Fact]
    public async Task CreatesRacingForTheLastSlots_OnlyAsManyAsTheQuotaAllowsPass()
    {
        await Kubectl.Ok("create namespace quota-race");
        await Kubectl.Ok("apply -f -", PodQuota("quota-race", 3));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Kubectl.Run("create -f -", Pod($"racer-{i}", "quota-race"))));

        Assert.Equal(3, results.Count(r => r.ExitCode == 0));
        Assert.All(results.Where(r => r.ExitCode != 0), r => Assert.Contains("exceeded quota: pod-quota, requested: pods=1, used: pods=3, limited: pods=3", r.Stderr));
        Assert.Equal(3, JsonNode.Parse(await Kubectl.Ok("get pods -n quota-race -o json"))!["items"]!.AsArray().Count);
        await Eventually.True(async () => Regex.IsMatch(await Kubectl.Ok("describe quota pod-quota -n quota-race"), @"(?m)^pods\s+3\s+3\s*$"),
            "kubectl describe quota to show 3 of 3 pods used");
    }

    [Fact]
    public async Task ServerDryRuns_AreAnsweredAsTheCreateWouldBe_AndHoldNoSlot()
    {
        await Kubectl.Ok("create namespace quota-d");
        await Kubectl.Ok("apply -f -", PodQuota("quota-d", 1));

        await Kubectl.Ok("apply --dry-run=server -f -", Pod("one", "quota-d"));
        await Kubectl.Ok("apply --dry-run=server -f -", Pod("one", "quota-d"));
        await Kubectl.Ok("apply -f -", Pod("one", "quota-d"));

        var dryRun = await Kubectl.Run("apply --dry-run=server -f -", Pod("two", "quota-d"));
        Assert.Contains("pods \"two\" is forbidden: exceeded quota: pod-quota, requested: pods=1, used: pods=1, limited: pods=1", dryRun.Stderr);
    }

    [Fact]
    public async Task QuantitiesBeyondAnInt64_AreRefusedWithTheirReason_NeverA500()
    {
        await Kubectl.Ok("create namespace quota-h");
        var hugeQuota = await Kubectl.Run("apply -f -", """
            apiVersion: v1
            kind: ResourceQuota
            metadata:
              name: huge
              namespace: quota-h
            spec:
              hard:
                requests.cpu: "79000000000E"
            """);
        Assert.NotEqual(0, hugeQuota.ExitCode);
        Assert.Contains("The ResourceQuota \"huge\" is invalid: spec.hard[requests.cpu]: Invalid value: \"79000000000E\": must be less than or equal to 9223372036854775807", hugeQuota.Stderr);

        await Kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: ResourceQuota
            metadata:
              name: compute
              namespace: quota-h
            spec:
              hard:
                requests.cpu: "10"
            """);
        var greedy = await Kubectl.Run("apply -f -", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: greedy
              namespace: quota-h
            spec:
              containers:
              - name: a
                image: "example/web:1"
                resources:
                  requests:
                    cpu: "79000000000E"
              - name: b
                image: "example/web:1"
                resources:
                  requests:
                    cpu: "79000000000E"
            """);
        Assert.NotEqual(0, greedy.ExitCode);
        Assert.DoesNotContain("InternalError", greedy.Stderr);
        Assert.Contains("pods \"greedy\" is forbidden: exceeded quota: compute", greedy.Stderr);
        Assert.Contains("NotFound", (await Kubectl.Run("get pod greedy -n quota-h")).Stderr);
    }

    [Fact]
    public async Task ComputeQuota_RefusesAPodWithoutRequests_AndAServiceTurnedNodePortOverItsQuota()
    {
        await Kubectl.Ok("create namespace quota-c");
        await Kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: ResourceQuota
            metadata:
              name: compute
              namespace: quota-c
            spec:
              hard:
                requests.cpu: "1"
                services.nodeports: "0"
            """);

        var bare = await Kubectl.Run("apply -f -", Pod("bare", "quota-c"));
        Assert.Contains("pods \"bare\" is forbidden: failed quota: compute: must specify requests.cpu for: web", bare.Stderr);
        await Kubectl.Ok("apply -f -", Pod("sized", "quota-c", """
                resources:
                  requests:
                    cpu: 600m
            """));
        var second = await Kubectl.Run("apply -f -", Pod("sized-2", "quota-c", """
                resources:
                  requests:
                    cpu: 600m
            """));
        Assert.Contains("exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1", second.Stderr);

        await Kubectl.Ok("create service clusterip web --tcp=80:80 -n quota-c");
        var patched = await Kubectl.Run("patch service web -n quota-c -p {\"spec\":{\"type\":\"NodePort\"}}");
        Assert.NotEqual(0, patched.ExitCode);
        Assert.Contains("exceeded quota: compute, requested: services.nodeports=1, used: services.nodeports=0, limited: services.nodeports=0", patched.Stderr);
        Assert.Equal("ClusterIP", (await Kubectl.Ok("get service web -n quota-c -o jsonpath={.spec.type}")).Trim());
    }

    [Fact]
    public async Task AJobAndADaemonSet_OverTheQuota_ReportFailedCreateEvents()
    {
        await Kubectl.Ok("create namespace quota-j");
        await Kubectl.Ok("apply -f -", PodQuota("quota-j", 0));
        await Kubectl.Ok("apply -f -", """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: work
              namespace: quota-j
            spec:
              parallelism: 2
              completions: 2
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - name: work
                    image: "example/work:1"
            """);
        await Kubectl.Ok("apply -f -", """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: agent
              namespace: quota-j
            spec:
              selector:
                matchLabels:
                  app: agent
              template:
                metadata:
                  labels:
                    app: agent
                spec:
                  containers:
                  - name: agent
                    image: "example/agent:1"
            """);

        foreach (var kind in new[] { "Job", "DaemonSet" })
        {
            var failed = await Eventually.Value(async () =>
                JsonNode.Parse(await Kubectl.Ok("get events -n quota-j --field-selector reason=FailedCreate -o json"))!["items"]!.AsArray()
                    .FirstOrDefault(e => e!["involvedObject"]!["kind"]!.GetValue<string>() == kind),
                $"a FailedCreate event of the {kind}");
            Assert.Equal("Warning", failed!["type"]!.GetValue<string>());
            Assert.Matches("^Error creating: pods \"[a-z0-9-]+\" is forbidden: exceeded quota: pod-quota, requested: pods=1, used: pods=0, limited: pods=0$",
                failed["message"]!.GetValue<string>());
        }
        Assert.Empty(JsonNode.Parse(await Kubectl.Ok("get pods -n quota-j -o json"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task DeploymentOfThree_UnderAQuotaOfTwoPods_RunsTwo_AndItsReplicaSetReportsFailedCreate()
    {
        await Kubectl.Ok("create namespace quota-b");
        await Kubectl.Ok("apply -f -", PodQuota("quota-b", 2));
        await Kubectl.Ok("create deployment web --image=example/web:1 --replicas=3 -n quota-b");

        var failed = await Eventually.Value(async () =>
            JsonNode.Parse(await Kubectl.Ok("get events -n quota-b --field-selector reason=FailedCreate -o json"))!["items"]!.AsArray().FirstOrDefault(),
            "a FailedCreate event");

        Assert.Equal("ReplicaSet", failed!["involvedObject"]!["kind"]!.GetValue<string>());
        Assert.Equal("Warning", failed["type"]!.GetValue<string>());
        Assert.Matches("^Error creating: pods \"web-[a-z0-9-]+\" is forbidden: exceeded quota: pod-quota, requested: pods=1, used: pods=2, limited: pods=2$",
            failed["message"]!.GetValue<string>());
        Assert.Equal(2, JsonNode.Parse(await Kubectl.Ok("get pods -n quota-b -o json"))!["items"]!.AsArray().Count);
        Assert.Contains("exceeded quota: pod-quota", await Kubectl.Ok("describe replicaset -n quota-b"));
    }

    [Fact]
    public async Task LimitRange_DefaultsAPodWithoutResources_AndRefusesOneOverTheMax()
    {
        await Kubectl.Ok("create namespace limits-a");
        await Kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: LimitRange
            metadata:
              name: cpu-bounds
              namespace: limits-a
            spec:
              limits:
              - type: Container
                max:
                  cpu: "1"
                default:
                  cpu: 500m
                  memory: 256Mi
                defaultRequest:
                  cpu: 250m
            """);

        await Kubectl.Ok("apply -f -", Pod("bare", "limits-a"));
        var resources = JsonNode.Parse(await Kubectl.Ok("get pod bare -n limits-a -o json"))!["spec"]!["containers"]![0]!["resources"]!;
        Assert.Equal("500m", resources["limits"]!["cpu"]!.GetValue<string>());
        Assert.Equal("256Mi", resources["limits"]!["memory"]!.GetValue<string>());
        Assert.Equal("250m", resources["requests"]!["cpu"]!.GetValue<string>());
        Assert.Equal("256Mi", resources["requests"]!["memory"]!.GetValue<string>());

        var tooBig = await Kubectl.Run("apply -f -", Pod("big", "limits-a", """
                resources:
                  limits:
                    cpu: "2"
            """));
        Assert.NotEqual(0, tooBig.ExitCode);
        Assert.Contains("pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2", tooBig.Stderr);
        Assert.Contains("cpu-bounds", await Kubectl.Ok("get limits -n limits-a"));
    }
}
