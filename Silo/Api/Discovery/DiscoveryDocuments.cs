using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Wire;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Api.Discovery;

/// <summary>
/// What clients read to learn the API: <c>/version</c>, discovery (aggregated, as kubectl asks first,
/// and the older per-group-version form), and the OpenAPI v3 index and documents that <c>kubectl apply</c>
/// needs to know the server validates fields itself. All derived from the <see cref="KindRegistry"/>.
/// </summary>
public static class DiscoveryDocuments
{
    /// <summary>Aggregated discovery versions, newest first: kubectl 1.30+ asks for v2, 1.26–1.29 only for v2beta1 (same shape).</summary>
    private static readonly string[] AggregatedVersions = ["v2", "v2beta1"];

    /// <summary>The Kubernetes release whose API we follow; within kubectl's supported skew of 1.29–1.33.</summary>
    public const string Major = "1";
    public const string Minor = "31";

    private static readonly ILookup<string, ResourceKind> ByGroupVersion = Served().ToLookup(k => k.GroupVersionPath);

    /// <summary>Built once per process (tens of kilobytes each): the model, and so the schemas, never change while it runs.</summary>
    private static readonly Lazy<Dictionary<string, OpenApiDocument>> OpenApiDocuments = new(BuildOpenApiDocuments);

    /// <param name="Hash">What the index appends as <c>?hash=</c>: kubectl keeps a document for as long as its hash holds.</param>
    private sealed record OpenApiDocument(string Json, string Hash);

