using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Api.Audit;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Streaming;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// The dashboard's view of the cluster: the same <see cref="ResourceService"/> verbs, tokens and
/// <see cref="Authorizer"/> as the Kubernetes API, so a dashboard user can do exactly what their token can
/// do with kubectl, and every refusal carries the API's own code and message. Every call that is a request of the
/// API (not the local questions May, ScopeOf, ToYaml) is audited as one, with user agent <c>dashboard</c>.
/// </summary>
public sealed class DashboardBackend(ResourceService resources, PodLogProxy logs, PodStreamProxy streams, TokenFile tokens, AuditLog audit, TimeProvider clock,
    Auth.Identity.StoredIdentities? identities = null) : IClusterBackend
{
    public DashboardUser? SignIn(string token) =>
        ToUser(tokens.Authenticate(token) ?? (identities is null ? null : Now(() => identities.Authenticate(token))));

    public DashboardUser? Revalidate(string tokenFingerprint) => ToUser(tokens.ByFingerprint(tokenFingerprint));

    public DashboardUser? Revalidate(string credential, DashboardUser signedIn)
    {
        if (credential.StartsWith(PasswordSessionPrefix, StringComparison.Ordinal))
            return identities is null ? null : ToUser(Now(() => identities.BySession(signedIn.Tenant, signedIn.Name, credential)));
        return ToUser(tokens.ByFingerprint(credential) ?? (identities is null ? null : Now(() => identities.ByFingerprint(signedIn.Tenant, credential))));
    }

    public (DashboardUser User, string Credential)? SignInWithPassword(string tenant, string user, string password)
    {
        if (identities is null) return null;
        var signedIn = Now(() => identities.SignIn(tenant, user, password));
        return signedIn is { } found ? (ToUser(found.Caller)!, found.Session) : null;
    }

    private const string PasswordSessionPrefix = "password:";

    private static DashboardUser? ToUser(Caller? caller) => caller is null ? null : new DashboardUser(caller.User, caller.Tenant, caller.Groups);

    /// <summary>
    /// A lookup awaited for the dashboard's synchronous sign-in questions. The first lookup of a tenant lists the store;
    /// its continuations must not need the Blazor circuit's thread that is blocked here, so it runs without that context.
    /// </summary>
    private static T Now<T>(Func<ValueTask<T>> ask)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            var pending = ask();
            return pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    public async Task<bool> May(DashboardUser user, string verb, ResourceKind kind, string? ns = null) =>
        await resources.Authorizer.May(CallerOf(user), verb, kind, kind.Namespaced ? ns : null);

    public string ScopeOf(DashboardUser user, ResourceKind kind) => Authorizer.TenantFor(CallerOf(user), kind);

    public Task<KubeObject> Get(DashboardUser user, ResourceKind kind, string ns, string name) =>
        Audited(user, "get", kind, ns, name, () => resources.Get(CallerOf(user), kind, kind.Namespaced ? ns : null, name));

    public Task<ResourceListing> List(DashboardUser user, ResourceKind kind, CancellationToken cancellationToken) =>
        Audited(user, "list", kind, null, null, async () =>
        {
            var page = await resources.List(CallerOf(user), kind, null, ObjectFilter.Everything);
            return new ResourceListing(page.Items, page.ResourceVersion);
        });

    public async IAsyncEnumerable<ResourceChange> Watch(DashboardUser user, ResourceKind kind, string version, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Long-running: in the log when it opens and when it ends, as the API's watches. A refusal is the 403 the
        // verb itself would throw, decided first so that it is audited with its code.
        var caller = CallerOf(user);
        var request = new DashboardRequest(audit, clock, user, "watch", kind, null, null);
        if (!await resources.Authorizer.May(caller, "watch", kind, null))
        {
            request.Record(AuditEvent.ResponseComplete, 403, "Forbidden");
            throw Refusal(ApiException.Forbidden(caller.User, "watch", kind.Plural, kind.Group, null, null, null));
        }
        request.Record(AuditEvent.ResponseStarted, 200, null);
        // The end is recorded with what actually ended the watch: a refusal or fault of the verb (a 403 of the list a
        // watch from scratch begins with) as its code, mapped as every other call's refusal; the user leaving as 200.
        var code = 200;
        string? reason = null;
        var changes = resources.Watch(caller, kind, null, ObjectFilter.Everything, version, bookmarks: false, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                ApiWatchEvent e;
                try
                {
                    if (!await changes.MoveNextAsync()) break;
                    e = changes.Current;
                }
                catch (ApiException failure)
                {
                    (code, reason) = (failure.Code, failure.Reason);
                    throw Refusal(failure);
                }
                catch (Exception failure) when (failure is not OperationCanceledException)
                {
                    (code, reason) = (500, "InternalError");
                    throw;
                }
                switch (e.Type)
                {
                    case ApiWatchEvent.ErrorType: throw new FeedExpiredException(e.Error?.Message ?? "watch expired");
                    case ApiWatchEvent.Deleted: yield return new ResourceChange(ChangeType.Delete, e.Object!); break;
                    case ApiWatchEvent.Added or ApiWatchEvent.Modified: yield return new ResourceChange(ChangeType.Upsert, e.Object!); break;
                }
            }
        }
        finally
        {
            await changes.DisposeAsync();
            request.Record(AuditEvent.ResponseComplete, code, reason);
        }
    }

    public Task<KubeObject> Patch(DashboardUser user, ResourceKind kind, string ns, string name, PatchKind patchKind, JsonNode patch) =>
        Audited(user, "patch", kind, ns, name, async () =>
        {
            var type = patchKind switch
            {
                PatchKind.Json => ResourceService.PatchType.Json,
                PatchKind.StrategicMerge => ResourceService.PatchType.StrategicMerge,
                _ => ResourceService.PatchType.Merge,
            };
            var (obj, _, _) = await resources.Patch(CallerOf(user), kind, kind.Namespaced ? ns : null, name, type, patch, Subresource.Main, FieldValidation.Strict);
            return obj;
        });

    public Task<KubeObject> Create(DashboardUser user, ResourceKind kind, string ns, KubeObject obj) =>
        Audited(user, "create", kind, ns, obj.Metadata.Name, async () => (await resources.Create(CallerOf(user), kind, kind.Namespaced ? ns : null,
            JsonSerializer.SerializeToNode(obj, obj.GetType(), KubeJson.Options)!, FieldValidation.Strict)).Object, successCode: 201);

    public Task Delete(DashboardUser user, ResourceKind kind, string ns, string name) =>
        Audited(user, "delete", kind, ns, name, () => resources.Delete(CallerOf(user), kind, kind.Namespaced ? ns : null, name, DeleteOptions.Default));

    public Task<KubeObject> Save(DashboardUser user, string yaml, string defaultNamespace, bool replace) =>
        Refusals(async () =>
        {
            var body = BodyDecoder.FromYaml(Encoding.UTF8.GetBytes(yaml)) as JsonObject
                       ?? throw ApiException.BadRequest("the manifest must be a YAML mapping (an object)");
            var metadata = body["metadata"] as JsonObject;
            var apiVersion = Text(body, "apiVersion") ?? throw ApiException.BadRequest("apiVersion not set");
            var kindName = Text(body, "kind") ?? throw ApiException.BadRequest("kind not set");
            var kind = ResourceKinds.All.FirstOrDefault(k => k.ApiVersion == apiVersion && k.Kind == kindName)
                       ?? throw ApiException.BadRequest($"no matches for kind \"{kindName}\" in version \"{apiVersion}\"");
            var ns = kind.Namespaced ? Text(metadata, "namespace") ?? defaultNamespace : null;
            var caller = CallerOf(user);
            // A manifest that is not one reaches no verb (kubectl refuses it before sending); the write itself is audited.
            if (!replace)
                return await AuditedCall(user, "create", kind, ns, Text(metadata, "name"), async () => (await resources.Create(caller, kind, ns, body, FieldValidation.Strict)).Object, 201);
            var name = Text(metadata, "name") ?? throw ApiException.BadRequest("metadata.name not set");
            return await AuditedCall(user, "update", kind, ns, name, async () => (await resources.Replace(caller, kind, ns, name, body, Subresource.Main, FieldValidation.Strict)).Object, 200);
        });

    /// <summary>A string field of the user's manifest, or null when absent or not a string (admission then names the fault).</summary>
    private static string? Text(JsonObject? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public string ToYaml(KubeObject obj) => YamlEncoder.Encode(JsonSerializer.SerializeToNode(obj, obj.GetType(), KubeJson.Options));

    public async IAsyncEnumerable<string> Logs(DashboardUser user, string ns, string pod, string? container, bool follow, int tailLines,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = await Audited(user, "get", ResourceKinds.Pod, ns, pod,
            () => logs.Open(CallerOf(user), ns, pod, new PodLogProxy.LogRequest(container, follow, false, tailLines), cancellationToken), subresource: "log");
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
            yield return line;
    }

    public async Task<bool> MayExec(DashboardUser user, string ns) => await resources.Authorizer.May(CallerOf(user), "create", ResourceKinds.Pod, ns, subresource: "exec");

    public async Task<IExecSession> Exec(DashboardUser user, string ns, string pod, string container, IReadOnlyList<string> command, bool tty,
        CancellationToken cancellationToken)
    {
        // With a tty the terminal merges stderr into stdout, so (as kubectl -t) stderr is not asked for.
        var query = new ExecQuery(command, Stdin: true, Stdout: true, Stderr: !tty, Tty: tty);
        // Recorded when the session opens (101, as the API's upgrade): what is typed in it is never logged.
        var socket = await Audited(user, "create", ResourceKinds.Pod, ns, pod, async () =>
        {
            try
            {
                return await streams.OpenExec(CallerOf(user), ns, pod, container, query, attach: false, cancellationToken);
            }
            catch (PodStreamException e)
            {
                throw new ApiException(502, "BadGateway", e.Message);
            }
        }, subresource: "exec", successCode: 101, stage: AuditEvent.ResponseStarted);
        return new WebSocketExecSession(socket);
    }

    private static Caller CallerOf(DashboardUser user) => new(user.Name, user.Tenant, user.Groups);

    /// <summary>
    /// The non-resource URL whose <c>get</c> lets a user read the audit trail. The trail shows every user's requests
    /// and object names in every namespace of the tenant, so only a cluster-wide rule can grant it (cluster-admin's
    /// <c>nonResourceURLs: ["*"]</c> does; a role bound in one namespace cannot hold such a rule).
    /// </summary>
    public const string AuditTrailPath = "/audit";

    public async Task<bool> MayReadAuditTrail(DashboardUser user) => await resources.Authorizer.MayPath(CallerOf(user), "get", AuditTrailPath);

    /// <summary>The tenant's newest events from the log's in-memory ring; a request without an object (discovery) by its path.</summary>
    public async Task<IReadOnlyList<AuditEntry>> AuditTrail(DashboardUser user, int limit)
    {
        if (!await MayReadAuditTrail(user))
            throw new ActionFailedException(403, $"forbidden: User {Admission.Validation.Quote(user.Name)} cannot get path {Admission.Validation.Quote(AuditTrailPath)}");
        return [.. audit.Recent(user.Tenant, limit).Select(e => new AuditEntry(
            e.StageTime, e.User, e.Verb, e.ObjectRef?.Resource ?? e.RequestUri.Split('?', 2)[0], e.ObjectRef?.Namespace, e.ObjectRef?.Name, e.ObjectRef?.Subresource,
            e.Code, e.UserAgent, e.Latency, e.Stage == AuditEvent.ResponseStarted))];
    }

    /// <summary>A verb called for the dashboard, audited as the API request it stands for, refusals as the dashboard shows them.</summary>
    private Task<T> Audited<T>(DashboardUser user, string verb, ResourceKind kind, string? ns, string? name, Func<Task<T>> call,
        string? subresource = null, int successCode = 200, string stage = AuditEvent.ResponseComplete) =>
        Refusals(() => AuditedCall(user, verb, kind, ns, name, call, successCode, subresource, stage));

    private Task Audited(DashboardUser user, string verb, ResourceKind kind, string? ns, string? name, Func<Task> call) =>
        Audited(user, verb, kind, ns, name, async () => { await call(); return true; });

    private async Task<T> AuditedCall<T>(DashboardUser user, string verb, ResourceKind kind, string? ns, string? name, Func<Task<T>> call,
        int successCode, string? subresource = null, string stage = AuditEvent.ResponseComplete)
    {
        var request = new DashboardRequest(audit, clock, user, verb, kind, ns, name, subresource);
        T result;
        try
        {
            result = await call();
        }
        catch (ApiException e)
        {
            request.Record(AuditEvent.ResponseComplete, e.Code, e.Reason);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            request.Record(AuditEvent.ResponseComplete, 500, "InternalError");
            throw;
        }
        request.Record(stage, successCode, null, (result as KubeObject)?.Metadata.Name);
        return result;
    }

    /// <summary>One dashboard call as an API request: the URL kubectl would have used, the user agent <c>dashboard</c>.</summary>
    private sealed class DashboardRequest(AuditLog log, TimeProvider clock, DashboardUser user, string verb, ResourceKind kind, string? ns, string? name, string? subresource = null)
    {
        private readonly string _id = Guid.NewGuid().ToString();
        private readonly DateTimeOffset _received = clock.GetUtcNow();

        public void Record(string stage, int code, string? reason, string? createdName = null)
        {
            var objectName = name ?? createdName;
            var objectRef = ApiRequestAudit.RefOf(kind, ns, objectName, subresource);
            var uri = kind.GroupVersionPath
                      + (kind.Namespaced && ns is not null ? $"/namespaces/{ns}" : "")
                      + $"/{kind.Plural}"
                      + (objectName is null ? "" : $"/{objectName}")
                      + (subresource is null ? "" : $"/{subresource}")
                      + (verb == "watch" ? "?watch=true" : "");
            log.Record(new AuditEvent(
                _id, stage, uri, verb, user.Name, [.. user.Groups.Append(ApiRequestAudit.AuthenticatedGroup).Distinct(StringComparer.Ordinal)],
                user.Tenant, [], AuditEvent.DashboardUserAgent, objectRef, code, reason, _received, clock.GetUtcNow()));
        }
    }

    /// <summary>The API's refusals as the dashboard shows them: code, message and the fields at fault.</summary>
    private static async Task<T> Refusals<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ApiException e)
        {
            throw Refusal(e);
        }
        catch (Exception e) when (Storage.Encryption.SecretDecryptionException.Within(e) is { } unreadable)
        {
            // The API's answer to a Secret the keys cannot open (see KubeApiHandler), in the dashboard's words.
            throw new ActionFailedException(500, $"Internal error occurred: {unreadable.Message}");
        }
    }

    /// <summary>One API refusal in the dashboard's words: code, message and the fields at fault.</summary>
    private static ActionFailedException Refusal(ApiException e) =>
        new(e.Code, e.Message, e.Details?.Causes?.Select(c => new FieldProblem(c.Field, c.Message ?? c.Reason ?? "")).ToList());

    private static async Task Refusals(Func<Task> call) => await Refusals(async () => { await call(); return true; });
}
