using System.Reflection;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Api;
using OrleansOrchestrator.Silo.Api.Audit;
using OrleansOrchestrator.Silo.Api.Streaming;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Auth.Rbac;
using OrleansOrchestrator.Silo.Hosting;

namespace OrleansOrchestrator.Silo.Tests.Api;

/// <summary>
/// What the dashboard may offer a signed-in user, decided by the real backend from the token file's groups, as the
/// API decides it. The store is out of reach: a refusal must come before anything is read or written.
/// </summary>
public sealed class DashboardBackendTests : IAsyncDisposable
{
    private const string ViewerToken = "viewer-token-0123456789";
    private const string MemberToken = "member-token-0123456789";
    private const string NamespaceAdminToken = "nadia-token-0123456789";

    private readonly string _tokenPath = Path.GetTempFileName();
    private readonly DashboardBackend _backend;
    private readonly string _auditPath = Path.Combine(Directory.CreateTempSubdirectory("oo-audit-").FullName, "audit.log");
    private readonly AuditLog _audit;

    public DashboardBackendTests()
    {
        File.WriteAllText(_tokenPath, $"{ViewerToken},vera,team-a,{Caller.ViewerGroup}\n{MemberToken},alice,team-a,developers\n{NamespaceAdminToken},nadia,team-a,\n");
        var grains = DispatchProxy.Create<IGrainFactory, UnreachableStore>();
        // The tenant's roles as its bootstrap leaves them: alice was a token user of the tenant's first start.
        // nadia administers the namespace "dev" only.
        var policies = new FixedRbacPolicies([.. DefaultClusterRoles.All, RbacBootstrap.TenantAdmins(["alice"]),
            new RoleBinding
            {
                ApiVersion = ResourceKinds.RoleBinding.ApiVersion, Kind = ResourceKinds.RoleBinding.Kind, Metadata = new ObjectMeta { Name = "nadia-admin", Namespace = "dev" },
                Subjects = [new Subject { Kind = "User", ApiGroup = ResourceKinds.RbacGroup, Name = "nadia" }],
                RoleRef = new RoleRef { ApiGroup = ResourceKinds.RbacGroup, Kind = "ClusterRole", Name = "admin" },
            }]);
        var resources = new ResourceService(grains, new AdmissionChain([], []), TimeProvider.System, new Authorizer(policies));
        _audit = new AuditLog(new AuditLogOptions(_auditPath), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditLog>.Instance);
        _backend = new DashboardBackend(resources, new PodLogProxy(resources, grains), new PodStreamProxy(resources, grains), TokenFile.Load(_tokenPath), _audit, TimeProvider.System);
    }

    [Fact]
    public async Task ReadOnlyGroup_MayListButNotPatch_AndItsPatchIsRefused403()
    {
        var vera = _backend.SignIn(ViewerToken)!;

        Assert.False(await _backend.May(vera, "patch", ResourceKinds.Deployment));
        Assert.True(await _backend.May(vera, "list", ResourceKinds.Deployment));
        var refused = await Assert.ThrowsAsync<ActionFailedException>(() =>
            _backend.Patch(vera, ResourceKinds.Deployment, "default", "web", PatchKind.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!));
        Assert.Equal(403, refused.Code);
        Assert.Contains("User \"vera\" cannot patch resource \"deployments\"", refused.Message);
    }

    [Fact]
    public async Task ReadOnlyGroup_CreateRefused403BeforeTheStore()
    {
        var vera = _backend.SignIn(ViewerToken)!;
        var job = new Job { ApiVersion = "batch/v1", Kind = "Job", Metadata = new ObjectMeta { GenerateName = "backup-manual-", Namespace = "default" } };

        var refused = await Assert.ThrowsAsync<ActionFailedException>(() => _backend.Create(vera, ResourceKinds.Job, "default", job));

        Assert.Equal(403, refused.Code);
        Assert.Contains("User \"vera\" cannot create resource \"jobs\"", refused.Message);
    }

