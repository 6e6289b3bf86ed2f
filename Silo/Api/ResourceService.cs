using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Patching;
using OrleansOrchestrator.Silo.Api.Wire;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// The Kubernetes verbs over the store, independent of HTTP: authorisation, decoding, patching, and reads
/// across collections, for the REST API and the dashboard. Writes go to the object grains as the caller,
/// where the admission chain every writer passes (defaults, validation, namespace lifecycle) runs.
/// </summary>
public sealed class ResourceService(IGrainFactory grains, AdmissionChain admission, TimeProvider clock, Authorizer authorizer)
{
    /// <summary>How long one store watch call waits for changes before the loop asks again.</summary>
    private static readonly TimeSpan WatchPoll = TimeSpan.FromSeconds(20);

    /// <summary>How calls into the grains are asked again while a lost silo's grains move (reads always, writes when unapplied).</summary>
    private static FailoverRetry Retry => FailoverRetry.Default;

    /// <summary>Retries of a patch that lost an optimistic-concurrency race to another writer.</summary>
    private const int PatchAttempts = 5;

    /// <summary>The one authoriser of the API, for the verbs that are not over the store (logs, exec, port-forward).</summary>
    public Authorizer Authorizer => authorizer;

    /// <summary>Reads an object; <paramref name="subresource"/> (<c>status</c>) is what RBAC is asked about, as Kubernetes asks for <c>get deployments/status</c>.</summary>
    public async Task<KubeObject> Get(Caller caller, ResourceKind kind, string? ns, string name, string? subresource = null)
    {
        await authorizer.Authorize(caller, "get", kind, ns, name, subresource);
        return await Read(caller, kind, ns, name);
    }

    /// <summary>
    /// Reads the object a request on one of its subresources is about (a pod's log, exec, attach, port-forward), once
    /// that subresource's verb was authorised: Kubernetes asks RBAC about <c>get pods/log</c> or <c>create pods/exec</c>
    /// only, not also about <c>get pods</c>. The caller's tenant still bounds what can be read.
    /// </summary>
    public Task<KubeObject> GetForAuthorizedSubresource(Caller caller, ResourceKind kind, string? ns, string name) => Read(caller, kind, ns, name);

    private async Task<KubeObject> Read(Caller caller, ResourceKind kind, string? ns, string name) =>
        await Retry.Read(() => ObjectGrain(caller, kind, ns, name).Get()) ?? throw ApiException.NotFound(kind.Plural, kind.Group, name);

    public sealed record ListPage(IReadOnlyList<KubeObject> Items, string ResourceVersion, string? Continue, long? RemainingItemCount);

    /// <summary>Lists one namespace (or a cluster-scoped kind), or every namespace of the tenant when <paramref name="ns"/> is null.</summary>
    public async Task<ListPage> List(Caller caller, ResourceKind kind, string? ns, ObjectFilter filter, int limit = 0, string? continueToken = null)
    {
        await authorizer.AuthorizeCollection(caller, "list", kind, ns, filter);
        return await ListAuthorized(caller, kind, ns, filter, limit, continueToken);
    }

