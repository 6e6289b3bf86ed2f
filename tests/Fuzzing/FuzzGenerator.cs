using System.Text;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// Generates the fuzz requests: a kind of the registry, a request shape (create, replace, each patch type,
/// status, scale, delete with a body, get/list/watch with query parameters, raw paths with dot segments and odd
/// encodings, a pod's exec/attach/portforward with hostile queries), an encoding (JSON, YAML, protobuf, an odd media type) and one mutation of a realistic manifest.
/// Request <c>n</c> of seed <c>s</c> depends on nothing but <c>(s, n)</c>, so any request can be made again
/// from the two numbers a failure prints.
/// </summary>
public sealed class FuzzGenerator(FuzzScope scope)
{
    public FuzzScope Scope => scope;

    public FuzzRequest Request(int seed, long index)
    {
        var random = new Random(Mix(seed, index));
        var caller = random.Chance(0.2) ? FuzzCaller.Viewer : FuzzCaller.Admin;
        var kind = random.PickFrom(scope.Kinds);
        var request = kind == ResourceKinds.Pod && random.Chance(0.3)
            ? Stream(random, random.PickFrom(scope.Names))
            : random.Weighted<Func<Random, ResourceKind, FuzzRequest>>(
                (22, Create), (12, Replace), (22, Patch), (6, Status), (5, Scale), (8, Delete), (15, Read), (10, RawPath))(random, kind);
        return request with { Seed = seed, Index = index, Caller = caller };
    }

