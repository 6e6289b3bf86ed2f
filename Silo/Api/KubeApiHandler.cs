using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Api.Audit;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Discovery;
using OrleansOrchestrator.Silo.Api.Streaming;
using OrleansOrchestrator.Silo.Api.Wire;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// The HTTP face of the Kubernetes API: authenticates, routes a path to a verb of
/// <see cref="ResourceService"/>, negotiates JSON vs Table, streams watches, and turns every refusal
/// into a <c>metav1.Status</c>.
/// </summary>
public sealed partial class KubeApiHandler(ResourceService resources, Authorizer authorizer, Auth.Rbac.AccessReviews reviews, PodLogProxy logs, PodStreamEndpoint streams, TokenFile tokens,
    Auth.ServiceAccounts.ServiceAccountTokens serviceAccountTokens, Auth.ServiceAccounts.ServiceAccountEndpoints serviceAccountEndpoints, Auth.Identity.StoredIdentities identities, AuditLog auditLog, TimeProvider clock, ILogger<KubeApiHandler> logger)
{
    private const string TableAccept = "as=Table";

    public async Task Handle(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (Health.HealthEndpoints.Handles(path))
        {
            // Probes are not audited (as the usual Kubernetes audit policies leave them out): they carry no identity
            // and would drown the log.
            await context.RequestServices.GetRequiredService<Health.HealthEndpoints>().Serve(context);
            return;
        }
        var audit = ApiRequestAudit.Begin(context, auditLog, clock);
        string? failure = null;
        try
        {
            failure = await Serve(context, audit, path);
        }
        finally
        {
            audit.Complete(context.Response.StatusCode, failure);
        }
    }

    /// <summary>Serves one request; the reason of the refusal it was answered with, or null.</summary>
    private async Task<string?> Serve(HttpContext context, ApiRequestAudit audit, string path)
    {
        try
        {
            var caller = await Authenticate(context.Request);
            audit.Authenticated(caller);
            // Kestrel removes "." and ".." segments before routing, so ".../configmaps/.." would reach the namespace
            // itself: such a target is refused as it was sent, as Kubernetes refuses the names "." and "..".
            if (ResourcePath.DotSegment(context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? path) is { } dots)
                throw InvalidName(dots);
            if (Auth.ServiceAccounts.ServiceAccountEndpoints.Handles(path))
            {
                var (code, answer) = await serviceAccountEndpoints.Serve(caller, context.Request.Method, path,
                    async () => BodyDecoder.Decode(await BodyDecoder.ReadBody(context.Request, context.RequestAborted), context.Request.ContentType));
                await WriteJson(context, code, answer);
                return null;
            }
            if (DiscoveryDocuments.TryServe(context, path) is { } discovery)
            {
                await discovery;
                return null;
            }
            if (Auth.Rbac.AccessReviews.Match(path) is var (review, reviewNamespace))
            {
                if (!HttpMethods.IsPost(context.Request.Method)) throw ApiException.MethodNotAllowed(context.Request.Method);
                var body = BodyDecoder.Decode(await BodyDecoder.ReadBody(context.Request, context.RequestAborted), context.Request.ContentType);
                await WriteJson(context, 201, await reviews.Answer(caller, review, reviewNamespace, body));
                return null;
            }
            var resource = ResourcePath.Parse(path) ?? throw ApiException.NotFoundPath();
            foreach (var segment in new[] { resource.Namespace, resource.Name })
                if (segment is not null && ResourcePath.SegmentNameProblem(segment) is { } problem)
                    throw InvalidName(segment, problem);
            await Dispatch(context, caller, resource);
            return null;
        }
        catch (ApiException e)
        {
            await WriteStatus(context, e.ToStatus());
            return e.Reason;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            var status = ApiException.TooLarge(BodyDecoder.MaxBodyBytes).ToStatus();
            await WriteStatus(context, status);
            return status.Reason;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (e.g. a watch was stopped): nothing to answer.
            return null;
        }
        catch (Exception e) when (Storage.Encryption.SecretDecryptionException.Within(e) is { } unreadable)
        {
            // A Secret the silo's keys cannot open: Kubernetes' answer to a storage transformer's failure, with the reason.
            LogUndecryptable(logger, context.Request.Method, context.Request.Path, unreadable.Message);
            await WriteStatus(context, new ApiStatus { Code = 500, Reason = "InternalError", Message = $"Internal error occurred: {unreadable.Message}" });
            return "InternalError";
        }
        catch (Exception e)
        {
            // The details go to the log; the client gets Kubernetes' retryable 503 for a lost silo, else a bounded 500.
            LogUnexpected(logger, e, context.Request.Method, context.Request.Path);
            var status = ControlPlaneFailure.StatusOf(e);
            await WriteStatus(context, status);
            return status.Reason;
        }
    }

    private static ApiException InvalidName(string name, string? problem = null) =>
        ApiException.BadRequest($"invalid resource name \"{name}\": [{problem ?? ResourcePath.SegmentNameProblem(name)}]");

    /// <summary>The token file first (read on change), then the tokens the operator issued through the API.</summary>
    private async ValueTask<Caller> Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) throw ApiException.Unauthorized();
        var token = header[scheme.Length..].Trim();
        return await AuthenticateBearer(token, serviceAccountTokens.Authenticate, tokens.Authenticate, identities.Authenticate)
               ?? throw ApiException.Unauthorized();
    }

    /// <summary>
    /// Signed service account tokens are judged by their signature and the objects they name; a token of that shape the
    /// signature does not vouch for may still be an operator's (the token file's lines and issued tokens are free text),
    /// so it is looked up there next, as any other token is.
    /// </summary>
    internal static async ValueTask<Caller?> AuthenticateBearer(string token, Func<string, ValueTask<Caller?>> serviceAccount,
        Func<string, Caller?> tokenFile, Func<string, ValueTask<Caller?>> stored)
    {
        if (Auth.ServiceAccounts.ServiceAccountJwt.LooksLikeJwt(token) && await serviceAccount(token) is { } account) return account;
        return tokenFile(token) ?? await stored(token);
    }

    private async Task Dispatch(HttpContext context, Caller caller, ResourcePath target)
    {
        var (kind, ns, name, sub) = target;
        var request = context.Request;
        var query = request.Query;
        var method = request.Method;
        var ct = context.RequestAborted;
        // exec, attach and port-forward are authorised as a create of the subresource whatever the method (a WebSocket is a GET).
        if (name is not null && sub is not null && PodStreamEndpoint.Handles(kind, sub))
        {
            await streams.Serve(context, caller, ns!, name, sub);
            return;
        }
        // A caller who may not write is refused before a byte of its body is read, as Kubernetes authorises before
        // it decodes: a read-only token cannot make the server parse anything.
        if (WriteVerb(method) is { } verb) await authorizer.Authorize(caller, verb, kind, ns, name, sub);

        if (name is null)
        {
            switch (method)
            {
                case "GET" when IsTrue(query["watch"]):
                    await StreamWatch(context, caller, kind, ns, Filter(kind, query));
                    return;
                case "GET":
                    await WriteList(context, caller, kind, ns);
                    return;
                case "POST":
                    var body = BodyDecoder.Decode(await BodyDecoder.ReadBody(request, ct), request.ContentType);
                    var (created, warnings) = await resources.Create(caller, kind, ns, body, Validation(query), IsDryRun(query));
                    ApiRequestAudit.Of(context)?.Created(created.Metadata.Name);
                    await WriteObject(context, created, 201, warnings);
                    return;
                default:
                    throw ApiException.MethodNotAllowed(method);
            }
        }

        switch (sub)
        {
            case null:
                break;
            case "status" when KindRegistry.For(kind).HasStatus:
                break;
            case "scale" when KindRegistry.For(kind).HasScale:
                await HandleScale(context, caller, kind, ns!, name);
                return;
            case "log" when KindRegistry.For(kind).HasLogs && method == "GET":
                await logs.Stream(context, caller, ns!, name);
                return;
            case "token" when kind == ResourceKinds.ServiceAccount && method == "POST" && ns is not null:
            {
                var body = BodyDecoder.Decode(await BodyDecoder.ReadBody(request, ct), request.ContentType);
                await WriteJson(context, 201, await serviceAccountEndpoints.RequestToken(caller, ns!, name, body));
                return;
            }
            default:
                throw ApiException.NotFoundPath();
        }

        var subresource = sub == "status" ? Subresource.Status : Subresource.Main;
        switch (method)
        {
            case "GET":
            {
                var obj = await resources.Get(caller, kind, ns, name, sub);
                if (subresource == Subresource.Main && WantsTable(request))
                    await WriteJson(context, 200, WireFormat.Table(kind, [obj], obj.Metadata.ResourceVersion ?? "", null, clock.GetUtcNow()));
                else
                    await WriteObject(context, obj, 200);
                return;
            }
            case "PUT":
            {
                var body = BodyDecoder.Decode(await BodyDecoder.ReadBody(request, ct), request.ContentType);
                var (updated, warnings) = await resources.Replace(caller, kind, ns, name, body, subresource, Validation(query));
                await WriteObject(context, updated, 200, warnings);
                return;
            }
            case "PATCH":
            {
                var type = PatchTypeOf(request.ContentType);
                var patch = BodyDecoder.Decode(await BodyDecoder.ReadBody(request, ct), request.ContentType);
                var (patched, warnings, created) = await resources.Patch(caller, kind, ns, name, type, patch, subresource, Validation(query));
                await WriteObject(context, patched, created ? 201 : 200, warnings);
                return;
            }
            case "DELETE" when subresource == Subresource.Main:
            {
                var options = await DeleteOptionsOf(request, ct);
                var (deleted, gone) = await resources.Delete(caller, kind, ns, name, options);
                await WriteObject(context, deleted, gone ? 200 : 202);
                return;
            }
            default:
                throw ApiException.MethodNotAllowed(method);
        }
    }

    private static string? WriteVerb(string method) => method switch
    {
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => null,
    };

    private async Task HandleScale(HttpContext context, Caller caller, ResourceKind kind, string ns, string name)
    {
        var request = context.Request;
        JsonObject scale;
        switch (request.Method)
        {
            case "GET":
                scale = await resources.GetScale(caller, kind, ns, name);
                break;
            case "PUT":
            {
                var body = BodyDecoder.Decode(await BodyDecoder.ReadBody(request, context.RequestAborted), request.ContentType);
                if (body is not JsonObject) throw ApiException.BadRequest("a Scale must be a JSON object");
                scale = await resources.UpdateScale(caller, kind, ns, name, "update", ResourceService.PinnedVersion(body), _ => body);
                break;
            }
            case "PATCH":
            {
                var type = PatchTypeOf(request.ContentType);
                var patch = BodyDecoder.Decode(await BodyDecoder.ReadBody(request, context.RequestAborted), request.ContentType);
                ResourceService.RequireObjectPatch(type, patch);
                scale = await resources.UpdateScale(caller, kind, ns, name, "patch", type == ResourceService.PatchType.Json ? null : ResourceService.PinnedVersion(patch),
                    current => ResourceService.ApplyPatch(type, current, patch));
                break;
            }
            default:
                throw ApiException.MethodNotAllowed(request.Method);
        }
        await WriteJson(context, 200, scale);
    }

    private async Task WriteList(HttpContext context, Caller caller, ResourceKind kind, string? ns)
    {
        var query = context.Request.Query;
        // A negative limit asks for no limit, as in Kubernetes; what is not a number at all is refused.
        var limit = IntegerParameter(query, "limit") is { } l ? (int)Math.Clamp(l, 0, int.MaxValue) : 0;
        var page = await resources.List(caller, kind, ns, Filter(kind, query), limit, NullIfEmpty(query["continue"]));
        var body = WantsTable(context.Request)
            ? WireFormat.Table(kind, page.Items, page.ResourceVersion, page.Continue, clock.GetUtcNow())
            : WireFormat.List(kind, page.Items, page.ResourceVersion, page.Continue, page.RemainingItemCount);
        await WriteJson(context, 200, body);
    }

    /// <summary>
    /// Newline-delimited watch events, flushed one by one, until the client leaves or
    /// <c>timeoutSeconds</c> passes (then the stream ends cleanly and informers re-watch).
    /// </summary>
    private async Task StreamWatch(HttpContext context, Caller caller, ResourceKind kind, string? ns, ObjectFilter filter)
    {
        var query = context.Request.Query;
        // The stream also ends, cleanly, when the silo is told to stop: clients re-watch elsewhere instead of waiting on a
        // connection the shutdown would only cut after its grace period.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted,
            context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None);
        if (IntegerParameter(query, "timeoutSeconds") is { } timeout)
        {
            if (timeout < 0) throw ApiException.BadRequest($"invalid value for timeoutSeconds: {timeout}: must be greater than or equal to 0");
            // CancelAfter takes at most about 49 days; a longer timeout is no timeout in practice.
            if (timeout > 0) deadline.CancelAfter(TimeSpan.FromSeconds(Math.Min(timeout, (long)TimeSpan.FromDays(30).TotalSeconds)));
        }
        var table = WantsTable(context.Request);

        // Decided before the 200 and its headers go out: a refused watch is a 403 Status (and audited as one), not an
        // empty stream (the verb's own check runs only at its first event, when the answer has already started).
        await authorizer.AuthorizeCollection(caller, "watch", kind, ns, filter);
        var events = resources.Watch(caller, kind, ns, filter, NullIfEmpty(query["resourceVersion"]), IsTrue(query["allowWatchBookmarks"]), deadline.Token);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-cache, private";
        await response.StartAsync(context.RequestAborted);
        // Send the headers now: a client waits for them before it does what will produce the first event.
        await response.Body.FlushAsync(context.RequestAborted);

        var first = true;
        try
        {
            await foreach (var e in events.WithCancellation(deadline.Token))
            {
                JsonNode payload = e switch
                {
                    { Error: { } status } => WireFormat.Status(status),
                    { Object: null } => new JsonObject
                    {
                        ["kind"] = kind.Kind,
                        ["apiVersion"] = kind.ApiVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = e.ResourceVersion },
                    },
                    _ when table => WireFormat.Table(kind, [e.Object!], e.ResourceVersion, null, clock.GetUtcNow(), withColumns: first),
                    _ => WireFormat.ObjectNode(e.Object!),
                };
                first = false;
                var line = new JsonObject { ["type"] = e.Type, ["object"] = payload }.ToJsonString(KubeJson.Options) + "\n";
                await response.WriteAsync(line, context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // Timeout, shutdown or client gone: end the stream.
        }
    }

    /// <summary>An integer query parameter, null when absent; 400 when it is not an integer.</summary>
    private static long? IntegerParameter(IQueryCollection query, string name)
    {
        var text = query[name].ToString();
        if (text.Length == 0) return null;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ApiException.BadRequest($"invalid value for {name}: \"{text}\": must be an integer");
    }

    private static ObjectFilter Filter(ResourceKind kind, IQueryCollection query)
    {
        try
        {
            return new ObjectFilter(SelectorParser.ParseLabels(query["labelSelector"]), SelectorParser.ParseFields(query["fieldSelector"], field => KindRegistry.IsSelectable(kind, field)));
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
    }

    private static FieldValidation Validation(IQueryCollection query) => query["fieldValidation"].ToString() switch
    {
        "" or "Warn" => FieldValidation.Warn,
        "Strict" => FieldValidation.Strict,
        "Ignore" => FieldValidation.Ignore,
        var other => throw ApiException.BadRequest($"fieldValidation must be one of \"Ignore\", \"Warn\", \"Strict\" (got \"{other}\")"),
    };

    private static bool IsDryRun(IQueryCollection query) => query["dryRun"].ToString() == "All";

    private static ResourceService.PatchType PatchTypeOf(string? contentType) =>
        (contentType ?? "").Split(';')[0].Trim() switch
        {
            "application/json-patch+json" => ResourceService.PatchType.Json,
            "application/merge-patch+json" => ResourceService.PatchType.Merge,
            "application/strategic-merge-patch+json" => ResourceService.PatchType.StrategicMerge,
            "application/apply-patch+yaml" or "application/apply-patch+json" => ResourceService.PatchType.Apply,
            _ => throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"),
        };

    private static async Task<DeleteOptions> DeleteOptionsOf(HttpRequest request, CancellationToken ct)
    {
        var query = request.Query;
        var propagation = query["propagationPolicy"].ToString();
        long? grace = long.TryParse(query["gracePeriodSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : null;
        string? uid = null, resourceVersion = null;
        var body = await BodyDecoder.ReadBody(request, ct);
        if (body.Length > 0)
        {
            var node = BodyDecoder.Decode(body, request.ContentType) as JsonObject
                       ?? throw ApiException.BadRequest("DeleteOptions must be a JSON object");
            propagation = Field<string>(node, "propagationPolicy", "a string") ?? propagation;
            grace = node["gracePeriodSeconds"] is null ? grace : Field<long>(node, "gracePeriodSeconds", "an integer");
            var preconditions = node["preconditions"] switch
            {
                null => null,
                JsonObject p => p,
                _ => throw ApiException.BadRequest("DeleteOptions.preconditions must be an object"),
            };
            if (preconditions is not null)
            {
                uid = Field<string>(preconditions, "uid", "a string");
                resourceVersion = Field<string>(preconditions, "resourceVersion", "a string");
            }
        }
        return new DeleteOptions
        {
            Propagation = propagation switch
            {
                "" or "Background" => PropagationPolicy.Background,
                "Foreground" => PropagationPolicy.Foreground,
                "Orphan" => PropagationPolicy.Orphan,
                _ => throw ApiException.BadRequest($"propagationPolicy must be one of Orphan, Foreground, Background (got \"{propagation}\")"),
            },
            GracePeriodSeconds = grace,
            PreconditionUid = uid,
            PreconditionResourceVersion = resourceVersion,
        };
    }

    /// <summary>A field of client JSON read as <typeparamref name="T"/> (null when absent), or a 400 naming it when it has another type.</summary>
    private static T? Field<T>(JsonObject node, string name, string expected) => node[name] switch
    {
        null => default,
        JsonValue value when value.TryGetValue<T>(out var typed) => typed,
        _ => throw ApiException.BadRequest($"{name} must be {expected}"),
    };

    private static bool WantsTable(HttpRequest request) =>
        request.Headers.Accept.ToString().Split(',').FirstOrDefault()?.Contains(TableAccept, StringComparison.Ordinal) == true;

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is "true" or "1";

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) =>
        string.IsNullOrEmpty(value.ToString()) ? null : value.ToString();

    private static Task WriteObject(HttpContext context, KubeObject obj, int code, IReadOnlyList<string>? warnings = null)
    {
        foreach (var warning in warnings ?? [])
            context.Response.Headers.Append("Warning", $"299 - {JsonSerializer.Serialize(warning)}");
        return WriteJson(context, code, WireFormat.ObjectNode(obj));
    }

    public static Task WriteStatus(HttpContext context, ApiStatus status)
    {
        if (context.Response.HasStarted) return Task.CompletedTask;
        // As Kubernetes: a status that says when to retry says it in the header clients read too.
        if (status.Details?.RetryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return WriteJson(context, status.Code, WireFormat.Status(status));
    }

    public static async Task WriteJson(HttpContext context, int code, JsonNode body, string contentType = "application/json")
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = contentType;
        // Written as UTF-8 straight into the response, not through one string: a list of thousands of pods would
        // otherwise exist three times over (the tree, the UTF-16 string, its UTF-8 bytes).
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, new JsonWriterOptions { Encoder = KubeJson.Options.Encoder });
        body.WriteTo(writer, KubeJson.Options);
        await writer.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteText(HttpContext context, int code, string text)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(text, context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error serving {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string? path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: {Reason}")]
    private static partial void LogUndecryptable(ILogger logger, string method, string? path, string reason);
}
