using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Chaos;

/// <summary>
/// A Deployment on simulated nodes whose image is changed during the chaos, and a sampler of its pods: Kubernetes
/// guarantees that a rolling update never runs more than <c>replicas + maxSurge</c> pods (25 % by default, rounded up).
/// Pods being deleted or finished are not counted, as the Deployment controller does not count them.
/// It stays on simulated nodes (a node selector on their label): 200 pods' containers would not fit a small machine's
/// Docker engine, and the chaos cluster's Docker node has work of its own (<see cref="DockerNodeSampler"/>).
/// </summary>
public sealed class RolloutSampler(ChaosApi api, ChaosFindings findings, string ns, int replicas)
{
    public const string Name = "web";
    public const string OldImage = "example/web:1", NewImage = "example/web:2";

    /// <summary>The label agents put on the simulated nodes they host.</summary>
    public const string SimulatedNodeLabel = "orleans-orchestrator.io/simulated";

    public int SurgeBound => replicas + (int)Math.Ceiling(replicas * 0.25);

    public int MostPods { get; private set; }
    public long Samples { get; private set; }
    public DateTime? UpdateStartedAt { get; private set; }

    public async Task<bool> Create(CancellationToken cancel)
    {
        var labels = new JsonObject { ["app"] = Name };
        var deployment = new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = new JsonObject { ["name"] = Name },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = labels.DeepClone() },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = labels },
                    ["spec"] = new JsonObject
                    {
                        ["nodeSelector"] = new JsonObject { [SimulatedNodeLabel] = "true" },
                        ["containers"] = new JsonArray(new JsonObject { ["name"] = Name, ["image"] = OldImage }),
                    },
                },
            },
        };
        var answer = await api.Send(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", deployment.ToJsonString(), cancel: cancel);
        if (!answer.Ok && answer.Code != 409) findings.Add("rollout", $"creating the Deployment: {answer.Code} {ChaosApi.Bounded(answer.Text)}");
        return answer.Ok || answer.Code == 409;
    }

    public async Task<bool> StartUpdate(CancellationToken cancel)
    {
        var patch = new JsonObject
        {
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = Name, ["image"] = NewImage }) } } },
        }.ToJsonString();
        var answer = await api.Send(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/{Name}", patch, "application/merge-patch+json", cancel: cancel);
        if (!answer.Ok) findings.Add("rollout", $"changing the image: {answer.Code} {ChaosApi.Bounded(answer.Text)}");
        else UpdateStartedAt = DateTime.UtcNow;
        return answer.Ok;
    }

    /// <summary>Lists the Deployment's pods twice a second until stopped, recording the most ever running at once.</summary>
    public async Task Sample(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        do
        {
            ChaosAnswer answer;
            try { answer = await api.Send(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods?labelSelector=app%3D{Name}", deadline: TimeSpan.FromSeconds(10), cancel: stop); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            if (!answer.Ok || answer.Body is null) continue;
            // Distinct names: a list that repeated a pod must not pass for a controller that made too many.
            var pods = answer.Body["items"]!.AsArray().Where(p => p!["metadata"]!["deletionTimestamp"] is null
                && p["status"]?["phase"]?.GetValue<string>() is not ("Succeeded" or "Failed")).ToList();
            var active = pods.Select(p => p!["metadata"]!["name"]!.GetValue<string>()).Distinct().Count();
            var byOwner = string.Join(", ", pods.GroupBy(p => p!["metadata"]!["ownerReferences"]?[0]?["name"]?.GetValue<string>() ?? "no owner")
                .Select(g => $"{g.Key}: {g.Count()}"));
            Samples++;
            if (active > MostPods) MostPods = active;
            if (active > SurgeBound)
                findings.Add("surge bound exceeded", $"{active} pods of the Deployment at {DateTime.UtcNow:HH:mm:ss.f} (bound {SurgeBound} = {replicas} + 25 %; by ReplicaSet {byOwner})");
        }
        while (await Wait(timer, stop));
    }

    private static async Task<bool> Wait(PeriodicTimer timer, CancellationToken stop)
    {
        try { return await timer.WaitForNextTickAsync(stop); }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Whether the Deployment has all its replicas updated and available with <paramref name="image"/>; the reason if not.</summary>
    public async Task<(bool Done, string State)> State(string image, CancellationToken cancel)
    {
        var deployment = await api.Send(HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments/{Name}", deadline: TimeSpan.FromSeconds(10), cancel: cancel);
        if (!deployment.Ok || deployment.Body is null) return (false, $"no answer ({deployment.Code})");
        var status = deployment.Body["status"];
        int Field(string name) => status?[name]?.GetValue<int>() ?? 0;
        var generation = deployment.Body["metadata"]!["generation"]?.GetValue<long>() ?? 0;
        var observed = status?["observedGeneration"]?.GetValue<long>() ?? 0;
        var pods = await api.Send(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods?labelSelector=app%3D{Name}", deadline: TimeSpan.FromSeconds(10), cancel: cancel);
        var withImage = pods.Body?["items"]?.AsArray().Count(p => p!["metadata"]!["deletionTimestamp"] is null
            && p["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == image
            && p["status"]?["phase"]?.GetValue<string>() == "Running") ?? 0;
        var state = string.Create(CultureInfo.InvariantCulture,
            $"generation {observed}/{generation}, replicas {Field("replicas")}, updated {Field("updatedReplicas")}, available {Field("availableReplicas")}, running with {image}: {withImage}/{replicas}");
        var done = observed >= generation && Field("updatedReplicas") == replicas && Field("availableReplicas") == replicas
                   && Field("replicas") == replicas && withImage == replicas;
        return (done, state);
    }

    /// <summary>Polls <see cref="State"/> until done or <paramref name="deadline"/>; answers the last state.</summary>
    public async Task<(bool Done, string State)> WaitFor(string image, TimeSpan deadline, CancellationToken cancel)
    {
        var until = DateTime.UtcNow + deadline;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var state = (Done: false, State: "not asked");
        while (DateTime.UtcNow < until && !cancel.IsCancellationRequested)
        {
            state = await State(image, cancel);
            if (state.Done) return state;
            await timer.WaitForNextTickAsync(cancel);
        }
        return state;
    }
}