    /// <summary>The seed of request <paramref name="index"/>: SplitMix64 of both numbers (stable across runs and processes, unlike <see cref="HashCode"/>).</summary>
    private static int Mix(int seed, long index)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }

    private static FuzzRequest New(string method, string path, string? contentType, byte[]? body, string shape, string mutation) =>
        new(0, 0, FuzzCaller.Admin, method, path, contentType, body, shape, mutation);

    private FuzzRequest Create(Random random, ResourceKind kind)
    {
        var body = new FuzzBody(RealisticManifests.For(kind, random.PickFrom(scope.Names)));
        var encoding = PickEncoding(random);
        var mutation = ManifestMutator.Mutate(random, body, kind, scope, encoding == BodyEncoding.Yaml);
        var path = scope.CollectionPath(kind);
        // Now and then through the all-namespaces path, naming the namespace in the body (the fuzz namespace only:
        // an administrator may legitimately write into the sentinel namespace this way).
        if (kind.Namespaced && random.Chance(0.05) && body.Tree is JsonObject { } manifest && manifest["metadata"] is JsonObject metadata)
        {
            metadata["namespace"] = scope.Namespace;
            path = FuzzScope.CollectionPath(kind, null);
        }
        var (contentType, bytes) = Encode(random, body, encoding, "application/json");
        return New("POST", path + WriteQuery(random), contentType, bytes, $"POST create {Name(encoding)}", mutation);
    }

    private FuzzRequest Replace(Random random, ResourceKind kind)
    {
        var name = random.PickFrom(scope.Names);
        var body = new FuzzBody(RealisticManifests.For(kind, name));
        var encoding = PickEncoding(random);
        var mutation = ManifestMutator.Mutate(random, body, kind, scope, encoding == BodyEncoding.Yaml);
        var (contentType, bytes) = Encode(random, body, encoding, "application/json");
        return New("PUT", scope.ObjectPath(kind, name) + WriteQuery(random), contentType, bytes, $"PUT replace {Name(encoding)}", mutation);
    }

    private FuzzRequest Patch(Random random, ResourceKind kind, string subresource)
    {
        var name = random.PickFrom(scope.Names);
        var manifest = RealisticManifests.For(kind, name);
        if (subresource == "/status" && RealisticManifests.Skeleton(kind, name)["status"] is { } status) manifest["status"] = status.DeepClone();
        var type = random.Weighted((25, "json-patch"), (25, "merge"), (25, "strategic"), (20, "apply"), (5, "unknown"));
        FuzzBody body;
        string mutation;
        string contentType;
        var yaml = false;
        switch (type)
        {
            case "json-patch":
            {
                var (ops, what) = PatchBodies.JsonPatch(random, manifest);
                body = new FuzzBody(ops);
                mutation = random.Chance(0.5) && ops is JsonArray { Count: > 0 } ? $"{what}; {ManifestMutator.Mutate(random, body, kind, scope, false)}" : what;
                contentType = "application/json-patch+json";
                break;
            }
            case "merge" or "strategic":
            {
                body = new FuzzBody(PatchBodies.MergePart(random, manifest));
                var directive = type == "strategic" && random.Chance(0.4) && body.Tree is JsonObject ? PatchBodies.StrategicDirective(random, body.Tree) + "; " : "";
                mutation = directive + ManifestMutator.Mutate(random, body, kind, scope, false);
                contentType = type == "merge" ? "application/merge-patch+json" : "application/strategic-merge-patch+json";
                break;
            }
            case "apply":
            {
                body = new FuzzBody(manifest);
                yaml = random.Chance(0.7);
                mutation = ManifestMutator.Mutate(random, body, kind, scope, yaml);
                contentType = yaml ? "application/apply-patch+yaml" : "application/apply-patch+json";
                break;
            }
            default:
                body = new FuzzBody(manifest);
                mutation = "unknown patch media type";
                contentType = random.Pick("application/json", "text/plain", "application/xml", "application/merge-patch+yaml", "application/x-www-form-urlencoded", "");
                break;
        }
        var query = type == "apply"
            ? Query(random, (0.9, "fieldManager", ["fuzz"]), (0.5, "force", ["true", "false", "yes"]), (0.1, "dryRun", ["All", "None", "x"]))
            : WriteQuery(random);
        return New("PATCH", scope.ObjectPath(kind, name) + subresource + query, contentType, body.Write(yaml), $"PATCH {type}{subresource}", mutation);
    }

    private FuzzRequest Patch(Random random, ResourceKind kind) => Patch(random, kind, "");

    private FuzzRequest Status(Random random, ResourceKind kind)
    {
        if (random.Chance(0.5)) return Patch(random, kind, "/status");
        var name = random.PickFrom(scope.Names);
        var manifest = RealisticManifests.For(kind, name);
        if (RealisticManifests.Skeleton(kind, name)["status"] is { } status) manifest["status"] = status.DeepClone();
        var body = new FuzzBody(manifest);
        var encoding = PickEncoding(random);
        var mutation = ManifestMutator.Mutate(random, body, kind, scope, encoding == BodyEncoding.Yaml);
        var (contentType, bytes) = Encode(random, body, encoding, "application/json");
        return New("PUT", scope.ObjectPath(kind, name) + "/status", contentType, bytes, $"PUT status {Name(encoding)}", mutation);
    }

    private FuzzRequest Scale(Random random, ResourceKind kind)
    {
        var name = random.PickFrom(scope.Names);
        var path = scope.ObjectPath(kind, name) + "/scale";
        var method = random.Pick("GET", "PUT", "PATCH");
        if (method == "GET") return New("GET", path, null, null, "GET scale", "valid");
        var scale = new JsonObject
        {
            ["apiVersion"] = "autoscaling/v1",
            ["kind"] = "Scale",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = scope.Namespace },
            ["spec"] = new JsonObject { ["replicas"] = random.Next(2) },
        };
        var body = new FuzzBody(method == "PATCH" && random.Chance(0.3)
            ? new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/spec/replicas", ["value"] = 1 })
            : scale);
        var mutation = ManifestMutator.Mutate(random, body, kind, scope, false);
        var contentType = method == "PUT" ? "application/json" : body.Tree is JsonArray ? "application/json-patch+json" : "application/merge-patch+json";
        return New(method, path, contentType, body.Write(false), $"{method} scale", mutation);
    }

    private FuzzRequest Delete(Random random, ResourceKind kind)
    {
        var collection = random.Chance(0.1);
        var path = collection ? scope.CollectionPath(kind) : scope.ObjectPath(kind, random.PickFrom([.. scope.Names, "absent"]));
        var query = Query(random, (0.2, "gracePeriodSeconds", ["0", "30", "-1", "abc", "99999999999999999999"]),
            (0.2, "propagationPolicy", ["Background", "Foreground", "Orphan", "bogus", ""]), (0.1, "dryRun", ["All"]),
            (collection ? 0.5 : 0, "labelSelector", ["app=web", "a in ("]));
        if (random.Chance(0.5)) return New("DELETE", path + query, null, null, collection ? "DELETE collection" : "DELETE", "no body");
        var options = new JsonObject
        {
            ["kind"] = "DeleteOptions",
            ["apiVersion"] = "v1",
            ["gracePeriodSeconds"] = 0,
            ["propagationPolicy"] = random.Pick("Background", "Foreground", "Orphan"),
            ["preconditions"] = new JsonObject { ["uid"] = "00000000-0000-0000-0000-000000000000", ["resourceVersion"] = "1" },
            ["dryRun"] = new JsonArray("All"),
        };
        var body = new FuzzBody(options);
        var encoding = PickEncoding(random);
        var mutation = ManifestMutator.Mutate(random, body, kind, scope, encoding == BodyEncoding.Yaml);
        var (contentType, bytes) = Encode(random, body, encoding, "application/json");
        return New("DELETE", path + query, contentType, bytes, $"DELETE with body {Name(encoding)}", mutation);
    }

    private FuzzRequest Read(Random random, ResourceKind kind)
    {
        var accept = random.Weighted<string?>((70, null), (15, "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"),
            (5, "application/vnd.kubernetes.protobuf"), (5, "text/html"), (5, "application/json;as=Table;v=v9;g=bogus"));
        // Watches are few: a correct one lasts its whole timeoutSeconds (1 s), the longest wait of any request.
        switch (random.Next(20))
        {
            case < 6:
            {
                var name = random.Weighted((80, random.PickFrom(scope.Names)), (5, new string('n', 300)), (5, "%01"), (5, "%C3%BC"), (5, "a%2Fb"));
                if (kind == ResourceKinds.Pod && random.Chance(0.2))
                    return New("GET", scope.ObjectPath(kind, name) + "/log" + Query(random, (0.5, "container", ["web", "nope"]), (0.3, "tailLines", ["1", "-1", "x"]), (0.3, "limitBytes", ["10", "-1"])),
                        null, null, "GET log", "valid") with { Accept = accept };
                return New("GET", scope.ObjectPath(kind, name), null, null, "GET", "valid") with { Accept = accept };
            }
            case < 18:
            {
                var allNamespaces = kind.Namespaced && random.Chance(0.3);
                var path = allNamespaces ? FuzzScope.CollectionPath(kind, null) : scope.CollectionPath(kind);
                return New("GET", path + ListQuery(random, watch: false), null, null, allNamespaces ? "list all namespaces" : "list", "query parameters") with { Accept = accept };
            }
            default:
            {
                var path = kind.Namespaced && random.Chance(0.2) ? FuzzScope.CollectionPath(kind, null) : scope.CollectionPath(kind);
                return New("GET", path + ListQuery(random, watch: true), null, null, "watch", "query parameters") with { Accept = accept };
            }
        }
    }

    /// <summary>
    /// The streaming subresources (<c>exec</c>, <c>attach</c>, <c>portforward</c>) with hostile query strings: commands
    /// of many or huge parts, odd flags, containers and ports. Sent as plain requests (no upgrade), they must be
    /// refused as Statuses — forbidden, not found, or "Upgrade request required" — never run anything or fail.
    /// </summary>
    private FuzzRequest Stream(Random random, string name)
    {
        var subresource = random.Pick("exec", "attach", "portforward");
        var parts = new List<string>();
        // Past the parts limit (1,024), and a long script: kubectl sends `sh -c SCRIPT` in the request line, which
        // Kubernetes accepts up to its 1 MiB of headers; ours allows 256 KiB.
        var commands = random.Weighted((40, 1), (30, 3), (10, 0), (20, 1_025));
        for (var i = 0; i < commands; i++)
            parts.Add("command=" + random.Weighted((70, "sh"), (10, "%00"), (10, "%ff%fe"), (commands <= 3 ? 10 : 0, new string('c', 60_000))));
        var query = Query(random, (0.5, "container", ["web", "nope", "", "%2F..", new string('k', 300)]),
            (0.6, "stdin", ["true", "false", "1", "x"]), (0.6, "stdout", ["true", "1", "0"]), (0.5, "stderr", ["true", "bogus"]),
            (0.3, "tty", ["true", "yes"]), (0.4, "ports", ["8080", "0", "-1", "65536", "x", "80,81"]));
        var separator = query.Length > 0 ? "&" : "?";
        var path = scope.ObjectPath(ResourceKinds.Pod, name) + "/" + subresource + query + (parts.Count > 0 ? separator + string.Join('&', parts) : "");
        return New(random.Pick("GET", "POST"), path, null, null, $"{subresource} without upgrade", "query parameters");
    }

    /// <summary>
    /// Paths a client can send but a router should never see as such: dot segments (which, normalised, climb out
    /// of the fuzz namespace into the sentinel one), percent-encoded dots and slashes, empty segments, unknown
    /// groups, versions and subresources. Not <c>%00</c>: Kestrel refuses a NUL in the path itself, with a bare
    /// 400, before the API could answer with a Status.
    /// </summary>
    private FuzzRequest RawPath(Random random, ResourceKind kind)
    {
        var collection = scope.CollectionPath(kind);
        var sentinel = scope.SentinelNamespace;
        var path = random.Pick(
            $"{collection}/..", $"{collection}/.", $"{collection}/../../{sentinel}", $"{collection}/../../{sentinel}/configmaps/s-0",
            $"{collection}/fz-0/../../../{sentinel}", $"{collection}/%2e%2e", $"{collection}/%2E%2E/%2e%2e/{sentinel}", $"{collection}/.%2e",
            $"{collection}/fz-0%2F..%2F..%2F{sentinel}", $"{collection}/fz-0/%2e%2e", $"/api/v1/namespaces/{scope.Namespace}/./{kind.Plural}/fz-0",
            $"/api/v1/namespaces/{scope.Namespace}/{kind.Plural}/./fz-0", $"/{collection}", $"{collection}//fz-0", $"{collection}/",
            $"/api/v1/namespaces//{kind.Plural}", $"{collection}/fz-0/status/extra", $"{collection}/fz-0/exec", $"{collection}/fz-0/bogus",
            $"/apis/apps/v1beta2/namespaces/{scope.Namespace}/deployments", $"/apis/apps", $"/apis", $"/api", $"/api/v9", $"/version",
            $"/openapi/v2", $"/openapi/v3", $"/api/v1/namespaces/{scope.Namespace}/namespaces/fz-0", $"/api/v1/watch/namespaces/{scope.Namespace}/{kind.Plural}",
            $"{collection}/fz-0\\..\\..", $"{collection}/%ff%fe", $"{collection}/%", $"{collection}/%zz", $"{collection}/fz-0;..",
            $"/api/v1/namespaces/{scope.Namespace}/{kind.Plural}/{new string('x', 4_000)}", $"{collection}/..%01", $"/../../{collection}");
        var method = random.Pick("GET", "GET", "DELETE", "DELETE", "PUT", "PATCH", "POST", "OPTIONS");
        if (method is "GET" or "DELETE" or "OPTIONS") return New(method, path, null, null, $"{method} raw path", "raw path");
        var body = new FuzzBody(RealisticManifests.For(kind, "fz-0")).Write(false);
        return New(method, path, method == "PATCH" ? "application/merge-patch+json" : "application/json", body, $"{method} raw path", "raw path");
    }

    private static string ListQuery(Random random, bool watch)
    {
        var parameters = new List<string>();
        if (watch)
        {
            parameters.Add("watch=" + random.Pick("1", "true"));
            // A valid time limit mostly (the stream must end by itself in time); else one the server must refuse.
            // Never 0 or absent: those mean "the server's own, minutes long" limit, a legitimate wait.
            parameters.Add("timeoutSeconds=" + random.Weighted((75, "1"), (5, "-1"), (5, "abc"), (5, "1.5"), (5, "99999999999999999999"), (5, "1e1")));
        }
        var more = Query(random,
            (watch ? 0 : 0.4, "limit", ["1", "2", "500", "0", "-1", "abc", "1e3", "99999999999", "99999999999999999999"]),
            (watch ? 0 : 0.15, "continue", ["abc", "eyJ4IjoxfQ", "", "%00", Convert.ToBase64String("1\nfuzz-sentinel\ns-0"u8), Convert.ToBase64String("x\ny"u8)]),
            (0.25, "resourceVersion", ["", "0", "1", "abc", "-1", "99999999999999999999", "1.5"]),
            (0.1, "resourceVersionMatch", ["NotOlderThan", "Exact", "bogus"]),
            (0.25, "labelSelector", ["app=web", "app in (web,rs)", "!app", "app notin (x)", "a in (", "!!", "=", "a==b==c", "app=" + new string('v', 100),
                "%C3%BC=x", "a,b,,", "app in ()", "x=y,x!=y"]),
            (0.25, "fieldSelector", ["metadata.name=fz-0", "metadata.namespace!=x", "spec.nodeName=", "status.phase=Running", "unknown.field=x", "=",
                "metadata.name", "metadata.name=a=b", "metadata.name in (a)", "spec.nodeName==x"]),
            (watch ? 0.3 : 0, "allowWatchBookmarks", ["true", "x"]),
            (watch ? 0 : 0.1, "timeoutSeconds", ["1", "5", "-1", "abc"]));
        if (more.Length > 0) parameters.Add(more[1..]);
        return "?" + string.Join('&', parameters);
    }

    private static string WriteQuery(Random random) => Query(random,
        (0.1, "dryRun", ["All", "bogus"]),
        (0.15, "fieldValidation", ["Strict", "Warn", "Ignore", "bogus"]),
        (0.15, "fieldManager", ["fuzz", "", new string('m', 200), "a%00b"]),
        (0.05, "pretty", ["true"]));

    /// <summary>A query string of the parameters that come up (each with its chance), or "".</summary>
    private static string Query(Random random, params (double Chance, string Name, string[] Values)[] parameters)
    {
        // Values are percent-encoded as a client library would: a raw space or bracket would make the request line itself invalid.
        var parts = parameters.Where(p => random.Chance(p.Chance)).Select(p => $"{p.Name}={Escape(random.Pick(p.Values))}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>Percent-encodes what a URL cannot carry, keeping escapes the generator wrote on purpose (<c>%00</c>).</summary>
    private static string Escape(string value) =>
        string.Concat(value.Select(c => char.IsAsciiLetterOrDigit(c) || "-._~%!=,".Contains(c) ? c.ToString() : Uri.EscapeDataString(c.ToString())));

    private enum BodyEncoding
    {
        Json,
        Yaml,
        Protobuf,
        OddMediaType,
    }

    private static string Name(BodyEncoding encoding) => encoding.ToString().ToLowerInvariant();

    private static BodyEncoding PickEncoding(Random random) =>
        random.Weighted((70, BodyEncoding.Json), (20, BodyEncoding.Yaml), (5, BodyEncoding.Protobuf), (5, BodyEncoding.OddMediaType));

    private static (string? ContentType, byte[] Body) Encode(Random random, FuzzBody body, BodyEncoding encoding, string jsonType)
    {
        switch (encoding)
        {
            case BodyEncoding.Yaml:
                return (random.Pick("application/yaml", "application/yaml", "text/yaml"), body.Write(yaml: true));
            case BodyEncoding.Protobuf:
            {
                // Kubernetes' protobuf envelope starts with "k8s\0"; after it, garbage of every kind (or none).
                var garbage = new byte[random.Pick(0, 1, 5, 64, 4_096)];
                random.NextBytes(garbage);
                var prefix = random.Chance(0.8) ? "k8s\0"u8.ToArray() : [];
                if (random.Chance(0.3)) garbage = [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, .. garbage];
                return ("application/vnd.kubernetes.protobuf", [.. prefix, .. garbage]);
            }
            case BodyEncoding.OddMediaType:
                return (random.Pick<string?>(null, "text/plain", "application/xml", "application/json; charset=utf-16", "*/*", "application/json-patch+json",
                    "multipart/form-data; boundary=x", "application/json;;;", "application/"), body.Write(yaml: false));
            default:
                return (jsonType, body.Write(yaml: false));
        }
    }
}
