using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Silo.Api.Tables;

namespace OrleansOrchestrator.Silo.Api.Wire;

/// <summary>The JSON documents of responses: objects, lists, tables and watch events.</summary>
public static class WireFormat
{
    public static JsonObject ObjectNode(KubeObject obj) =>
        JsonSerializer.SerializeToNode(obj, obj.GetType(), KubeJson.Options)!.AsObject();

    public static JsonObject List(ResourceKind kind, IEnumerable<KubeObject> items, string resourceVersion, string? continueToken, long? remaining)
    {
        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion };
        if (continueToken is not null) metadata["continue"] = continueToken;
        if (remaining is not null) metadata["remainingItemCount"] = remaining;
        return new JsonObject
        {
            ["kind"] = kind.Kind + "List",
            ["apiVersion"] = kind.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray(items.Select(i => (JsonNode)ObjectNode(i)).ToArray()),
        };
    }

    /// <summary>A <c>meta.k8s.io/v1</c> Table; <paramref name="withColumns"/> false for watch events after the first.</summary>
    public static JsonObject Table(ResourceKind kind, IEnumerable<KubeObject> items, string resourceVersion, string? continueToken, DateTimeOffset now, bool withColumns = true)
    {
        var columns = TableColumns.For(kind);
        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion };
        if (continueToken is not null) metadata["continue"] = continueToken;
        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
        };
        if (withColumns)
            table["columnDefinitions"] = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Description,
                ["priority"] = c.Priority,
            }).ToArray());
        table["rows"] = new JsonArray(items.Select(item => (JsonNode)new JsonObject
        {
            ["cells"] = new JsonArray(columns.Select(c => JsonSerializer.SerializeToNode(c.Cell(item, now) ?? "", KubeJson.Options)).ToArray()),
            ["object"] = new JsonObject
            {
                ["kind"] = "PartialObjectMetadata",
                ["apiVersion"] = "meta.k8s.io/v1",
                ["metadata"] = JsonSerializer.SerializeToNode(item.Metadata, KubeJson.Options),
            },
        }).ToArray());
        return table;
    }

    public static JsonNode Status(ApiStatus status) => JsonSerializer.SerializeToNode(status, KubeJson.Options)!;
}
