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
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Streaming;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// The dashboard's view of the cluster: the same <see cref="ResourceService"/> verbs, tokens and
/// <see cref="Authorizer"/> as the Kubernetes API, so a dashboard user can do exactly what their token can
/// do with kubectl, and every refusal carries the API's own code and message.
/// </summary>
public sealed class DashboardBackend(ResourceService resources, PodLogProxy logs, PodStreamProxy streams, TokenFile tokens) : IClusterBackend
{
    public DashboardUser? SignIn(string token) =>
        tokens.Authenticate(token) is { } caller ? new DashboardUser(caller.User, caller.Tenant, caller.Groups) : null;

    public bool May(DashboardUser user, string verb, ResourceKind kind) => resources.Authorizer.MayAnywhere(CallerOf(user), verb, kind);

    public string ScopeOf(DashboardUser user, ResourceKind kind) => Authorizer.TenantFor(CallerOf(user), kind);

    public Task<KubeObject> Get(DashboardUser user, ResourceKind kind, string ns, string name) =>
        Refusals(() => resources.Get(CallerOf(user), kind, kind.Namespaced ? ns : null, name));

    public Task<ResourceListing> List(DashboardUser user, ResourceKind kind, CancellationToken cancellationToken) =>
        Refusals(async () =>
        {
            var page = await resources.List(CallerOf(user), kind, null, ObjectFilter.Everything);
            return new ResourceListing(page.Items, page.ResourceVersion);
        });

    public async IAsyncEnumerable<ResourceChange> Watch(DashboardUser user, ResourceKind kind, string version, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in resources.Watch(CallerOf(user), kind, null, ObjectFilter.Everything, version, bookmarks: false, cancellationToken))
        {
            switch (e.Type)
            {
                case ApiWatchEvent.ErrorType: throw new FeedExpiredException(e.Error?.Message ?? "watch expired");
                case ApiWatchEvent.Deleted: yield return new ResourceChange(ChangeType.Delete, e.Object!); break;
                case ApiWatchEvent.Added or ApiWatchEvent.Modified: yield return new ResourceChange(ChangeType.Upsert, e.Object!); break;
            }
        }
    }

    public Task<KubeObject> Patch(DashboardUser user, ResourceKind kind, string ns, string name, PatchKind patchKind, JsonNode patch) =>
        Refusals(async () =>
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
        Refusals(async () => (await resources.Create(CallerOf(user), kind, kind.Namespaced ? ns : null,
            JsonSerializer.SerializeToNode(obj, obj.GetType(), KubeJson.Options)!, FieldValidation.Strict)).Object);

    public Task Delete(DashboardUser user, ResourceKind kind, string ns, string name) =>
        Refusals(() => resources.Delete(CallerOf(user), kind, kind.Namespaced ? ns : null, name, DeleteOptions.Default));

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
            if (!replace) return (await resources.Create(caller, kind, ns, body, FieldValidation.Strict)).Object;
            var name = Text(metadata, "name") ?? throw ApiException.BadRequest("metadata.name not set");
            return (await resources.Replace(caller, kind, ns, name, body, Subresource.Main, FieldValidation.Strict)).Object;
        });

    /// <summary>A string field of the user's manifest, or null when absent or not a string (admission then names the fault).</summary>
    private static string? Text(JsonObject? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public string ToYaml(KubeObject obj) => YamlEncoder.Encode(JsonSerializer.SerializeToNode(obj, obj.GetType(), KubeJson.Options));

    public async IAsyncEnumerable<string> Logs(DashboardUser user, string ns, string pod, string? container, bool follow, int tailLines,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = await Refusals(() => logs.Open(CallerOf(user), ns, pod, new PodLogProxy.LogRequest(container, follow, false, tailLines), cancellationToken));
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
            yield return line;
    }

    public bool MayExec(DashboardUser user) => resources.Authorizer.MayAnywhere(CallerOf(user), "create", ResourceKinds.Pod, "exec");

    public async Task<IExecSession> Exec(DashboardUser user, string ns, string pod, string container, IReadOnlyList<string> command, bool tty,
        CancellationToken cancellationToken)
    {
        // With a tty the terminal merges stderr into stdout, so (as kubectl -t) stderr is not asked for.
        var query = new ExecQuery(command, Stdin: true, Stdout: true, Stderr: !tty, Tty: tty);
        var socket = await Refusals(async () =>
        {
            try
            {
                return await streams.OpenExec(CallerOf(user), ns, pod, container, query, attach: false, cancellationToken);
            }
            catch (PodStreamException e)
            {
                throw new ApiException(502, "BadGateway", e.Message);
            }
        });
        return new WebSocketExecSession(socket);
    }

    private static Caller CallerOf(DashboardUser user) => new(user.Name, user.Tenant, user.Groups);

    /// <summary>The API's refusals as the dashboard shows them: code, message and the fields at fault.</summary>
    private static async Task<T> Refusals<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ApiException e)
        {
            throw new ActionFailedException(e.Code, e.Message,
                e.Details?.Causes?.Select(c => new FieldProblem(c.Field, c.Message ?? c.Reason ?? "")).ToList());
        }
    }

    private static async Task Refusals(Func<Task> call) => await Refusals(async () => { await call(); return true; });
}
