using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>The objects the scenarios create.</summary>
public static class Workloads
{
    /// <summary>A container for simulated nodes: its image is never pulled; the requests make the scheduler do its fitting.</summary>
    public static JsonObject SimulatedContainer() =>
        JsonNode.Parse("""{"name":"c","image":"example/app:1","resources":{"requests":{"cpu":"10m","memory":"16Mi"}}}""")!.AsObject();

    /// <summary>A container for simulated nodes that ends at once with exit code 0, as a Job's pod does (the simulated runtime's convention).</summary>
    public static JsonObject SimulatedJobContainer() =>
        JsonNode.Parse("""{"name":"c","image":"example/batch:1","command":["sh","-c","exit 0"],"resources":{"requests":{"cpu":"10m","memory":"16Mi"}}}""")!.AsObject();

    /// <summary>A real container of the bench image, running <see cref="DockerHost.Command"/>.</summary>
    public static JsonObject DockerContainer(string image = DockerHost.Image, IReadOnlyDictionary<string, string>? env = null)
    {
        var container = new JsonObject
        {
            ["name"] = "c",
            ["image"] = image,
            ["imagePullPolicy"] = "IfNotPresent",
            ["command"] = new JsonArray(DockerHost.Command.Select(a => (JsonNode)a).ToArray()),
        };
        if (env is not null)
            container["env"] = new JsonArray(env.Select(e => (JsonNode)new JsonObject { ["name"] = e.Key, ["value"] = e.Value }).ToArray());
        return container;
    }

    public static string Deployment(string name, int replicas, JsonObject container) => new JsonObject
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(container) },
            },
        },
    }.ToJsonString();

    public static string Pod(string name, JsonObject container, string? app = null) => new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = app ?? name } },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(container) },
    }.ToJsonString();

    public static string ConfigMap(string name, int payloadBytes, int generation = 0) => new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["data"] = new JsonObject { ["generation"] = $"{generation}", ["payload"] = new string('x', payloadBytes) },
    }.ToJsonString();
}