    /// <summary>A list the caller was already authorised for (by the list itself, or by the watch it begins).</summary>
    private async Task<ListPage> ListAuthorized(Caller caller, ResourceKind kind, string? ns, ObjectFilter filter, int limit = 0, string? continueToken = null)
    {
        if (!kind.Namespaced || ns is not null)
        {
            var at = continueToken is null ? null : ListContinue.Decode(continueToken);
            if (at is not null && at.Namespace != (ns ?? "")) throw ApiException.BadRequest("invalid continue token");
            var page = await Retry.Read(() => Collection(caller, kind, ns).List(new ListOptions { Filter = filter, Limit = limit, After = at?.Name }));
            var listVersion = at?.Version ?? Version(page.Version);
            return new ListPage(page.Items, listVersion,
                page.ContinueAfter is null ? null : new ListContinue(listVersion, ns ?? "", page.ContinueAfter).Encode(), page.RemainingItemCount);
        }

        // Across namespaces: each collection from where the page starts, merged in (namespace, name) order. With a
        // limit, only that many cross the wire (kubectl asks for 500 at a time): unpaged, 50,000 pods made one
        // response of ~90 MB, built in memory at once.
        var from = continueToken is null ? null : ListContinue.Decode(continueToken);
        // The namespaces of the tenant the kind lives in (a User's namespaces are tenants, in the system tenant).
        var namespaces = (await NamespaceNames(Authorizer.TenantFor(caller, kind)))
            .Where(n => from is null || string.CompareOrdinal(n, from.Namespace) >= 0)
            .Order(StringComparer.Ordinal)
            .ToList();
        var pages = await Task.WhenAll(namespaces.Select(n => Retry.Read(() => Collection(caller, kind, n).List(new ListOptions
        {
            Filter = filter,
            Limit = limit,
            After = n == from?.Namespace ? from.Name : null,
        }))));
        var version = from?.Version
            ?? CompositeVersion.Encode(namespaces.Zip(pages).ToDictionary(p => p.First, p => p.Second.Version, StringComparer.Ordinal));
        var items = pages.SelectMany(p => p.Items).ToList();
        if (limit <= 0 || items.Count <= limit && pages.All(p => p.ContinueAfter is null))
            return new ListPage(items, version, null, null);

        var matching = pages.Sum(p => p.Items.Count + (p.RemainingItemCount ?? 0));
        var last = items[limit - 1].Metadata;
        var next = new ListContinue(version, last.Namespace!, last.Name!);
        return new ListPage(items.Take(limit).ToList(), version, next.Encode(), matching - limit);
    }

