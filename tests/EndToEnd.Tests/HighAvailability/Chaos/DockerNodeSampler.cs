using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Chaos;

/// <summary>
/// Real work on the chaos cluster's Docker node: a small Deployment pinned to it (node selector on its hostname label)
/// that runs through the whole run, and a sampler of the node's <c>Ready</c> condition, once a second, as the
/// rollout sampler samples the other Deployment's pods. The node must never be NotReady: its agent heartbeats through
/// every silo's gateway, so the loss of one silo must not cost it a heartbeat long enough to pass the grace period.
/// </summary>
public sealed class DockerNodeSampler(ChaosApi api, ChaosFindings findings, string ns, IChaosDockerNode node)
{
    public const string Name = "on-docker";

    /// <summary>Few: each is a real container (and its sandbox) on a small machine's engine.</summary>
    public const int Replicas = 2;

    /// <summary>The pod template's containers, each of which must run exactly once in the engine.</summary>
    private const int ContainersPerPod = 1;

    public long Samples { get; private set; }
    public long NotReadySamples { get; private set; }
    public int MostPods { get; private set; }

    public async Task<bool> Create(CancellationToken cancel)
    {
        var labels = new JsonObject { ["app"] = Name };
        var deployment = new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = new JsonObject { ["name"] = Name },
            ["spec"] = new JsonObject
            {
                ["replicas"] = Replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = labels.DeepClone() },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = labels },
                    ["spec"] = new JsonObject
                    {
                        ["nodeSelector"] = new JsonObject { ["kubernetes.io/hostname"] = node.Name },
                        ["terminationGracePeriodSeconds"] = 2,
                        ["containers"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "main", ["image"] = node.Image, ["imagePullPolicy"] = "Never",
                            ["command"] = new JsonArray("sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"),
                        }),
                    },
                },
            },
        };
        var answer = await api.Send(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", deployment.ToJsonString(), cancel: cancel);
        if (!answer.Ok && answer.Code != 409) findings.Add("docker node", $"creating the Deployment {Name}: {answer.Code} {ChaosApi.Bounded(answer.Text)}");
        return answer.Ok || answer.Code == 409;
    }

    /// <summary>Reads the node's condition and the Deployment's pods once a second until stopped; a NotReady node or a surplus pod is a finding.</summary>
    public async Task Sample(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            try
            {
                var answer = await api.Send(HttpMethod.Get, $"/api/v1/nodes/{node.Name}", deadline: TimeSpan.FromSeconds(10), cancel: stop);
                if (answer.Ok && answer.Body is not null)
                {
                    Samples++;
                    if (DockerNodeCheck.NotReady(answer.Body) is { } notReady)
                    {
                        NotReadySamples++;
                        findings.Add("Docker node not Ready", string.Create(CultureInfo.InvariantCulture, $"{node.Name} at {DateTime.UtcNow:HH:mm:ss.f}: {notReady}"));
                    }
                }
                var pods = await Pods(stop);
                if (pods is not null)
                {
                    var live = pods.Count(p => !p.Deleting);
                    if (live > MostPods) MostPods = live;
                    // A Deployment that is not being changed keeps exactly its replicas: one more is a duplicate the node would run.
                    if (live > Replicas)
                        findings.Add("Docker node's Deployment over its replicas", string.Create(CultureInfo.InvariantCulture, $"{live} pods at {DateTime.UtcNow:HH:mm:ss.f}: {string.Join(", ", pods.Select(p => p.Name))}"));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
        }
        while (await Wait(timer, stop));
    }

    private static async Task<bool> Wait(PeriodicTimer timer, CancellationToken stop)
    {
        try { return await timer.WaitForNextTickAsync(stop); }
        catch (OperationCanceledException) { return false; }
    }

    private async Task<IReadOnlyList<ListedPod>?> Pods(CancellationToken cancel)
    {
        var answer = await api.Send(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods?labelSelector=app%3D{Name}", deadline: TimeSpan.FromSeconds(10), cancel: cancel);
        return answer.Ok && answer.Body?["items"] is JsonArray items ? items.Select(p => DockerNodeCheck.Pod(p!)).ToList() : null;
    }

    /// <summary>Whether the node is Ready and its Deployment runs whole on it, in the API and in the engine; what differs if not.</summary>
    public async Task<(bool Done, IReadOnlyList<string> Problems)> State(CancellationToken cancel)
    {
        var nodeAnswer = await api.Send(HttpMethod.Get, $"/api/v1/nodes/{node.Name}", deadline: TimeSpan.FromSeconds(10), cancel: cancel);
        var pods = await Pods(cancel);
        var running = await node.RunningContainers();
        List<string> problems = [];
        if (!nodeAnswer.Ok) problems.Add($"node {node.Name}: no answer ({nodeAnswer.Code})");
        else if (DockerNodeCheck.NotReady(nodeAnswer.Body) is { } notReady) problems.Add($"node {node.Name}: {notReady}");
        if (pods is null) problems.Add("no list of the Deployment's pods");
        else problems.AddRange(DockerNodeCheck.Violations(node.Name, ns, Replicas, ContainersPerPod, pods, running));
        return (problems.Count == 0, problems);
    }

    /// <summary>Polls <see cref="State"/> until it holds or <paramref name="deadline"/> passes; answers the last state.</summary>
    public async Task<(bool Done, IReadOnlyList<string> Problems)> WaitFor(TimeSpan deadline, CancellationToken cancel)
    {
        var until = DateTime.UtcNow + deadline;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        (bool Done, IReadOnlyList<string> Problems) state = (false, ["not asked"]);
        while (DateTime.UtcNow < until && !cancel.IsCancellationRequested)
        {
            state = await State(cancel);
            if (state.Done) return state;
            await timer.WaitForNextTickAsync(cancel);
        }
        return state;
    }
}
