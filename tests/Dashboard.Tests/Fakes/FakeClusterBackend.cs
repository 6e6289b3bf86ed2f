using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Dashboard.Tests.Fakes;

/// <summary>A patch, create, delete or save the dashboard asked of the cluster.</summary>
public sealed record BackendCall(string Verb, ResourceKind? Kind, string? Namespace, string? Name, PatchKind? PatchKind = null, JsonNode? Body = null, string? Yaml = null, KubeObject? Created = null);

/// <summary>
/// The cluster as a test sets it up: each kind's listing comes from a list the test edits, each watch reads
/// from a channel the test writes to (a change, or a <see cref="FeedExpiredException"/> that ends the watch), and
/// every action is recorded and can be refused.
/// </summary>
public sealed class FakeClusterBackend : IClusterBackend
{
    /// <summary>A group whose members may look but not touch, as the API's view role.</summary>
    public const string ReadOnlyGroup = "view";

    private readonly Lock _gate = new();
    private readonly Dictionary<ResourceKind, List<KubeObject>> _objects = [];
    private readonly Dictionary<ResourceKind, Channel<object>> _watches = [];
    private readonly Dictionary<ResourceKind, int> _listCalls = [];
    private readonly Dictionary<ResourceKind, int> _watchCalls = [];
    private readonly List<BackendCall> _calls = [];
    private long _version;

    /// <summary>
    /// Which verbs a user may use on a kind in a namespace (null: across the tenant); by default everything except writes
    /// for <see cref="ReadOnlyGroup"/>.
    /// </summary>
    public Func<DashboardUser, string, ResourceKind, string?, bool> Authorize { get; set; } =
        (user, verb, _, _) => verb is "get" or "list" or "watch" || !user.Groups.Contains(ReadOnlyGroup);

    /// <summary>When set, every decision waits for it: the policy of a tenant or namespace not yet read.</summary>
    public Task? DecisionsWait { get; set; }

    private async Task<bool> Decide(DashboardUser user, string verb, ResourceKind kind, string? ns)
    {
        if (DecisionsWait is { } wait) await wait;
        return Authorize(user, verb, kind, ns);
    }

    /// <summary>When set, every patch, delete and save is refused with this.</summary>
    public ActionFailedException? Refusal { get; set; }

