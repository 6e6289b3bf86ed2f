using Microsoft.AspNetCore.Http.Features;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Streaming;

namespace OrleansOrchestrator.Silo.Api.Audit;

/// <summary>
/// The audit of one HTTP request to the API: what is known when it arrives (id, time, URI, verb, object, source),
/// completed by who the caller turned out to be and the answer's code. A long-running request (watch, exec, attach,
/// port-forward, followed logs) is also recorded when its response starts, so that an exec is in the log while it
/// runs, not only after.
/// </summary>
public sealed class ApiRequestAudit
{
    /// <summary>The response header that tells a client the id of its request's audit events, as kube-apiserver's.</summary>
    public const string AuditIdHeader = "Audit-Id";
    public const string AnonymousUser = "system:anonymous";
    public const string AuthenticatedGroup = "system:authenticated";

    private static readonly object ItemKey = new();

    private readonly AuditLog _log;
    private readonly TimeProvider _clock;
    private readonly string _id = Guid.NewGuid().ToString();
    private readonly DateTimeOffset _received;
    private readonly string _uri;
    private readonly string _verb;
    private readonly string[] _sourceIps;
    private readonly string? _userAgent;
    private AuditObjectRef? _objectRef;
    private Caller? _caller;

    private ApiRequestAudit(HttpContext context, AuditLog log, TimeProvider clock)
    {
        _log = log;
        _clock = clock;
        _received = clock.GetUtcNow();
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        _uri = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : path + request.QueryString;
        _sourceIps = context.Connection.RemoteIpAddress is { } ip ? [ip.ToString()] : [];
        _userAgent = request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null;
        var target = ResourcePath.Parse(path);
        var watch = request.Query["watch"].ToString() is "true" or "1";
        _verb = target is null
            ? request.Method.ToLowerInvariant() is { Length: <= 16 } nonResource ? nonResource : "unknown"
            : AuditVerbs.Of(request.Method, target.Name is not null, watch);
        _objectRef = target is null ? null : RefOf(target);
        var longRunning = watch
                          || target is { Name: not null, Subresource: { } sub } && (PodStreamEndpoint.Handles(target.Kind, sub)
                                                                                     || sub == "log" && request.Query["follow"].ToString() is "true" or "1");
        context.Response.Headers[AuditIdHeader] = _id;
        if (longRunning)
            context.Response.OnStarting(() =>
            {
                Record(AuditEvent.ResponseStarted, context.Response.StatusCode, null);
                return Task.CompletedTask;
            });
    }

    /// <summary>Starts the audit of a request and keeps it with the request, for <see cref="Of"/>.</summary>
    public static ApiRequestAudit Begin(HttpContext context, AuditLog log, TimeProvider clock)
    {
        var audit = new ApiRequestAudit(context, log, clock);
        context.Items[ItemKey] = audit;
        return audit;
    }

    /// <summary>The audit of the request being served, if it is audited.</summary>
    public static ApiRequestAudit? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var audit) ? audit as ApiRequestAudit : null;

    public void Authenticated(Caller caller) => _caller = caller;

    /// <summary>The name a create gave the object (the URL of a create has none; a generateName is completed by the server).</summary>
    public void Created(string? name)
    {
        if (_objectRef is { Name: null } o && name is not null) _objectRef = o with { Name = name };
    }

    public void Complete(int code, string? reason) => Record(AuditEvent.ResponseComplete, code, reason);

    private void Record(string stage, int code, string? reason)
    {
        var caller = _caller;
        _log.Record(new AuditEvent(
            _id, stage, _uri, _verb,
            caller?.User ?? AnonymousUser,
            caller is null ? ["system:unauthenticated"] : [.. caller.Groups.Append(AuthenticatedGroup).Distinct(StringComparer.Ordinal)],
            caller?.Tenant,
            _sourceIps, _userAgent, _objectRef, code, reason, _received, _clock.GetUtcNow()));
    }

    /// <summary>Kubernetes' objectRef of a resource path; a namespace's own path names it as its namespace too.</summary>
    public static AuditObjectRef RefOf(ResourcePath target) =>
        new(target.Kind.Plural,
            target.Namespace ?? (target.Kind == ResourceKinds.Namespace ? target.Name : null),
            target.Name, target.Kind.Group, target.Kind.Version, target.Subresource);

    /// <summary>The objectRef of a kind's object named by the dashboard (which has no URL).</summary>
    public static AuditObjectRef RefOf(ResourceKind kind, string? ns, string? name, string? subresource = null) =>
        new(kind.Plural, kind.Namespaced ? ns : kind == ResourceKinds.Namespace ? name : null, name, kind.Group, kind.Version, subresource);
}
