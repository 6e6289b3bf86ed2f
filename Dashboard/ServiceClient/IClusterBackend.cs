using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>The objects of one kind at one store position, from which a watch continues.</summary>
public sealed record ResourceListing(IReadOnlyList<KubeObject> Items, string Version);

/// <summary>How a patch body is to be read, as the API's Content-Types name them.</summary>
public enum PatchKind { Merge, Json, StrategicMerge }

/// <summary>
/// The cluster as the dashboard's host provides it: the same verbs, admission and authorisation as the
/// Kubernetes API (co-hosted in a silo or over an Orleans client). Every failure is an
/// <see cref="ActionFailedException"/> carrying the API's code and message.
/// </summary>
public interface IClusterBackend
{
    /// <summary>The user a bearer token stands for, or null when the token is unknown.</summary>
    DashboardUser? SignIn(string token);

    /// <summary>
    /// The user the token with this <see cref="TokenFingerprint"/> stands for now, or null once it is revoked: a signed-in
    /// session asks on every request and every half minute of an open page (<see cref="SignedInSession"/>).
    /// </summary>
    DashboardUser? Revalidate(string tokenFingerprint);

    /// <summary>
    /// The user a session's credential stands for now, or null once it is revoked: a token's fingerprint (in the token
    /// file, or an AccessToken of the signed-in user's tenant), or a password session (<see cref="SignInWithPassword"/>),
    /// which ends when the user is deleted or their password changes.
    /// </summary>
    DashboardUser? Revalidate(string credential, DashboardUser signedIn) => Revalidate(credential);

    /// <summary>
    /// The user of <paramref name="tenant"/> with this name and password, and the credential the session keeps (not the
    /// password); null for any mistake, without saying which. Throttling repeated failures is the caller's
    /// (<see cref="SignInThrottle"/>).
    /// </summary>
    (DashboardUser User, string Credential)? SignInWithPassword(string tenant, string user, string password) => null;

    /// <summary>
    /// Whether the user may do <paramref name="verb"/> (get, list, create, update, patch, delete) on the kind in namespace
    /// <paramref name="ns"/>: the namespace a page shows or its object is in, so that a role bound in that namespace
    /// counts, as it does for the API; null asks about the whole tenant (the dashboard's lists span every namespace) or a
    /// cluster-scoped kind. Asynchronous: the first question about a tenant or namespace may have to read its roles.
    /// </summary>
    Task<bool> May(DashboardUser user, string verb, ResourceKind kind, string? ns = null);

    /// <summary>Which tenant's objects of this kind the user sees (nodes are shared infrastructure).</summary>
    string ScopeOf(DashboardUser user, ResourceKind kind);

    Task<KubeObject> Get(DashboardUser user, ResourceKind kind, string ns, string name);

    Task<ResourceListing> List(DashboardUser user, ResourceKind kind, CancellationToken cancellationToken);

    /// <summary>Changes after <paramref name="version"/>; throws <see cref="FeedExpiredException"/> when it is too old.</summary>
    IAsyncEnumerable<ResourceChange> Watch(DashboardUser user, ResourceKind kind, string version, CancellationToken cancellationToken);

    Task<KubeObject> Patch(DashboardUser user, ResourceKind kind, string ns, string name, PatchKind patchKind, JsonNode patch);

    /// <summary>Creates an object the dashboard made (a Job started from a CronJob); a <c>generateName</c> is completed by the API.</summary>
    Task<KubeObject> Create(DashboardUser user, ResourceKind kind, string ns, KubeObject obj);

    /// <summary>Deletes as kubectl does: dependents (a Job's pods, a StatefulSet's pods) are removed in the background.</summary>
    Task Delete(DashboardUser user, ResourceKind kind, string ns, string name);

    /// <summary>
    /// Creates the object a YAML manifest describes, or replaces it when <paramref name="replace"/> (the
    /// manifest's resourceVersion then guards against overwriting someone else's change).
    /// </summary>
    Task<KubeObject> Save(DashboardUser user, string yaml, string defaultNamespace, bool replace);

    /// <summary>The object as <c>kubectl get -o yaml</c> shows it.</summary>
    string ToYaml(KubeObject obj);

    /// <summary>A container's log lines, following new ones when <paramref name="follow"/>.</summary>
    IAsyncEnumerable<string> Logs(DashboardUser user, string ns, string pod, string? container, bool follow, int tailLines, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the user may run commands in pods (a <c>create</c> of <c>pods/exec</c>): the same decision the API makes
    /// before an exec, so the terminal is offered exactly to those whose exec would be accepted.
    /// </summary>
    Task<bool> MayExec(DashboardUser user, string ns);

    /// <summary>
    /// Runs <paramref name="command"/> in the container as <c>kubectl exec -i</c> (with <c>-t</c> when
    /// <paramref name="tty"/>): refused with the API's code and message (403, 404, 400 for a container that is not
    /// there or a completed pod) before anything runs.
    /// </summary>
    Task<IExecSession> Exec(DashboardUser user, string ns, string pod, string container, IReadOnlyList<string> command, bool tty, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the user may read the audit trail: a cluster-wide permission (<c>get</c> on the non-resource URL
    /// <c>/audit</c>), since the trail names every user's requests in every namespace of the tenant.
    /// </summary>
    Task<bool> MayReadAuditTrail(DashboardUser user);

    /// <summary>
    /// The newest requests of the user's own tenant (never another tenant's), newest first, at most
    /// <paramref name="limit"/>: the audit log as this host keeps it in memory. Refused with 403 unless
    /// <see cref="MayReadAuditTrail"/>.
    /// </summary>
    Task<IReadOnlyList<AuditEntry>> AuditTrail(DashboardUser user, int limit);
}