    /// <summary>What <see cref="Save"/> returns when it is not refused.</summary>
    public KubeObject Saved { get; set; } = new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = "saved", Namespace = "default" } };

    public IReadOnlyList<string> LogLines { get; set; } = [];

    /// <summary>When set, every exec fails with this: an <see cref="ActionFailedException"/> as the API's refusal (a completed pod, a missing container), anything else as a bug.</summary>
    public Exception? ExecRefusal { get; set; }

    private readonly List<FakeExecSession> _sessions = [];

    /// <summary>The sessions the dashboard opened, oldest first.</summary>
    public IReadOnlyList<FakeExecSession> Sessions
    {
        get { lock (_gate) return _sessions.ToList(); }
    }

    public IReadOnlyList<BackendCall> Calls
    {
        get { lock (_gate) return _calls.ToList(); }
    }

    public int ListCalls(ResourceKind kind)
    {
        lock (_gate) return _listCalls.GetValueOrDefault(kind);
    }

    public int WatchCalls(ResourceKind kind)
    {
        lock (_gate) return _watchCalls.GetValueOrDefault(kind);
    }

    /// <summary>Replaces what the next listing of the kind returns (and does not tell any watch).</summary>
    public void SetObjects(ResourceKind kind, params KubeObject[] objects)
    {
        lock (_gate) _objects[kind] = [.. objects];
    }

    /// <summary>Sends a change to the kind's watch.</summary>
    public void Send(ResourceKind kind, ChangeType type, KubeObject obj) => WatchChannel(kind).Writer.TryWrite(new ResourceChange(type, obj));

    /// <summary>Ends the kind's current watch with 410 Gone, as when it fell behind the store's history.</summary>
    public void Expire(ResourceKind kind) => WatchChannel(kind).Writer.TryWrite(new FeedExpiredException("too old resource version"));

    /// <summary>Ends the kind's current watch with <paramref name="failure"/>, as when the silo serving it is lost.</summary>
    public void Fail(ResourceKind kind, Exception failure) => WatchChannel(kind).Writer.TryWrite(failure);

    public DashboardUser? SignIn(string token) => null;

    /// <summary>The users of the tokens still valid, by fingerprint (a test revokes one by removing it).</summary>
    public Dictionary<string, DashboardUser> Tokens { get; } = [];

    public DashboardUser? Revalidate(string tokenFingerprint) => Tokens.GetValueOrDefault(tokenFingerprint);

    public Task<bool> May(DashboardUser user, string verb, ResourceKind kind, string? ns = null) => Decide(user, verb, kind, ns);

    public string ScopeOf(DashboardUser user, ResourceKind kind) => kind == ResourceKinds.Node ? "" : user.Tenant;

    public Task<KubeObject> Get(DashboardUser user, ResourceKind kind, string ns, string name) =>
        Find(kind, ns, name) is { } found
            ? Task.FromResult(found)
            : Task.FromException<KubeObject>(new ActionFailedException(404, $"{kind.Resource} \"{name}\" not found"));

    public Task<ResourceListing> List(DashboardUser user, ResourceKind kind, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _listCalls[kind] = _listCalls.GetValueOrDefault(kind) + 1;
            return Task.FromResult(new ResourceListing(_objects.GetValueOrDefault(kind)?.ToList() ?? [], $"{++_version}"));
        }
    }

    public async IAsyncEnumerable<ResourceChange> Watch(DashboardUser user, ResourceKind kind, string version, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = WatchChannel(kind).Reader;
        lock (_gate) _watchCalls[kind] = _watchCalls.GetValueOrDefault(kind) + 1;
        await foreach (var item in reader.ReadAllAsync(cancellationToken))
        {
            if (item is Exception e) throw e;
            yield return (ResourceChange)item;
        }
    }

    public Task<KubeObject> Patch(DashboardUser user, ResourceKind kind, string ns, string name, PatchKind patchKind, JsonNode patch) =>
        Record(new BackendCall("patch", kind, ns, name, patchKind, patch.DeepClone()), () => Task.FromResult(Find(kind, ns, name) ?? Stub(kind, ns, name)));

    /// <summary>What the server adds to a created object (e.g. an AccessToken's token, shown once).</summary>
    public Func<KubeObject, KubeObject> Completing { get; set; } = obj => obj;

    /// <summary>What <see cref="Create"/> returns: the object with its generateName completed, as the API does.</summary>
    public Task<KubeObject> Create(DashboardUser user, ResourceKind kind, string ns, KubeObject obj) =>
        Record(new BackendCall("create", kind, ns, obj.Metadata.Name ?? obj.Metadata.GenerateName, Created: obj), () => Task.FromResult(Completing(
            obj.Metadata.Name is null && obj.Metadata.GenerateName is { } prefix ? obj with { Metadata = obj.Metadata with { Name = prefix + "abcde" } } : obj)));

    public Task Delete(DashboardUser user, ResourceKind kind, string ns, string name) =>
        Record<object?>(new BackendCall("delete", kind, ns, name), () => Task.FromResult<object?>(null));

    public Task<KubeObject> Save(DashboardUser user, string yaml, string defaultNamespace, bool replace) =>
        Record(new BackendCall(replace ? "update" : "create", null, defaultNamespace, null, Yaml: yaml), () => Task.FromResult(Saved));

    public string ToYaml(KubeObject obj) => $"kind: {obj.Kind}\nmetadata:\n  name: {obj.Metadata.Name}\n  namespace: {obj.Metadata.Namespace}\n";

    public async IAsyncEnumerable<string> Logs(DashboardUser user, string ns, string pod, string? container, bool follow, int tailLines, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var line in LogLines) yield return line;
        await Task.CompletedTask;
    }

    /// <summary>As the API: a <c>create</c> of <c>pods/exec</c>, authorised as a create of pods.</summary>
    public Task<bool> MayExec(DashboardUser user, string ns) => Decide(user, "create", ResourceKinds.Pod, ns);

    public Task<IExecSession> Exec(DashboardUser user, string ns, string pod, string container, IReadOnlyList<string> command, bool tty, CancellationToken cancellationToken)
    {
        if (ExecRefusal is { } refusal) return Task.FromException<IExecSession>(refusal);
        var session = new FakeExecSession(new ExecCall(ns, pod, container, command, tty));
        lock (_gate) _sessions.Add(session);
        return Task.FromResult<IExecSession>(session);
    }

    private readonly Dictionary<string, List<AuditEntry>> _audit = [];

    /// <summary>Adds a request to a tenant's audit trail (the newest last, as the server records them).</summary>
    public void Audit(string tenant, AuditEntry entry)
    {
        lock (_gate)
        {
            if (!_audit.TryGetValue(tenant, out var trail)) _audit[tenant] = trail = [];
            trail.Add(entry);
        }
    }

    /// <summary>The limits the dashboard asked the audit trail with.</summary>
    public List<int> AuditLimits { get; } = [];

    /// <summary>Who may read the audit trail; by default everyone (the silo asks RBAC for <c>get</c> on <c>/audit</c>).</summary>
    public Func<DashboardUser, bool> MayAudit { get; set; } = _ => true;

    public Task<bool> MayReadAuditTrail(DashboardUser user) => Task.FromResult(MayAudit(user));

    /// <summary>As the silo: refused unless allowed; only the user's own tenant, newest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<AuditEntry>> AuditTrail(DashboardUser user, int limit)
    {
        if (!MayAudit(user)) return Task.FromException<IReadOnlyList<AuditEntry>>(new ActionFailedException(403, $"forbidden: User \"{user.Name}\" cannot get path \"/audit\""));
        lock (_gate)
        {
            AuditLimits.Add(limit);
            return Task.FromResult<IReadOnlyList<AuditEntry>>(_audit.TryGetValue(user.Tenant, out var trail) ? [.. Enumerable.Reverse(trail).Take(limit)] : []);
        }
    }

    private Task<T> Record<T>(BackendCall call, Func<Task<T>> result)
    {
        lock (_gate) _calls.Add(call);
        return Refusal is { } refusal ? Task.FromException<T>(refusal) : result();
    }

    private KubeObject? Find(ResourceKind kind, string ns, string name)
    {
        lock (_gate) return _objects.GetValueOrDefault(kind)?.FirstOrDefault(o => o.Metadata.Namespace == ns && o.Metadata.Name == name);
    }

    /// <summary>What a patch returns for an object the test only put in the feed: the pages show the feed, not this.</summary>
    private static KubeObject Stub(ResourceKind kind, string ns, string name) =>
        (KubeObject)Activator.CreateInstance(kind.ClrType)! with { ApiVersion = kind.ApiVersion, Kind = kind.Kind, Metadata = new ObjectMeta { Namespace = ns, Name = name } };

    private Channel<object> WatchChannel(ResourceKind kind)
    {
        lock (_gate)
        {
            if (!_watches.TryGetValue(kind, out var channel)) _watches[kind] = channel = Channel.CreateUnbounded<object>();
            return channel;
        }
    }
}