    /// <summary>
    /// Serves <paramref name="path"/> if it is a discovery or OpenAPI document (null otherwise). They are read-only:
    /// any other method than GET is a 405, not an answer as if it had been a GET.
    /// </summary>
    public static Task? TryServe(HttpContext context, string path)
    {
        if (Document(context, path) is not { } write) return null;
        var method = context.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method)) throw ApiException.MethodNotAllowed(method);
        return write();
    }

    private static Func<Task>? Document(HttpContext context, string path)
    {
        var accept = context.Request.Headers.Accept.ToString();
        var aggregated = AggregatedVersions.FirstOrDefault(v => accept.Contains($"g=apidiscovery.k8s.io;v={v};as=APIGroupDiscoveryList", StringComparison.Ordinal));
        return path.TrimEnd('/') switch
        {
            "" => () => KubeApiHandler.WriteJson(context, 200, RootPaths()),
            "/version" => () => KubeApiHandler.WriteJson(context, 200, Version()),
            "/api" when aggregated is not null => () => KubeApiHandler.WriteJson(context, 200, Aggregated(core: true, aggregated), AggregatedType(aggregated)),
            "/apis" when aggregated is not null => () => KubeApiHandler.WriteJson(context, 200, Aggregated(core: false, aggregated), AggregatedType(aggregated)),
            "/api" => () => KubeApiHandler.WriteJson(context, 200, new JsonObject
            {
                ["kind"] = "APIVersions",
                ["versions"] = new JsonArray("v1"),
                ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = context.Request.Host.Value }),
            }),
            "/apis" => () => KubeApiHandler.WriteJson(context, 200, GroupList()),
            "/openapi/v3" => () => KubeApiHandler.WriteJson(context, 200, OpenApiIndex()),
            "/openapi/v2" => null,
            var p when p.StartsWith("/openapi/v3/", StringComparison.Ordinal) =>
                OpenApiDocuments.Value.TryGetValue(p["/openapi/v3".Length..], out var document)
                    ? () => WriteDocument(context, document)
                    : null,
            var p when ByGroupVersion.Contains(p) => () => KubeApiHandler.WriteJson(context, 200, ResourceList(p)),
            var p when Reviews.Any(r => r.GroupVersionPath == p) => () => KubeApiHandler.WriteJson(context, 200, ReviewList(p)),
            var p when p.StartsWith("/apis/", StringComparison.Ordinal) && p.Count(c => c == '/') == 2 && GroupNames().Contains(p[6..]) =>
                () => KubeApiHandler.WriteJson(context, 200, Group(p[6..])),
            _ => null,
        };
    }

    private static JsonObject Version() => new()
    {
        ["major"] = Major,
        ["minor"] = Minor,
        ["gitVersion"] = $"v{Major}.{Minor}.0-orleans",
        ["gitCommit"] = "",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "n/a (.NET " + Environment.Version + ")",
        ["compiler"] = "dotnet",
        ["platform"] = $"{(OperatingSystem.IsLinux() ? "linux" : "other")}/{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}",
    };

    /// <summary>The kinds the silo serves: every kind of the registry.</summary>
    private static IEnumerable<ResourceKind> Served() => KindRegistry.All.Select(s => s.Kind);

    private static IEnumerable<string> GroupNames() => Served().Select(k => k.Group).Where(g => g.Length > 0).Concat(Reviews.Select(r => r.Group)).Distinct();

    /// <summary>The review resources, answered and not stored (<see cref="Auth.Rbac.AccessReviews"/>): create only, as Kubernetes lists them.</summary>
    private static IReadOnlyList<Auth.Rbac.AccessReviews.Resource> Reviews => Auth.Rbac.AccessReviews.Resources;

    private static JsonObject ReviewList(string groupVersionPath)
    {
        var reviews = Reviews.Where(r => r.GroupVersionPath == groupVersionPath).ToList();
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = $"{reviews[0].Group}/v1",
            ["resources"] = new JsonArray(reviews.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Plural, ["singularName"] = r.Singular, ["namespaced"] = r.Namespaced, ["kind"] = r.Kind, ["verbs"] = new JsonArray("create"),
            }).ToArray()),
        };
    }

    private static JsonNode AggregatedReviewGroup(IGrouping<string, Auth.Rbac.AccessReviews.Resource> group) => new JsonObject
    {
        ["metadata"] = new JsonObject { ["name"] = group.Key },
        ["versions"] = new JsonArray(new JsonObject
        {
            ["version"] = "v1",
            ["resources"] = new JsonArray(group.Select(r => (JsonNode)new JsonObject
            {
                ["resource"] = r.Plural,
                ["responseKind"] = new JsonObject { ["group"] = r.Group, ["version"] = "v1", ["kind"] = r.Kind },
                ["scope"] = r.Namespaced ? "Namespaced" : "Cluster",
                ["singularResource"] = r.Singular,
                ["verbs"] = new JsonArray("create"),
            }).ToArray()),
            ["freshness"] = "Current",
        }),
    };

    private static string AggregatedType(string version) => $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList";

    private static JsonObject Aggregated(bool core, string version)
    {
        var groups = Served().Where(k => (k.Group.Length == 0) == core).GroupBy(k => k.Group);
        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = $"apidiscovery.k8s.io/{version}",
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray(groups.Select(group => (JsonNode)new JsonObject
            {
                ["metadata"] = group.Key.Length == 0 ? new JsonObject() : new JsonObject { ["name"] = group.Key },
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["version"] = group.First().Version,
                    ["resources"] = new JsonArray(group.Select(AggregatedResource).ToArray()),
                    ["freshness"] = "Current",
                }),
            }).Concat(core ? [] : Reviews.GroupBy(r => r.Group).Select(AggregatedReviewGroup)).ToArray()),
        };
    }

    private static JsonNode AggregatedResource(ResourceKind kind)
    {
        var strategy = KindRegistry.For(kind);
        var subresources = new JsonArray();
        if (strategy.HasScale)
            subresources.Add(new JsonObject
            {
                ["subresource"] = "scale",
                ["responseKind"] = new JsonObject { ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale" },
                ["verbs"] = new JsonArray("get", "patch", "update"),
            });
        if (strategy.HasStatus)
            subresources.Add(new JsonObject
            {
                ["subresource"] = "status",
                ["responseKind"] = new JsonObject { ["group"] = kind.Group, ["version"] = kind.Version, ["kind"] = kind.Kind },
                ["verbs"] = new JsonArray("get", "patch", "update"),
            });
        if (strategy.HasLogs)
            subresources.Add(new JsonObject
            {
                ["subresource"] = "log",
                ["responseKind"] = new JsonObject { ["group"] = "", ["version"] = "", ["kind"] = "Pod" },
                ["verbs"] = new JsonArray("get"),
            });
        var resource = new JsonObject
        {
            ["resource"] = kind.Plural,
            ["responseKind"] = new JsonObject { ["group"] = kind.Group, ["version"] = kind.Version, ["kind"] = kind.Kind },
            ["scope"] = kind.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = kind.Singular,
            ["verbs"] = Verbs(),
            ["shortNames"] = Strings(kind.ShortNames),
        };
        if (kind.Categories.Count > 0) resource["categories"] = Strings(kind.Categories);
        if (subresources.Count > 0) resource["subresources"] = subresources;
        return resource;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private static JsonArray Verbs() => new("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    /// <summary>What <c>GET /</c> lists, as kube-apiserver's root: the API paths, discovery, and each health endpoint and check.</summary>
    private static JsonObject RootPaths()
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal) { "/api", "/apis", "/openapi/v3", "/version" };
        paths.UnionWith(ByGroupVersion.Select(g => g.Key));
        paths.UnionWith(Reviews.Select(r => r.GroupVersionPath));
        paths.UnionWith(GroupNames().Select(g => $"/apis/{g}"));
        foreach (var (endpoint, checks) in Health.HealthReport.Endpoints)
        {
            paths.Add($"/{endpoint}");
            paths.UnionWith(checks.Select(c => $"/{endpoint}/{c}"));
        }
        return new JsonObject { ["paths"] = new JsonArray(paths.Select(p => (JsonNode)p).ToArray()) };
    }

    private static JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(GroupNames().Select(g => (JsonNode)Group(g)).ToArray()),
    };

    private static JsonObject Group(string name)
    {
        var version = Served().FirstOrDefault(k => k.Group == name)?.Version ?? "v1";
        JsonObject GroupVersion() => new() { ["groupVersion"] = $"{name}/{version}", ["version"] = version };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = name,
            ["versions"] = new JsonArray(GroupVersion()),
            ["preferredVersion"] = GroupVersion(),
        };
    }

    private static JsonObject ResourceList(string groupVersionPath)
    {
        var kinds = ByGroupVersion[groupVersionPath].ToList();
        var resources = new JsonArray();
        foreach (var kind in kinds)
        {
            var entry = new JsonObject
            {
                ["name"] = kind.Plural,
                ["singularName"] = kind.Singular,
                ["namespaced"] = kind.Namespaced,
                ["kind"] = kind.Kind,
                ["verbs"] = Verbs(),
                ["shortNames"] = Strings(kind.ShortNames),
            };
            if (kind.Categories.Count > 0) entry["categories"] = Strings(kind.Categories);
            resources.Add(entry);
            if (KindRegistry.For(kind).HasStatus)
                resources.Add(new JsonObject { ["name"] = kind.Plural + "/status", ["singularName"] = "", ["namespaced"] = kind.Namespaced, ["kind"] = kind.Kind, ["verbs"] = new JsonArray("get", "patch", "update") });
            if (KindRegistry.For(kind).HasScale)
                resources.Add(new JsonObject { ["name"] = kind.Plural + "/scale", ["singularName"] = "", ["namespaced"] = kind.Namespaced, ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale", ["verbs"] = new JsonArray("get", "patch", "update") });
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = kinds[0].ApiVersion,
            ["resources"] = resources,
        };
    }

    private static JsonObject OpenApiIndex() => new()
    {
        ["paths"] = new JsonObject(OpenApiDocuments.Value.Select(d => KeyValuePair.Create(
            d.Key.TrimStart('/'),
            (JsonNode?)new JsonObject { ["serverRelativeURL"] = $"/openapi/v3{d.Key}?hash={d.Value.Hash}" }))),
    };

    /// <summary>
    /// One OpenAPI v3 document per group-version. <c>kubectl apply</c> reads the PATCH operations: their
    /// group-version-kind and that they accept <c>fieldValidation</c>, which tells it to leave field
    /// validation to us; they declare no request body, so it keeps computing merge keys from its own
    /// compiled-in types. <c>kubectl explain</c> finds the kind's schema among the components by the
    /// operation's group-version-kind.
    /// </summary>
    private static Dictionary<string, OpenApiDocument> BuildOpenApiDocuments()
    {
        var schemas = new OpenApi.OpenApiSchemas(ResourceKinds.All, OpenApi.ModelDocumentation.Load(typeof(KubeObject).Assembly));
        return ByGroupVersion.ToDictionary(g => g.Key, g =>
        {
            var paths = new JsonObject();
            foreach (var kind in g)
            {
                var item = kind.Namespaced
                    ? $"{kind.GroupVersionPath}/namespaces/{{namespace}}/{kind.Plural}/{{name}}"
                    : $"{kind.GroupVersionPath}/{kind.Plural}/{{name}}";
                paths[item] = new JsonObject
                {
                    ["patch"] = new JsonObject
                    {
                        ["operationId"] = $"patch{kind.Kind}",
                        ["x-kubernetes-action"] = "patch",
                        ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = kind.Group, ["version"] = kind.Version, ["kind"] = kind.Kind },
                        ["parameters"] = new JsonArray(
                            new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } },
                            new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } },
                            new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } }),
                        ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    },
                };
            }
            var json = new JsonObject
            {
                ["openapi"] = "3.0.0",
                ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = $"v{Major}.{Minor}.0" },
                ["paths"] = paths,
                ["components"] = new JsonObject { ["schemas"] = schemas.ComponentsFor(g) },
            }.ToJsonString();
            return new OpenApiDocument(json, Hash(json));
        });
    }

    private static Task WriteDocument(HttpContext context, OpenApiDocument document)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(document.Json, context.RequestAborted);
    }

    private static string Hash(string document) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(document)))[..16];
}
