using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using OrleansOrchestrator.EndToEnd.Tests.Networking;

namespace OrleansOrchestrator.EndToEnd.Tests.Workloads;

/// <summary>
/// Issue 13's StatefulSet, as a user sees it on the real Docker engine with kubectl 1.32: a database-shaped
/// StatefulSet of three behind a headless Service, each pod appending its hostname to a file on its own claim.
/// Names, order, DNS, data across deletion and scaling, rolling updates and a silo restart mid-way.
/// </summary>
public sealed class StatefulSetDockerTests : IAsyncLifetime
{
    private readonly NetworkingFixture _net = new();

    private Kubectl Kubectl => _net.Kubectl;

    public Task InitializeAsync() => _net.InitializeAsync();

    public Task DisposeAsync() => _net.DisposeAsync();

    private string Manifest(int replicas, string version = "1", string extra = "") => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          clusterIP: None
          selector:
            app: db
          ports:
          - name: http
            port: 8080
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          serviceName: db
          replicas: {{replicas}}
          selector:
            matchLabels:
              app: db
          {{extra}}
          template:
            metadata:
              labels:
                app: db
            spec:
              nodeSelector:
                kubernetes.io/hostname: {{_net.NodeName}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: {{TestImages.Busybox}}
                imagePullPolicy: Never
                command: ["sh", "-c", "hostname >> /data/names && touch /tmp/ready && exec httpd -f -p 8080 -h /data"]
                env:
                - name: VERSION
                  value: "{{version}}"
                ports:
                - name: http
                  containerPort: 8080
                volumeMounts:
                - name: data
                  mountPath: /data
                readinessProbe:
                  exec:
                    command: ["cat", "/tmp/ready"]
                  periodSeconds: 1
                  failureThreshold: 1
          volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: ["ReadWriteOnce"]
              resources:
                requests:
                  storage: 10Mi
        """;

    [Fact]
    public async Task StatefulSet_StartsInOrder_KeepsNamesAndData_ResolvesByName_UpdatesInReverse_AndSurvivesASiloRestart()
    {
        // Pods start in order: none is created before every lower ordinal is Ready.
        await Kubectl.Ok("apply -f -", Manifest(3));
        var seen = new List<string>();
        await Eventually.True(async () =>
        {
            var pods = await Pods();
            foreach (var (name, pod) in pods.Where(p => !seen.Contains(p.Key)).OrderBy(p => p.Key))
            {
                var ordinal = int.Parse(name["db-".Length..]);
                for (var lower = 0; lower < ordinal; lower++)
                    Assert.True(pods.TryGetValue($"db-{lower}", out var before) && IsReady(before),
                        $"db-{ordinal} was created while db-{lower} was not Ready");
                seen.Add(name);
            }
            return pods.Count == 3 && pods.Values.All(IsReady);
        }, "db-0, db-1, db-2 Ready", TimeSpan.FromMinutes(2));
        Assert.Equal(["db-0", "db-1", "db-2"], seen);

        // Each pod has its own claim, bound to a local volume on this node.
        foreach (var i in new[] { 0, 1, 2 })
        {
            var claim = await _net.Get(Kubectl, $"pvc data-db-{i}");
            Assert.Equal("Bound", claim["status"]?["phase"]?.GetValue<string>());
            var volume = await _net.Get(Kubectl, $"pv {claim["spec"]!["volumeName"]!.GetValue<string>()}");
            Assert.Contains(_net.NodeName, volume["spec"]!["nodeAffinity"]!.ToJsonString());
        }

        // Stable network identity: from another pod, db-1.db (db-1.db.default.svc.cluster.local through the search path)
        // names db-1's address and reaches db-1, which answers with its own data. Records follow readiness by a push, so
        // both are waited for. (busybox's nslookup applies no search path; its wget crashes with -T, hence `timeout`.)
        var db1Ip = await _net.PodIp(Kubectl, "db-1");
        await Eventually.True(async () => (await _net.InPod("db-0", "nslookup db-1.db.default.svc.cluster.local")).Output.Contains(db1Ip),
            "db-1.db.default.svc.cluster.local → db-1's address", TimeSpan.FromSeconds(30));
        await Eventually.True(async () => (await _net.InPod("db-0", "timeout 5 wget -qO- http://db-1.db:8080/names")).Output.Trim() == "db-1",
            "http://db-1.db:8080/names from db-0 answered by db-1", TimeSpan.FromSeconds(30));
        Assert.Equal(["db-1"], await Names("db-1"));

        // Deleted, db-1 comes back under its name with its claim: the file now has two lines.
        var uid = await Uid("db-1");
        await Kubectl.Ok("delete pod db-1 --wait=false");
        await Eventually.True(async () => await Uid("db-1") is { } now && now != uid && IsReady((await Pods())["db-1"]),
            "db-1 back and Ready", TimeSpan.FromMinutes(2));
        Assert.Equal(["db-1", "db-1"], await Names("db-1"));

        // Scale to 1 and back: claims stay, db-2 finds its old data.
        await Kubectl.Ok("scale statefulset db --replicas=1");
        await Eventually.True(async () => (await Pods()).Keys.SequenceEqual(["db-0"]), "only db-0 left", TimeSpan.FromMinutes(2));
        Assert.Contains("data-db-2", await Kubectl.Ok("get pvc -o name"));
        await Kubectl.Ok("scale statefulset db --replicas=3");
        await WaitForReady(3);
        Assert.Equal(["db-2", "db-2"], await Names("db-2"));

        // A rolling update replaces the pods from the highest ordinal down.
        var order = await UpdateOrder(() => Kubectl.Ok("apply -f -", Manifest(3, version: "2")), expected: 3);
        Assert.Equal(["db-2", "db-1", "db-0"], order);
        await Kubectl.Ok("rollout status statefulset/db --timeout=120s");

        // With partition 2 only db-2 moves to the new template.
        const string partition = "updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      partition: 2";
        var partitioned = await UpdateOrder(() => Kubectl.Ok("apply -f -", Manifest(3, version: "3", extra: partition)), expected: 1);
        Assert.Equal(["db-2"], partitioned);
        var revisions = (await Pods()).ToDictionary(p => p.Key, p => p.Value["metadata"]!["labels"]!["controller-revision-hash"]!.GetValue<string>());
        Assert.NotEqual(revisions["db-2"], revisions["db-1"]);
        Assert.Equal(revisions["db-0"], revisions["db-1"]);

        // Scale up and restart the silo (and its agent) while pods start: nothing doubled, no claim lost.
        await Kubectl.Ok("scale statefulset db --replicas=5");
        await _net.Silo.Kill();
        await _net.Silo.Start();
        await WaitForReady(5, TimeSpan.FromMinutes(3));
        var claims = (await _net.Get(Kubectl, "pvc"))["items"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"data-db-{i}"), claims.Select(c => c!["metadata"]!["name"]!.GetValue<string>()).Order());
        Assert.All(claims, c => Assert.Equal("Bound", c!["status"]?["phase"]?.GetValue<string>()));
        var volumes = (await _net.Get(Kubectl, "pv"))["items"]!.AsArray();
        Assert.Equal(5, volumes.Count(v => v!["spec"]?["claimRef"]?["namespace"]?.GetValue<string>() == "default"));
        var db0 = await Names("db-0");
        Assert.True(db0.Count >= 2 && db0.All(n => n == "db-0"), $"db-0's file: {string.Join(", ", db0)}");
        Assert.Equal(5, (await Pods()).Count);
    }

    private async Task<Dictionary<string, JsonNode>> Pods() =>
        (await _net.Get(Kubectl, "pods -l app=db"))["items"]!.AsArray()
            .Where(p => p!["metadata"]!["deletionTimestamp"] is null)
            .ToDictionary(p => p!["metadata"]!["name"]!.GetValue<string>(), p => p!);

    private static bool IsReady(JsonNode pod) =>
        pod["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;

    private async Task<string?> Uid(string pod) =>
        (await Pods()).TryGetValue(pod, out var p) ? p["metadata"]!["uid"]!.GetValue<string>() : null;

    private Task WaitForReady(int count, TimeSpan? timeout = null) =>
        Eventually.True(async () => await Pods() is { } pods && pods.Count == count && pods.Values.All(IsReady),
            $"{count} pods of db Ready", timeout ?? TimeSpan.FromMinutes(2));

    /// <summary>The lines of the names file on a pod's claim (each start of that ordinal added one).</summary>
    private async Task<IReadOnlyList<string>> Names(string pod)
    {
        var (code, output) = await _net.InPod(pod, "cat /data/names");
        Assert.True(code == 0, $"reading /data/names in {pod}: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Applies a change and records in which order pods are replaced (a new uid), until <paramref name="expected"/> have been and all are Ready.</summary>
    private async Task<IReadOnlyList<string>> UpdateOrder(Func<Task> change, int expected)
    {
        var before = (await Pods()).ToDictionary(p => p.Key, p => p.Value["metadata"]!["uid"]!.GetValue<string>());
        await change();
        var order = new List<string>();
        await Eventually.True(async () =>
        {
            var pods = await Pods();
            foreach (var (name, pod) in pods)
                if (pod["metadata"]!["uid"]!.GetValue<string>() != before[name] && !order.Contains(name)) order.Add(name);
            // A replacement not yet back counts as replaced too (it was deleted).
            foreach (var name in before.Keys.Where(n => !pods.ContainsKey(n) && !order.Contains(n))) order.Add(name);
            return order.Count >= expected && pods.Count == before.Count && pods.Values.All(IsReady);
        }, $"{expected} pods replaced", TimeSpan.FromMinutes(3));
        return order;
    }
}
