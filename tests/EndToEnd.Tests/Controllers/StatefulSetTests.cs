using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Controllers;

/// <summary>
/// StatefulSets on simulated nodes with kubectl 1.32 (the control loop is the unit under test): ordered start with stable
/// names, claims and DNS identities, pods and claims kept across deletion and scaling, reverse-ordinal rolling updates with
/// a partition, and the rollout verbs over ControllerRevisions.
/// </summary>
public sealed partial class StatefulSetTests : IAsyncLifetime
{
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "3"]);

    public Task InitializeAsync() => _silo.Start();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    private async Task<JsonArray> Items(string what) => JsonNode.Parse(await Kubectl.Ok($"get {what} -o json"))!["items"]!.AsArray();

    private async Task<Dictionary<string, string>> Uids(string what) =>
        (await Items(what)).ToDictionary(i => Name(i!), i => i!["metadata"]!["uid"]!.GetValue<string>());

    private static string Name(JsonNode obj) => obj["metadata"]!["name"]!.GetValue<string>();

    private static bool Ready(JsonNode pod) =>
        pod["status"]?["phase"]?.GetValue<string>() == "Running"
        && pod["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;

    private async Task RolledOut(string name) =>
        Assert.Contains("roll", await Kubectl.Ok($"rollout status statefulset/{name} --timeout=90s"));

    [Fact]
    public async Task Pods_StartInOrder_WithStableNamesClaimsAndDnsNames_AndKeepThemAcrossDeletionAndScaling()
    {
        using var watch = await PodWatch.Start(_silo, "app=db");
        await Kubectl.Ok("apply -f -", Manifests.StatefulSet("db", 3, "example/db:1"));
        await RolledOut("db");

        // Created in order 0, 1, 2, each only once the one before was Running and Ready.
        Assert.Equal(["db-0", "db-1", "db-2"], watch.Added());
        Assert.True(watch.ReadyBefore("db-0", "db-1") && watch.ReadyBefore("db-1", "db-2"), watch.Describe());

        var pods = (await Items("pods -l app=db")).Select(p => p!).OrderBy(Name).ToList();
        foreach (var (pod, i) in pods.Select((p, i) => (p, i)))
        {
            Assert.Equal($"db-{i}", Name(pod));
            Assert.Equal($"db-{i}", pod["spec"]!["hostname"]!.GetValue<string>());
            Assert.Equal("db", pod["spec"]!["subdomain"]!.GetValue<string>());
            Assert.Equal($"db-{i}", pod["metadata"]!["labels"]!["statefulset.kubernetes.io/pod-name"]!.GetValue<string>());
            Assert.Equal($"{i}", pod["metadata"]!["labels"]!["apps.kubernetes.io/pod-index"]!.GetValue<string>());
            var volume = pod["spec"]!["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "data")!;
            Assert.Equal($"data-db-{i}", volume["persistentVolumeClaim"]!["claimName"]!.GetValue<string>());
        }
        var claims = await Uids("pvc");
        Assert.Equal(["data-db-0", "data-db-1", "data-db-2"], claims.Keys.Order());
        Assert.Matches(@"db\s+3/3", await Kubectl.Ok("get statefulset db"));

        // The headless Service's endpoints carry each pod's host name: db-1.db.default.svc.cluster.local.
        await Eventually.True(async () => JsonNode.Parse(await Kubectl.Ok("get endpoints db -o json"))!["subsets"]?[0]?["addresses"]?.AsArray()
            .Select(a => a!["hostname"]?.GetValue<string>()).Order().SequenceEqual(["db-0", "db-1", "db-2"]) == true, "endpoints with the pods' host names");

        // A deleted pod comes back with its name and its claim.
        var before = await Uids("pods -l app=db");
        await Kubectl.Ok("delete pod db-1 --wait=false");
        await Eventually.True(async () => (await Items("pods -l app=db")).FirstOrDefault(p => Name(p!) == "db-1") is { } p
            && p["metadata"]!["uid"]!.GetValue<string>() != before["db-1"] && Ready(p), "db-1 recreated and ready");
        Assert.Equal(claims, await Uids("pvc"));

        // Scale to 1 and back to 3: the same claims throughout.
        await Kubectl.Ok("scale statefulset db --replicas=1");
        await Eventually.True(async () => (await Items("pods -l app=db")).Select(p => Name(p!)).SequenceEqual(["db-0"]), "only db-0 left");
        Assert.Equal(claims, await Uids("pvc"));
        await Kubectl.Ok("scale statefulset db --replicas=3");
        await RolledOut("db");
        await Eventually.True(async () => (await Items("pods -l app=db")).Count(p => Ready(p!)) == 3, "3 pods ready again");
        Assert.Equal(claims, await Uids("pvc"));
        // Scale-down went from the highest ordinal: db-2 before db-1.
        var deletions = watch.Deleted();
        Assert.True(deletions.IndexOf("db-2") < deletions.LastIndexOf("db-1"), watch.Describe());
    }

    [Fact]
    public async Task RollingUpdate_ReplacesFromTheHighestOrdinal_AndAPartitionHoldsTheLowerOnes()
    {
        await Kubectl.Ok("apply -f -", Manifests.StatefulSet("web", 3, "example/web:1"));
        await RolledOut("web");
        var first = await Kubectl.Ok("get statefulset web -o jsonpath={.status.currentRevision}");

        using var watch = await PodWatch.Start(_silo, "app=web");
        await Kubectl.Ok("set image statefulset/web main=example/web:2");
        Assert.Contains("partitioned roll out complete: 3 new pods have been updated", await Kubectl.Ok("rollout status statefulset/web --timeout=90s"));
        Assert.Equal(["web-2", "web-1", "web-0"], watch.Deleted());
        Assert.True(watch.ReadyBefore("web-2", "web-1", afterDeletion: true) && watch.ReadyBefore("web-1", "web-0", afterDeletion: true), watch.Describe());
        var status = JsonNode.Parse(await Kubectl.Ok("get statefulset web -o json"))!["status"]!;
        Assert.NotEqual(first, status["updateRevision"]!.GetValue<string>());
        Assert.Equal(status["updateRevision"]!.GetValue<string>(), status["currentRevision"]!.GetValue<string>());
        Assert.Equal(3, status["updatedReplicas"]!.GetValue<int>());

        // Partition 2: only web-2 moves to the next template.
        await Kubectl.Ok("""patch statefulset web -p {"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}""");
        await Kubectl.Ok("set image statefulset/web main=example/web:3");
        Assert.Contains("partitioned roll out complete: 1 new pods have been updated", await Kubectl.Ok("rollout status statefulset/web --timeout=90s"));
        var images = (await Items("pods -l app=web")).ToDictionary(p => Name(p!), p => p!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { ["web-0"] = "example/web:2", ["web-1"] = "example/web:2", ["web-2"] = "example/web:3" }, images);
    }

    [Fact]
    public async Task RolloutHistoryUndoAndRestart_WorkOverControllerRevisions()
    {
        await Kubectl.Ok("apply -f -", Manifests.StatefulSet("app", 2, "example/app:1"));
        await RolledOut("app");
        await Kubectl.Ok("set image statefulset/app main=example/app:2");
        await RolledOut("app");

        Assert.Matches(@"REVISION\s+CHANGE-CAUSE\s+1\s+<none>\s+2\s+<none>", await Kubectl.Ok("rollout history statefulset/app"));
        Assert.Contains("example/app:1", await Kubectl.Ok("rollout history statefulset/app --revision=1"));
        Assert.Matches(@"app-\w+\s+statefulset.apps/app\s+1", await Kubectl.Ok("get controllerrevisions"));

        Assert.Contains("rolled back", await Kubectl.Ok("rollout undo statefulset/app"));
        await RolledOut("app");
        Assert.Equal("example/app:1", await Kubectl.Ok("get statefulset app -o jsonpath={.spec.template.spec.containers[0].image}"));
        await Eventually.True(async () => (await Items("pods -l app=app")).All(p => p!["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == "example/app:1" && Ready(p)),
            "the pods back at the first template");
        // The first revision came back as number 3, not as a copy.
        Assert.Matches(@"REVISION\s+CHANGE-CAUSE\s+2\s+<none>\s+3\s+<none>", await Kubectl.Ok("rollout history statefulset/app"));
        Assert.Equal(2, (await Items("controllerrevisions")).Count);

        var before = await Uids("pods -l app=app");
        await Kubectl.Ok("rollout restart statefulset/app");
        await RolledOut("app");
        await Eventually.True(async () => (await Uids("pods -l app=app")) is var now && now.Count == 2 && now.All(p => before[p.Key] != p.Value), "every pod replaced by the restart");
        Assert.Equal(3, (await Items("controllerrevisions")).Count);
    }

    [Fact]
    public async Task Deletion_RemovesPodsAndRevisions_KeepingClaimsUnlessWhenDeletedIsDelete()
    {
        await Kubectl.Ok("apply -f -", Manifests.StatefulSet("kept", 2, "example/app:1", "  podManagementPolicy: Parallel"));
        await Kubectl.Ok("apply -f -", Manifests.StatefulSet("gone", 2, "example/app:1", """
              persistentVolumeClaimRetentionPolicy:
                whenDeleted: Delete
            """));
        await RolledOut("kept");
        await RolledOut("gone");
        Assert.Equal(["data-gone-0", "data-gone-1", "data-kept-0", "data-kept-1"], (await Uids("pvc")).Keys.Order());

        await Kubectl.Ok("delete statefulset kept gone");
        await Eventually.True(async () => (await Items("pods")).Count == 0 && (await Items("controllerrevisions")).Count == 0, "pods and revisions collected");
        await Eventually.True(async () => (await Uids("pvc")).Keys.Order().SequenceEqual(["data-kept-0", "data-kept-1"]), "only the retained claims left");
    }

    [Fact]
    public async Task InvalidPolicies_AreRefusedWithKubernetesMessages()
    {
        var result = await Kubectl.Run("apply -f -", Manifests.StatefulSet("bad", 1, "example/app:1", """
              podManagementPolicy: Sometimes
              persistentVolumeClaimRetentionPolicy:
                whenScaled: Keep
            """));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.podManagementPolicy: Invalid value: \"Sometimes\": must be 'OrderedReady' or 'Parallel'", result.Stderr);
        Assert.Contains("spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: \"Keep\"", result.Stderr);

        await Kubectl.Ok("apply -f -", Manifests.StatefulSet("fixed", 1, "example/app:1"));
        var change = await Kubectl.Run("""patch statefulset fixed -p {"spec":{"serviceName":"other"}}""");
        Assert.Contains("updates to statefulset spec for fields other than", change.Stderr);
    }

    /// <summary>
    /// Watches the pods of a selector from before a test acts, keeping every event in order: which pods were added and
    /// deleted, and whether one was Running and Ready before another appeared.
    /// </summary>
    private sealed class PodWatch : IDisposable
    {
        private readonly ApiClient _api;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<(string Type, string Name, bool Ready)> _events = [];
        private Task _reading = Task.CompletedTask;

        private PodWatch(ApiClient api) => _api = api;

        public static async Task<PodWatch> Start(SiloProcess silo, string selector)
        {
            var watch = new PodWatch(new ApiClient(silo, ApiClient.AdminToken(silo)));
            var path = $"/api/v1/namespaces/default/pods?labelSelector={Uri.EscapeDataString(selector)}";
            var list = (await watch._api.Get(path)).Body!;
            var response = await watch._api.Http.GetAsync($"{path}&watch=true&resourceVersion={list["metadata"]!["resourceVersion"]}",
                HttpCompletionOption.ResponseHeadersRead, watch._stop.Token);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync(watch._stop.Token));
            watch._reading = Task.Run(async () =>
            {
                try
                {
                    while (await reader.ReadLineAsync(watch._stop.Token) is { } line)
                    {
                        var e = JsonNode.Parse(line)!;
                        lock (watch._events) watch._events.Add((e["type"]!.GetValue<string>(), Name(e["object"]!), StatefulSetTests.Ready(e["object"]!)));
                    }
                }
                catch (OperationCanceledException) { }
                finally { reader.Dispose(); response.Dispose(); }
            });
            return watch;
        }

        private List<(string Type, string Name, bool Ready)> Events() { lock (_events) return [.. _events]; }

        public List<string> Added() => Events().Where(e => e.Type == "ADDED").Select(e => e.Name).ToList();

        public List<string> Deleted() => Events().Where(e => e.Type == "DELETED").Select(e => e.Name).ToList();

        /// <summary>
        /// Whether <paramref name="earlier"/> was seen Running and Ready after it was added and before <paramref name="later"/>
        /// was (with <paramref name="afterDeletion"/>: each counted from its re-creation after its deletion).
        /// </summary>
        public bool ReadyBefore(string earlier, string later, bool afterDeletion = false)
        {
            var events = Events();
            int AddedAt(string name) => events.FindIndex(
                Math.Max(0, afterDeletion ? events.FindIndex(e => e.Type == "DELETED" && e.Name == name) : 0),
                e => e.Type == "ADDED" && e.Name == name);
            var (start, end) = (AddedAt(earlier), AddedAt(later));
            return start >= 0 && end > start && events[start..end].Any(e => e.Name == earlier && e.Ready);
        }

        public string Describe() => string.Join(", ", Events().Select(e => $"{e.Type} {e.Name}{(e.Ready ? " ready" : "")}"));

        public void Dispose()
        {
            _stop.Cancel();
            try { _reading.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            _api.Dispose();
            _stop.Dispose();
        }
    }
}