    [Fact]
    public async Task MemberWithoutTheReadOnlyGroup_MayPatch()
    {
        var alice = _backend.SignIn(MemberToken)!;

        Assert.True(await _backend.May(alice, "patch", ResourceKinds.Deployment));
    }

    /// <summary>
    /// nadia is admin of "dev" only (a RoleBinding): asked about "dev" the dashboard offers what the API accepts there,
    /// elsewhere nothing — and not the whole tenant, whose lists she may not read.
    /// </summary>
    [Fact]
    public async Task NamespaceAdmin_MayActInTheirNamespace_NotElsewhere_NorAcrossTheTenant()
    {
        var nadia = _backend.SignIn(NamespaceAdminToken)!;

        Assert.True(await _backend.May(nadia, "patch", ResourceKinds.Deployment, "dev"));
        Assert.True(await _backend.May(nadia, "delete", ResourceKinds.Pod, "dev"));
        Assert.True(await _backend.MayExec(nadia, "dev"));
        Assert.False(await _backend.May(nadia, "patch", ResourceKinds.Deployment, "prod"));
        Assert.False(await _backend.MayExec(nadia, "prod"));
        Assert.False(await _backend.May(nadia, "patch", ResourceKinds.Deployment));
        Assert.False(await _backend.May(nadia, "list", ResourceKinds.Deployment));
        // Namespaces and nodes are cluster-scoped: a namespace given with them is not a way around that.
        Assert.False(await _backend.May(nadia, "list", ResourceKinds.Node, "dev"));
    }

    /// <summary>A policy read from the store for the first time: the question does not block its caller (a Blazor circuit's thread) until it is in.</summary>
    [Fact]
    public async Task May_OnAPolicyNotYetRead_ReturnsAPendingAnswer_InsteadOfBlocking()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var policies = new GatedPolicies(gate.Task, new FixedRbacPolicies([.. DefaultClusterRoles.All, RbacBootstrap.TenantAdmins(["alice"])]));
        var grains = DispatchProxy.Create<IGrainFactory, UnreachableStore>();
        var resources = new ResourceService(grains, new AdmissionChain([], []), TimeProvider.System, new Authorizer(policies));
        var backend = new DashboardBackend(resources, new PodLogProxy(resources, grains), new PodStreamProxy(resources, grains), TokenFile.Load(_tokenPath), _audit, TimeProvider.System);
        var alice = backend.SignIn(MemberToken)!;

        var decision = backend.May(alice, "patch", ResourceKinds.Deployment, "dev");
        var audit = backend.MayReadAuditTrail(alice);

