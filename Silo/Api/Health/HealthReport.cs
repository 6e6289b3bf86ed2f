using System.Text;

namespace OrleansOrchestrator.Silo.Api.Health;

/// <summary>
/// How kube-apiserver answers <c>/livez</c>, <c>/readyz</c> and <c>/healthz</c>, as pure text rules: <c>ok</c> when every
/// check passes; with <c>?verbose</c>, or whenever one fails (then with a 500), a line per check —
/// <c>[+]name ok</c>, <c>[+]name excluded: ok</c>, <c>[-]name failed: reason withheld</c> — and a closing line.
/// The reason is never told: the endpoints answer anyone.
/// </summary>
public static class HealthReport
{
    /// <summary>The names of the endpoints, each followed by the checks it runs.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Endpoints = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["livez"] = [HealthCheckNames.Ping, HealthCheckNames.GrainRuntime],
        ["readyz"] = [HealthCheckNames.Ping, HealthCheckNames.GrainRuntime, HealthCheckNames.Store, HealthCheckNames.Membership, HealthCheckNames.InformerSync, HealthCheckNames.Shutdown],
        // Kubernetes' older endpoint: every check but the shutdown one, which would fail a liveness probe pointed at it.
        ["healthz"] = [HealthCheckNames.Ping, HealthCheckNames.GrainRuntime, HealthCheckNames.Store, HealthCheckNames.Membership, HealthCheckNames.InformerSync],
    };

    /// <summary>What a request asks: an endpoint, and either one of its checks or all of them but the excluded ones.</summary>
    public sealed record Request(string Endpoint, string? SingleCheck, bool Verbose, IReadOnlySet<string> Excluded);

    /// <summary>The request a path and query make, or null when the path is not a health endpoint (404 for an unknown check).</summary>
    public static Request? Parse(string path, IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> query)
    {
        var parts = path.TrimStart('/').Split('/');
        if (parts.Length is < 1 or > 2 || !Endpoints.ContainsKey(parts[0])) return null;
        var single = parts.Length == 2 ? parts[1] : null;
        var verbose = false;
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, values) in query)
        {
            if (name == "verbose") verbose = true;
            // A bounded set: a name no check has is only reported back.
            if (name == "exclude") foreach (var value in values.Take(32)) if (value is { Length: > 0 and <= 64 }) excluded.Add(value);
        }
        return new Request(parts[0], single, verbose, excluded);
    }

    /// <summary>Whether a single check the request names belongs to its endpoint (else the answer is 404).</summary>
    public static bool Known(Request request) => request.SingleCheck is null || Endpoints[request.Endpoint].Contains(request.SingleCheck);

    /// <summary>The checks to run for a request.</summary>
    public static IReadOnlyList<string> ChecksToRun(Request request) =>
        request.SingleCheck is { } single ? [single] : Endpoints[request.Endpoint].Where(c => !request.Excluded.Contains(c)).ToList();

    /// <summary>The answer, given each run check's outcome (true: passed).</summary>
    public static (int StatusCode, string Body) Render(Request request, IReadOnlyDictionary<string, bool> outcomes)
    {
        if (request.SingleCheck is { } single)
            return outcomes[single] ? (200, "ok") : (500, "internal server error: reason withheld\n");
        var checks = Endpoints[request.Endpoint];
        var passed = checks.All(c => request.Excluded.Contains(c) || outcomes[c]);
        if (passed && !request.Verbose) return (200, "ok");
        var body = new StringBuilder();
        foreach (var check in checks)
        {
            if (request.Excluded.Contains(check)) body.Append("[+]").Append(check).Append(" excluded: ok\n");
            else if (outcomes[check]) body.Append("[+]").Append(check).Append(" ok\n");
            else body.Append("[-]").Append(check).Append(" failed: reason withheld\n");
        }
        var unknown = request.Excluded.Where(e => !checks.Contains(e)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            body.Append("warn: some health checks cannot be excluded: no matches for ").AppendJoin(",", unknown.Select(u => $"\"{u}\"")).Append('\n');
        body.Append(request.Endpoint).Append(passed ? " check passed\n" : " check failed\n");
        return (passed ? 200 : 500, body.ToString());
    }
}

public static class HealthCheckNames
{
    public const string Ping = "ping";
    /// <summary>This process's Orleans runtime answers a grain call (one that reads no database).</summary>
    public const string GrainRuntime = "grain-runtime";
    /// <summary>The store's database answers a query.</summary>
    public const string Store = "store";
    /// <summary>This silo is Active in Orleans' cluster membership.</summary>
    public const string Membership = "cluster-membership";
    /// <summary>What the API reads on every request (the known tenants) can be loaded.</summary>
    public const string InformerSync = "informer-sync";
    /// <summary>Fails from the moment the process is told to stop.</summary>
    public const string Shutdown = "shutdown";
}

/// <summary>The bound on a graceful stop (see Program.cs): in-flight requests and Orleans' leave of the cluster share it.</summary>
public static class GracefulShutdown
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
}