    /// <summary>
    /// The changes after <paramref name="resourceVersion"/>, in commit order per collection; when it is
    /// empty or "0", first the current objects as ADDED (Kubernetes' "any version" start).
    /// </summary>
    public async IAsyncEnumerable<ApiWatchEvent> Watch(
        Caller caller, ResourceKind kind, string? ns, ObjectFilter filter, string? resourceVersion, bool bookmarks,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await authorizer.AuthorizeCollection(caller, "watch", kind, ns, filter);
        var fromScratch = string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0";
        Dictionary<string, long> positions;
        if (fromScratch)
        {
            // The current objects a watch from scratch begins with are part of the watch: Kubernetes authorises it as
            // `watch` only, so a role granting watch without list may watch from scratch.
            var list = await ListAuthorized(caller, kind, ns, filter);
            foreach (var item in list.Items)
                yield return new ApiWatchEvent(ApiWatchEvent.Added, item, item.Metadata.ResourceVersion ?? "");
            positions = Positions(kind, ns, list.ResourceVersion);
        }
        else if (!kind.Namespaced || ns is not null)
        {
            if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var single))
            {
                yield return ApiWatchEvent.Expired(resourceVersion!);
                yield break;
            }
            positions = new Dictionary<string, long>(StringComparer.Ordinal) { [ns ?? ""] = single };
        }
        else if (!CompositeVersion.TryDecode(resourceVersion, out positions))
        {
            // A plain object version cannot place a watch in every namespace: the client must list again.
            yield return ApiWatchEvent.Expired(resourceVersion!);
            yield break;
        }
        else
        {
            // The version is the client's to forge: it may name any number of namespaces, and each would get a
            // collection grain and a poll loop. Only the tenant's namespaces are followed.
            var existing = (await NamespaceNames(Authorizer.TenantFor(caller, kind))).ToHashSet(StringComparer.Ordinal);
            positions = positions.Where(p => existing.Contains(p.Key)).ToDictionary(StringComparer.Ordinal);
        }

        var composite = kind.Namespaced && ns is null;
        // The namespaces of the tenant the kind lives in (a User's are tenants, in the system tenant).
        var namespaces = grains.GetGrain<ICollectionGrain>(StoreKeys.Collection(Authorizer.TenantFor(caller, kind), ResourceKinds.Namespace, null));
        var watcher = new CollectionWatcher(n => Collection(caller, kind, n), composite ? namespaces : null, WatchPoll, FailoverRetry.Default);
        await foreach (var e in watcher.Watch(positions, filter, bookmarks, cancellationToken))
            yield return e;
    }

    private Dictionary<string, long> Positions(ResourceKind kind, string? ns, string listVersion)
    {
        if (CompositeVersion.TryDecode(listVersion, out var positions)) return positions;
        return new Dictionary<string, long>(StringComparer.Ordinal) { [kind.Namespaced ? ns ?? "" : ""] = long.Parse(listVersion, CultureInfo.InvariantCulture) };
    }

    public async Task<(KubeObject Object, IReadOnlyList<string> Warnings)> Create(
        Caller caller, ResourceKind kind, string? ns, JsonNode body, FieldValidation validation, bool dryRun = false)
    {
        await authorizer.Authorize(caller, "create", kind, ns);
        var (obj, warnings) = Admission.Admission.Admit(body, kind, validation);
        if (kind.Namespaced)
        {
            if (obj.Metadata.Namespace is { Length: > 0 } bodyNs && ns is not null && bodyNs != ns)
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            ns ??= obj.Metadata.Namespace;
            if (string.IsNullOrEmpty(ns)) throw ApiException.BadRequest("the namespace of the object must be set");
        }
        var name = obj.Metadata.Name;
        if (string.IsNullOrEmpty(name) && obj.Metadata.GenerateName is { Length: > 0 } prefix) name = prefix + Controllers.Names.RandomSuffix();
        // The admission chain judges names in the object grain, but a name that cannot be part of the grain's key
        // ("a/b") must be refused before a key is made of it, with the same 422.
        if (name is { Length: > 0 } && ResourcePath.SegmentNameProblem(name) is not null)
            throw ApiException.Invalid(kind.Kind, kind.Group, name, [Validation.NameCause(kind, name)!]);
        obj = obj with { Metadata = obj.Metadata with { Name = name, Namespace = kind.Namespaced ? ns : null } };
        await authorizer.ConfirmNoEscalation(caller, obj);
        // An access token is made here, kept as its hash, and shown once: in this response only.
        var issued = obj is AccessToken ? Auth.Identity.Credentials.NewToken(ns!) : null;
        if (obj is AccessToken token) obj = token with { Status = new AccessTokenStatus { TokenHash = Auth.Identity.Credentials.HashToken(issued!) } };
        var result = dryRun ? await DryRunCreate(caller, kind, obj) : await Retry.Write(() => ObjectGrain(caller, kind, ns, name!).Create(obj, caller.Actor));
        authorizer.Changed(caller, kind, ns);
        var created = Unwrap(result, kind, name!);
        if (created is AccessToken stored && issued is not null && !dryRun) created = stored with { Status = (stored.Status ?? new AccessTokenStatus()) with { Token = issued } };
        return (created, warnings);
    }

    /// <summary>What a create would store, prepared and admitted as the object grain does, without storing it.</summary>
    private async Task<WriteResult> DryRunCreate(Caller caller, ResourceKind kind, KubeObject obj)
    {
        var meta = obj.Metadata;
        var prepared = Store.ObjectSemantics.PrepareCreate(obj, kind, meta.Name!, meta.Namespace ?? "", clock.GetUtcNow(), Guid.NewGuid().ToString());
        return await admission.Admit(new AdmissionRequest(AdmissionOperation.Create, kind, Subresource.Main, Authorizer.TenantFor(caller, kind), prepared, null, caller.Actor, DryRun: true));
    }

    public async Task<(KubeObject Object, IReadOnlyList<string> Warnings)> Replace(
        Caller caller, ResourceKind kind, string? ns, string name, JsonNode body, Subresource subresource, FieldValidation validation)
    {
        await authorizer.Authorize(caller, "update", kind, ns, name, SubresourceName(subresource));
        var (obj, warnings) = Admission.Admission.Admit(body, kind, validation, name);
        CheckIdentity(obj, kind, ns, name);
        obj = obj with { Metadata = obj.Metadata with { Name = name, Namespace = kind.Namespaced ? ns : null } };
        await authorizer.ConfirmNoEscalation(caller, obj);
        var result = await Retry.Write(() => ObjectGrain(caller, kind, ns, name).Update(obj, subresource, caller.Actor));
        authorizer.Changed(caller, kind, ns);
        return (Unwrap(result, kind, name), warnings);
    }

    /// <summary>The subresource a write names in RBAC (<c>pods/status</c>); none for the main part.</summary>
    private static string? SubresourceName(Subresource subresource) => subresource == Subresource.Status ? "status" : null;

    /// <summary>The patch types of <c>Content-Type</c>, as Kubernetes names them.</summary>
    public enum PatchType { Json, Merge, StrategicMerge, Apply }

    public async Task<(KubeObject Object, IReadOnlyList<string> Warnings, bool Created)> Patch(
        Caller caller, ResourceKind kind, string? ns, string name, PatchType type, JsonNode patch, Subresource subresource, FieldValidation validation)
    {
        await authorizer.Authorize(caller, "patch", kind, ns, name, SubresourceName(subresource));
        RequireObjectPatch(type, patch);
        var grain = ObjectGrain(caller, kind, ns, name);
        var pinnedVersion = type != PatchType.Json ? PinnedVersion(patch) : null;
        for (var attempt = 1; ; attempt++)
        {
            var current = await Retry.Read(() => grain.Get());
            if (current is null)
            {
                if (type != PatchType.Apply) throw ApiException.NotFound(kind.Plural, kind.Group, name);
                var (created, createWarnings) = await Create(caller, kind, ns, patch, FieldValidation.Strict);
                return (created, createWarnings, true);
            }

            var patched = ApplyPatch(type, JsonSerializer.SerializeToNode(current, current.GetType(), KubeJson.Options)!, patch);
            var (obj, warnings) = Admission.Admission.Admit(patched, kind, validation, name);
            CheckIdentity(obj, kind, ns, name);
            if (pinnedVersion is null) obj = obj with { Metadata = obj.Metadata with { ResourceVersion = current.Metadata.ResourceVersion } };
            await authorizer.ConfirmNoEscalation(caller, obj with { Metadata = obj.Metadata with { Name = name, Namespace = kind.Namespaced ? ns : null } });

            var result = await Retry.Write(() => grain.Update(obj, subresource, caller.Actor));
            authorizer.Changed(caller, kind, ns);
            if (result.Error is { Code: 409 } && pinnedVersion is null && attempt < PatchAttempts) continue;
            return (Unwrap(result, kind, name), warnings, false);
        }
    }

    /// <summary>A merge, strategic merge or apply patch is an object (the fields to change); a JSON patch is a list of operations.</summary>
    public static void RequireObjectPatch(PatchType type, JsonNode patch)
    {
        if (type != PatchType.Json && patch is not JsonObject)
            throw ApiException.BadRequest($"the body of a {type switch { PatchType.Merge => "merge", PatchType.StrategicMerge => "strategic merge", _ => "apply" }} patch must be a JSON object");
    }

    /// <summary>
    /// <paramref name="patch"/> applied to <paramref name="current"/> (an object, or its Scale view); a patch that
    /// cannot apply is a 422, a result deeper than a body may be too.
    /// </summary>
    public static JsonNode ApplyPatch(PatchType type, JsonNode current, JsonNode patch)
    {
        JsonNode patched;
        try
        {
            patched = type switch
            {
                PatchType.Json => JsonPatch.Apply(current, patch as JsonArray ?? throw ApiException.BadRequest("a JSON patch must be an array of operations")),
                PatchType.Merge => JsonMergePatch.Apply(current, patch),
                _ => StrategicMergePatch.Apply(current, patch as JsonObject ?? throw ApiException.BadRequest("a strategic merge patch must be a JSON object"), KubernetesMergeKeys.Instance),
            } ?? throw ApiException.BadRequest("the patch removed the whole object");
        }
        catch (PatchException e)
        {
            throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: {e.Message}");
        }
        // Each JSON patch operation may add a value as deep as a body may be, at the bottom of the last one: the
        // result is held to the body's limit before anything walks it.
        if (JsonDepth.Exceeds(patched, KubeJson.MaxDepth))
            throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: the patched object nests deeper than {KubeJson.MaxDepth} levels");
        return patched;
    }

    public async Task<(KubeObject Object, bool Gone)> Delete(Caller caller, ResourceKind kind, string? ns, string name, DeleteOptions options)
    {
        await authorizer.Authorize(caller, "delete", kind, ns, name);
        if (kind == ResourceKinds.Namespace) await DeleteNamespaceContents(caller, name);
        var result = await Retry.Write(() => ObjectGrain(caller, kind, ns, name).Delete(options, caller.Actor));
        authorizer.Changed(caller, kind, ns);
        var obj = Unwrap(result, kind, name);
        return (obj, obj.Metadata.DeletionTimestamp is null || !Store.ObjectSemantics.HasFinalizers(obj));
    }

    /// <summary>
    /// Deleting a namespace deletes everything in it, so that a namespace created later under the same
    /// name starts empty.
    /// </summary>
    private async Task DeleteNamespaceContents(Caller caller, string ns)
    {
        // Not the operator's kinds kept in the system tenant: the users of a tenant named like this namespace are not in it.
        foreach (var kind in KindRegistry.All.Select(s => s.Kind).Where(k => k.Namespaced && !ResourceKinds.IsOperatorOnly(k)))
        {
            var page = await Collection(caller, kind, ns).List(ListOptions.All);
            foreach (var item in page.Items)
                await ObjectGrain(caller, kind, ns, item.Metadata.Name!).Delete(DeleteOptions.Default, caller.Actor);
        }
    }

    /// <summary>The resourceVersion a client put in its request body, which makes the write conditional on it.</summary>
    public static string? PinnedVersion(JsonNode body) =>
        body is JsonObject { } root && root["metadata"] is JsonObject meta && meta["resourceVersion"] is JsonValue v
        && v.TryGetValue<string>(out var version) && version.Length > 0 ? version : null;

    /// <summary>The <c>autoscaling/v1</c> Scale view of a workload: RBAC is asked about <c>get</c> of <c>deployments/scale</c>, as Kubernetes does.</summary>
    public async Task<JsonObject> GetScale(Caller caller, ResourceKind kind, string ns, string name) =>
        ScaleOf(await Get(caller, kind, ns, name, ScaleSubresource));

    private const string ScaleSubresource = "scale";

    /// <summary>
    /// Changes <c>spec.replicas</c> through the Scale view (patch or replace). <paramref name="pinnedVersion"/> is
    /// the resourceVersion the client itself sent, if any: only then is a concurrent write a conflict; otherwise
    /// the change is reapplied to the newest object, as Kubernetes does. <paramref name="verb"/> is the request's own
    /// (<c>update</c> for a PUT, <c>patch</c> for the PATCH <c>kubectl scale</c> sends) and the only one RBAC is asked
    /// about, on <c>deployments/scale</c>: a role granting <c>patch</c> there lets <c>kubectl scale</c> work.
    /// </summary>
    public async Task<JsonObject> UpdateScale(Caller caller, ResourceKind kind, string ns, string name, string verb, string? pinnedVersion, Func<JsonObject, JsonNode> change)
    {
        if (verb is not ("update" or "patch")) throw new ArgumentOutOfRangeException(nameof(verb), verb, "a Scale is changed by update or patch");
        await authorizer.Authorize(caller, verb, kind, ns, name, ScaleSubresource);
        var grain = ObjectGrain(caller, kind, ns, name);
        for (var attempt = 1; ; attempt++)
        {
            var current = await Retry.Read(() => grain.Get()) ?? throw ApiException.NotFound(kind.Plural, kind.Group, name);
            var scale = change(ScaleOf(current)) as JsonObject ?? throw ApiException.BadRequest("a Scale must be a JSON object");
            var replicasNode = scale["spec"] is JsonObject spec ? spec["replicas"] : scale["spec"] is null ? null
                : throw ApiException.BadRequest("Scale.spec must be an object");
            int replicas;
            try { replicas = replicasNode?.GetValue<int>() ?? 0; }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw ApiException.BadRequest("Scale.spec.replicas must be an integer");
            }
            if (replicas < 0)
                throw ApiException.Invalid("Scale", "autoscaling", name, [new FieldCause("spec.replicas", "FieldValueInvalid", $"Invalid value: {replicas}: must be greater than or equal to 0")]);
            var updated = WithReplicas(current, replicas);
            if (pinnedVersion is not null) updated = updated with { Metadata = updated.Metadata with { ResourceVersion = pinnedVersion } };
            var result = await Retry.Write(() => grain.Update(updated, Subresource.Main, caller.Actor));
            if (result.Error is { Code: 409 } && pinnedVersion is null && attempt < PatchAttempts) continue;
            return ScaleOf(Unwrap(result, kind, name));
        }
    }

    private static KubeObject WithReplicas(KubeObject obj, int replicas) =>
        KindRegistry.For(obj) is { HasScale: true } strategy ? strategy.WithReplicas(obj, replicas) : throw ApiException.NotFoundPath();

    private static JsonObject ScaleOf(KubeObject obj)
    {
        var (specReplicas, statusReplicas, selector) = KindRegistry.For(obj) is { HasScale: true } strategy
            ? strategy.ScaleOf(obj)
            : throw ApiException.NotFoundPath();
        var meta = obj.Metadata;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = meta.Name,
                ["namespace"] = meta.Namespace,
                ["uid"] = meta.Uid,
                ["resourceVersion"] = meta.ResourceVersion,
                ["creationTimestamp"] = meta.CreationTimestamp is { } t ? KubeTimeConverter.Format(t) : null,
            },
            ["spec"] = new JsonObject { ["replicas"] = specReplicas },
            ["status"] = new JsonObject
            {
                ["replicas"] = statusReplicas,
                ["selector"] = SelectorParser.Format(SelectorParser.FromLabelSelector(selector)),
            },
        };
    }

    /// <summary>The tenant's namespaces (names only), for reads across all of them.</summary>
    public async Task<IReadOnlyList<string>> NamespaceNames(string tenant)
    {
        var page = await Retry.Read(() => grains.GetGrain<ICollectionGrain>(StoreKeys.Collection(tenant, ResourceKinds.Namespace, null)).List(ListOptions.All));
        return page.Items.Select(n => n.Metadata.Name!).ToList();
    }

    /// <summary>Creates a namespace for a tenant unless it exists (used at start-up for each tenant's <c>default</c>).</summary>
    public async Task EnsureNamespace(string tenant, string name)
    {
        var grain = grains.GetGrain<IObjectGrain>(StoreKeys.Object(tenant, ResourceKinds.Namespace, null, name));
        if (await grain.Get() is not null) return;
        var result = await grain.Create(new Namespace { Metadata = new ObjectMeta { Name = name } }, Controllers.SystemActors.Bootstrap);
        if (result.Error is { Code: not 409 } error) throw new InvalidOperationException(error.Message);
    }

    private static void CheckIdentity(KubeObject obj, ResourceKind kind, string? ns, string name)
    {
        if (obj.Metadata.Name is { Length: > 0 } bodyName && bodyName != name)
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        if (kind.Namespaced && obj.Metadata.Namespace is { Length: > 0 } bodyNs && bodyNs != ns)
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
    }

    private static KubeObject Unwrap(WriteResult result, ResourceKind kind, string name) =>
        result.Error is { } error ? throw ApiException.FromStore(error, kind, name) : result.Object!;

    private IObjectGrain ObjectGrain(Caller caller, ResourceKind kind, string? ns, string name) =>
        grains.GetGrain<IObjectGrain>(StoreKeys.Object(Authorizer.TenantFor(caller, kind), kind, KeyPart(ns), KeyPart(name)));

    private ICollectionGrain Collection(Caller caller, ResourceKind kind, string? ns) =>
        grains.GetGrain<ICollectionGrain>(StoreKeys.Collection(Authorizer.TenantFor(caller, kind), kind, KeyPart(ns)));

    /// <summary>
    /// A namespace or name a client sent, checked before it becomes part of a store key ('/' separates a key's
    /// parts): whatever path it came by — a URL, a body, the dashboard — a name that is no path segment is a 400.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(part))]
    private static string? KeyPart(string? part) =>
        part is not null && ResourcePath.SegmentNameProblem(part) is { } problem
            ? throw ApiException.BadRequest($"invalid resource name \"{part}\": [{problem}]")
            : part;

    private static string Version(long version) => version.ToString(CultureInfo.InvariantCulture);

}