        Assert.False(decision.IsCompleted);
        Assert.False(audit.IsCompleted);
        gate.SetResult();
        Assert.True(await decision.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await audit.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>A policy source whose answers wait for the test, as the store's first read does.</summary>
    private sealed class GatedPolicies(Task gate, IRbacPolicies inner) : IRbacPolicies
    {
        public async ValueTask<ClusterPolicy> Cluster(string tenant)
        {
            await gate;
            return await inner.Cluster(tenant);
        }

        public async ValueTask<NamespacePolicy> Namespace(string tenant, string ns)
        {
            await gate;
            return await inner.Namespace(tenant, ns);
        }

        public void Changed(string tenant, ResourceKind kind, string? ns) => inner.Changed(tenant, kind, ns);
    }

    [Theory]
    [InlineData("- a\n- b\n", false)]
    [InlineData("apiVersion: [v1]\nkind: ConfigMap\n", false)]
    [InlineData("apiVersion: v1\nkind: {a: 1}\n", false)]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: [x]\n", false)]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: [x]\n", true)]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 5}\n", true)]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a/b}\n", true)]
    public async Task Save_ManifestOfTheWrongShape_RefusedWith400BeforeTheStore(string yaml, bool replace)
    {
        var admin = new DashboardUser("alice", "team-a", [Caller.AdminGroup]);

        var error = await Assert.ThrowsAsync<ActionFailedException>(() => _backend.Save(admin, yaml, "default", replace));

        Assert.Equal(400, error.Code);
    }

    [Fact]
    public async Task RefusedDashboardAction_IsAuditedAsTheUser_WithAgentDashboardAndTheCode_InTheTenantsTrailOnly()
    {
        var vera = _backend.SignIn(ViewerToken)!;
        await Assert.ThrowsAsync<ActionFailedException>(() =>
            _backend.Patch(vera, ResourceKinds.Deployment, "default", "web", PatchKind.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!));

        // Read by the tenant's administrator: the trail is not vera's to read (see below).
        var alice = _backend.SignIn(MemberToken)!;
        var entry = await Eventually.Value(async () => (await _backend.AuditTrail(alice, 10)).SingleOrDefault(), "the refused patch in the trail");
        Assert.Equal(("vera", "patch", "deployments", "default", "web", 403, "dashboard"),
            (entry.User, entry.Verb, entry.Resource, entry.Namespace, entry.Name, entry.Code, entry.UserAgent));
        Assert.Empty(await _backend.AuditTrail(new DashboardUser("alice", "team-b", []), 10));

        await _audit.DisposeAsync();
        var line = JsonNode.Parse(Assert.Single(File.ReadAllLines(_auditPath)))!;
        Assert.Equal("/apis/apps/v1/namespaces/default/deployments/web", (string?)line["requestURI"]);
        Assert.Equal("team-a", (string?)line["user"]!["extra"]![AuditEvent.TenantExtra]![0]);
        Assert.Equal("forbid", (string?)line["annotations"]!["authorization.k8s.io/decision"]);
    }

    [Fact]
    public async Task AuditTrail_OnlyForAClusterWidePermission_NotForANamespaceAdminOrAViewer()
    {
        var alice = _backend.SignIn(MemberToken)!;
        var nadia = _backend.SignIn(NamespaceAdminToken)!;
        var vera = _backend.SignIn(ViewerToken)!;
        await Assert.ThrowsAsync<ActionFailedException>(() => _backend.Delete(vera, ResourceKinds.Secret, "prod", "db-password"));
        await Eventually.True(async () => (await _backend.AuditTrail(alice, 10)).Count == 1, "vera's refused delete in the trail");

        Assert.True(await _backend.MayReadAuditTrail(alice));
        Assert.True(await _backend.MayReadAuditTrail(new DashboardUser("root", "team-a", [Caller.AdminGroup])));
        foreach (var user in new[] { nadia, vera })
        {
            Assert.False(await _backend.MayReadAuditTrail(user));
            var refused = await Assert.ThrowsAsync<ActionFailedException>(() => _backend.AuditTrail(user, 10));
            Assert.Equal(403, refused.Code);
            Assert.Contains($"User \"{user.Name}\" cannot get path \"/audit\"", refused.Message);
        }
    }

    [Fact]
    public async Task Watch_RefusedOutright_IsA403ActionFailed()
    {
        var vera = _backend.SignIn(ViewerToken)!;

        var refused = await Assert.ThrowsAsync<ActionFailedException>(async () =>
        {
            await foreach (var _ in _backend.Watch(vera, ResourceKinds.Secret, "", CancellationToken.None)) { }
        });

        Assert.Equal(403, refused.Code);
    }

    public async ValueTask DisposeAsync()
    {
        await _audit.DisposeAsync();
        File.Delete(_tokenPath);
        Directory.Delete(Path.GetDirectoryName(_auditPath)!, true);
    }

    /// <summary>A grain factory that fails any use: these decisions must not need the store.</summary>
    public class UnreachableStore : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"the store was reached ({targetMethod?.Name}) before the authoriser refused");
    }
}
