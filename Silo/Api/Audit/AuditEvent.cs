using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansOrchestrator.Silo.Api.Audit;

/// <summary>The object a request is about, as Kubernetes' audit <c>objectRef</c> names it.</summary>
public sealed record AuditObjectRef(string Resource, string? Namespace, string? Name, string ApiGroup, string ApiVersion, string? Subresource);

/// <summary>
/// One audit record in Kubernetes' <c>audit.k8s.io/v1</c> Event shape, at <c>Metadata</c> level: who, what, which
/// object, the answer's code and when. Bodies are never part of it, so neither a Secret's data nor any other
/// payload can reach the log. The tenant is recorded as a user extra (<see cref="TenantExtra"/>), since it is part
/// of who the caller is.
/// </summary>
public sealed record AuditEvent(
    string AuditId,
    string Stage,
    string RequestUri,
    string Verb,
    string User,
    IReadOnlyList<string> Groups,
    string? Tenant,
    IReadOnlyList<string> SourceIps,
    string? UserAgent,
    AuditObjectRef? ObjectRef,
    int Code,
    string? Reason,
    DateTimeOffset RequestReceived,
    DateTimeOffset StageTime)
{
    public const string ApiVersion = "audit.k8s.io/v1";
    public const string LevelMetadata = "Metadata";
    public const string ResponseComplete = "ResponseComplete";
    /// <summary>The stage of a long-running request (watch, exec, attach, port-forward, followed logs) when it opens.</summary>
    public const string ResponseStarted = "ResponseStarted";

    /// <summary>The user extra that names the caller's tenant.</summary>
    public const string TenantExtra = "orleans-orchestrator.io/tenant";

    /// <summary>The user agent of actions taken in the dashboard (they reach the verbs without HTTP).</summary>
    public const string DashboardUserAgent = "dashboard";

    /// <summary>What a client may put in a request line or header is held to these lengths in the log.</summary>
    public const int MaxUriLength = 4096;
    public const int MaxUserAgentLength = 512;
    /// <summary>A namespace, name or other field of the object a client names: far above any valid name (253), far below a megabyte.</summary>
    public const int MaxFieldLength = 512;

    public TimeSpan Latency => StageTime - RequestReceived;

    /// <summary>
    /// The event with what a client chose (the URL, its user agent, the object it names) held to bounded lengths and
    /// made valid Unicode (a lone surrogate becomes U+FFFD): what the log writes and keeps in memory.
    /// </summary>
    public AuditEvent Bounded() => this with
    {
        RequestUri = Clean(RequestUri, MaxUriLength),
        Verb = Clean(Verb, MaxFieldLength),
        User = Clean(User, MaxFieldLength),
        Groups = [.. Groups.Select(g => Clean(g, MaxFieldLength))],
        Tenant = CleanOrNull(Tenant, MaxFieldLength),
        SourceIps = [.. SourceIps.Select(ip => Clean(ip, MaxFieldLength))],
        UserAgent = CleanOrNull(UserAgent, MaxUserAgentLength),
        Reason = CleanOrNull(Reason, MaxFieldLength),
        ObjectRef = ObjectRef is { } o
            ? new AuditObjectRef(Clean(o.Resource, MaxFieldLength), CleanOrNull(o.Namespace, MaxFieldLength), CleanOrNull(o.Name, MaxFieldLength),
                Clean(o.ApiGroup, MaxFieldLength), Clean(o.ApiVersion, MaxFieldLength), CleanOrNull(o.Subresource, MaxFieldLength))
            : null,
    };

    /// <summary>At most <paramref name="max"/> characters, every surrogate in a pair (one cut in two by the bound included).</summary>
    public static string Clean(string text, int max)
    {
        var cut = text.Length <= max ? text : text[..max];
        var firstLone = -1;
        for (var i = 0; i < cut.Length && firstLone < 0; i++)
        {
            if (char.IsHighSurrogate(cut[i]) && i + 1 < cut.Length && char.IsLowSurrogate(cut[i + 1])) i++;
            else if (char.IsSurrogate(cut[i])) firstLone = i;
        }
        if (firstLone < 0) return cut;
        var clean = new StringBuilder(cut.Length);
        clean.Append(cut, 0, firstLone);
        for (var i = firstLone; i < cut.Length; i++)
        {
            if (char.IsHighSurrogate(cut[i]) && i + 1 < cut.Length && char.IsLowSurrogate(cut[i + 1]))
            {
                clean.Append(cut[i]).Append(cut[++i]);
            }
            else clean.Append(char.IsSurrogate(cut[i]) ? '\uFFFD' : cut[i]);
        }
        return clean.ToString();
    }

    private static string? CleanOrNull(string? text, int max) => text is null ? null : Clean(text, max);

    /// <summary>The event as one line of the log (no trailing newline).</summary>
    public string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kind", "Event");
            json.WriteString("apiVersion", ApiVersion);
            json.WriteString("level", LevelMetadata);
            json.WriteString("auditID", AuditId);
            json.WriteString("stage", Stage);
            json.WriteString("requestURI", Truncate(RequestUri, MaxUriLength));
            json.WriteString("verb", Verb);
            json.WriteStartObject("user");
            json.WriteString("username", User);
            json.WriteStartArray("groups");
            foreach (var group in Groups) json.WriteStringValue(group);
            json.WriteEndArray();
            if (Tenant is not null)
            {
                json.WriteStartObject("extra");
                json.WriteStartArray(TenantExtra);
                json.WriteStringValue(Tenant);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteStartArray("sourceIPs");
            foreach (var ip in SourceIps) json.WriteStringValue(ip);
            json.WriteEndArray();
            if (UserAgent is not null) json.WriteString("userAgent", Truncate(UserAgent, MaxUserAgentLength));
            if (ObjectRef is { } o)
            {
                json.WriteStartObject("objectRef");
                json.WriteString("resource", o.Resource);
                if (o.Namespace is not null) json.WriteString("namespace", o.Namespace);
                if (o.Name is not null) json.WriteString("name", o.Name);
                json.WriteString("apiGroup", o.ApiGroup);
                json.WriteString("apiVersion", o.ApiVersion);
                if (o.Subresource is not null) json.WriteString("subresource", o.Subresource);
                json.WriteEndObject();
            }
            json.WriteStartObject("responseStatus");
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            if (Code >= 400)
            {
                json.WriteString("status", "Failure");
                if (Reason is not null) json.WriteString("reason", Reason);
            }
            json.WriteNumber("code", Code);
            json.WriteEndObject();
            json.WriteString("requestReceivedTimestamp", Timestamp(RequestReceived));
            json.WriteString("stageTimestamp", Timestamp(StageTime));
            // As Kubernetes' authorizer annotates its decision; a 403 is the only refusal of who may.
            json.WriteStartObject("annotations");
            json.WriteString("authorization.k8s.io/decision", Code == 403 ? "forbid" : "allow");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Kubernetes' audit timestamps: RFC 3339 in UTC with microseconds.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
