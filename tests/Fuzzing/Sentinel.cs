using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// A namespace beside the fuzz namespace with two objects of every namespaced kind, which no fuzz request
/// names: if it changes at all (an object, a resourceVersion, the namespace itself), a request escaped its
/// namespace. Its pods name a scheduler that does not exist and its workloads have no replicas, so no control
/// loop has a reason to touch them once they have settled.
/// </summary>
public sealed class Sentinel(FuzzScope scope, HttpClient admin)
{
    public static readonly IReadOnlyList<string> Names = ["s-0", "s-1"];

    /// <summary>Creates the namespace and its objects, then waits until the control loops have finished with them.</summary>
    public async Task Create(CancellationToken cancellationToken = default)
    {
        await Post("/api/v1/namespaces", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = scope.SentinelNamespace } }, true, cancellationToken);
        foreach (var kind in scope.Kinds.Where(k => k.Namespaced))
            foreach (var name in Names)
            {
                var manifest = RealisticManifests.For(kind, name);
                if (kind == ResourceKinds.Pod) manifest["spec"]!["schedulerName"] = "fuzz-sentinel-never";
                // A kind fuzzed from its skeleton only (added to the registry without a manifest here) may not validate.
                await Post(FuzzScope.CollectionPath(kind, scope.SentinelNamespace), manifest, RealisticManifests.HasHandWritten(kind), cancellationToken);
            }
        await Settle(cancellationToken);
    }

    /// <summary>Every object of the sentinel namespace, and the namespace itself, as the API lists them.</summary>
    public async Task<string> Snapshot(CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        text.AppendLine(await Read($"/api/v1/namespaces/{scope.SentinelNamespace}", cancellationToken));
        foreach (var kind in scope.Kinds.Where(k => k.Namespaced))
            text.Append(kind.Kind).Append(' ').AppendLine(await Read(FuzzScope.CollectionPath(kind, scope.SentinelNamespace), cancellationToken, items: true));
        return text.ToString();
    }

    /// <summary>A document as the API answers it (a list: its items, each with its resourceVersion), an error as its code and body.</summary>
    private async Task<string> Read(string path, CancellationToken cancellationToken, bool items = false)
    {
        using var response = await admin.GetAsync(path, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) return $"{(int)response.StatusCode} {body}";
        return items ? FuzzJson.Write(JsonNode.Parse(body)!["items"]) : body;
    }

    /// <summary>Waits until three snapshots half a second apart agree (the controllers' reactions to the creates are done).</summary>
    private async Task Settle(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var previous = await Snapshot(cancellationToken);
        var same = 0;
        while (same < 3)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"the sentinel namespace kept changing for a minute:\n{previous}");
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            var now = await Snapshot(cancellationToken);
            same = now == previous ? same + 1 : 0;
            previous = now;
        }
    }

    private async Task Post(string path, JsonObject manifest, bool required, CancellationToken cancellationToken)
    {
        using var content = new StringContent(FuzzJson.Write(manifest), Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync(path, content, cancellationToken);
        // 409: a control loop made it first (the endpoints controller writes a Service's Endpoints of the same name);
        // either way the sentinel has the object.
        if (required && (int)response.StatusCode is not (201 or 409))
            throw new InvalidOperationException($"creating {path} {manifest["metadata"]?["name"]} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }
}
