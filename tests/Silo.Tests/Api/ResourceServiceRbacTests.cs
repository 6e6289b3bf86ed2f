using System.Text.Json.Nodes;
using Orleans.TestingHost;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Api;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Auth.Rbac;
using OrleansOrchestrator.Silo.Api.Wire;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Tests.Api;

/// <summary>
/// The verbs of <see cref="ResourceService"/> under roles narrower than the default ones, over a real store in one silo:
/// each asks RBAC exactly what Kubernetes asks for the same request, no more (a verb the role lacks would refuse a call
/// Kubernetes accepts) and no less.
/// </summary>
public sealed class ResourceServiceRbacTests : IAsyncLifetime
{
    private const string Tenant = "team-a";
    private const string Ns = "dev";
    private readonly string _folder = Directory.CreateTempSubdirectory("oo-rbacverbs-").FullName;
    private InProcessTestCluster _cluster = null!;
    private ResourceService _resources = null!;

    private static readonly Caller Admin = new("root", Tenant, [Caller.AdminGroup]);
    /// <summary>May read deployments and patch (not update) their scale: what <c>kubectl scale</c> needs.</summary>
    private static readonly Caller Scaler = new("sam", Tenant, []);
    /// <summary>May watch config maps, not list them.</summary>
    private static readonly Caller Watcher = new("wanda", Tenant, []);
    /// <summary>May get, list and watch the config map web-config only.</summary>
    private static readonly Caller OneMapReader = new("rita", Tenant, []);
    /// <summary>May read pods' logs and exec into them, not get the pods themselves.</summary>
    private static readonly Caller Debugger = new("dora", Tenant, []);
    /// <summary>Bound to edit in dev only.</summary>
    private static readonly Caller Editor = new("eddie", Tenant, []);

    private static Role Role(string name, params PolicyRule[] rules) => new() { Metadata = new ObjectMeta { Name = name, Namespace = Ns }, Rules = rules };

    private static RoleBinding Bind(string user, string kind, string role) => new()
    {
        Metadata = new ObjectMeta { Name = $"{user}-{role}", Namespace = Ns },
        Subjects = [new Subject { Kind = "User", ApiGroup = ResourceKinds.RbacGroup, Name = user }],
        RoleRef = new RoleRef { ApiGroup = ResourceKinds.RbacGroup, Kind = kind, Name = role },
    };

    private static readonly IRbacPolicies Policies = new FixedRbacPolicies(
    [
        .. DefaultClusterRoles.All,
        Role("scaler",
            new PolicyRule { ApiGroups = ["apps"], Resources = ["deployments"], Verbs = ["get"] },
            new PolicyRule { ApiGroups = ["apps"], Resources = ["deployments/scale"], Verbs = ["patch"] }),
        Bind("sam", "Role", "scaler"),
        Role("configmap-watcher", new PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["watch"] }),
        Bind("wanda", "Role", "configmap-watcher"),
        Role("web-config-reader", new PolicyRule { ApiGroups = [""], Resources = ["configmaps"], ResourceNames = ["web-config"], Verbs = ["get", "list", "watch"] }),
        Bind("rita", "Role", "web-config-reader"),
        Bind("eddie", "ClusterRole", "edit"),
        Role("debugger",
            new PolicyRule { ApiGroups = [""], Resources = ["pods/log"], Verbs = ["get"] },
            new PolicyRule { ApiGroups = [""], Resources = ["pods/exec"], Verbs = ["create"] }),
        Bind("dora", "Role", "debugger"),
    ]);

    public async Task InitializeAsync()
    {
        _cluster = await StoreTestSilo.Start(_folder, $"0123456789abcdef0123,root,{Tenant},system:masters\n");
        _resources = new ResourceService(_cluster.Client, new AdmissionChain([], []), TimeProvider.System, new Authorizer(Policies));

        await Create(ResourceKinds.Namespace, null, new Namespace { Metadata = new ObjectMeta { Name = Ns } });
        await Create(ResourceKinds.Deployment, Ns, Samples.Deployment("web", replicas: 1) with { Metadata = new ObjectMeta { Name = "web", Namespace = Ns } });
        await Create(ResourceKinds.Pod, Ns, Samples.Pod("unscheduled") with { Metadata = new ObjectMeta { Name = "unscheduled", Namespace = Ns } });
        foreach (var name in new[] { "web-config", "other-config" })
            await Create(ResourceKinds.ConfigMap, Ns, new ConfigMap { Metadata = new ObjectMeta { Name = name, Namespace = Ns }, Data = new Dictionary<string, string> { ["a"] = "b" } });
    }

    private async Task Create(ResourceKind kind, string? ns, KubeObject obj)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(obj, obj.GetType(), KubeJson.Options)!.AsObject();
        body["apiVersion"] = kind.ApiVersion;
        body["kind"] = kind.Kind;
        await _resources.Create(Admin, kind, ns, body, FieldValidation.Strict);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static ObjectFilter NameIs(string name) => new([], [new FieldRequirement("metadata.name", false, name)]);

    /// <summary>The events a watch from scratch begins with (every current object, as ADDED), read until they stop coming.</summary>
    private async Task<List<string>> FirstEvents(Caller caller, ObjectFilter filter, int expected)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var names = new List<string>();
        await foreach (var e in _resources.Watch(caller, ResourceKinds.ConfigMap, Ns, filter, null, false, stop.Token))
        {
            Assert.Equal(ApiWatchEvent.Added, e.Type);
            names.Add(e.Object!.Metadata.Name!);
            if (names.Count == expected) break;
        }
        return names;
    }

    [Fact]
    public async Task ScalePatch_IsAuthorisedAsPatchOfTheScaleSubresource_NotAlsoAsUpdate()
    {
        var scale = await _resources.UpdateScale(Scaler, ResourceKinds.Deployment, Ns, "web", "patch", null,
            current => ResourceService.ApplyPatch(ResourceService.PatchType.Merge, current, JsonNode.Parse("""{"spec":{"replicas":3}}""")!));

        Assert.Equal(3, (int)scale["spec"]!["replicas"]!);
        Assert.Equal(3, ((Deployment)await _resources.Get(Admin, ResourceKinds.Deployment, Ns, "web")).Spec.Replicas);
        // The role grants patch, not update, on deployments/scale, nor get of the scale (kubectl scale reads the deployment).
        var update = await Assert.ThrowsAsync<ApiException>(() => _resources.UpdateScale(Scaler, ResourceKinds.Deployment, Ns, "web", "update", null, s => s));
        Assert.Contains("cannot update resource \"deployments/scale\"", update.Message);
        var read = await Assert.ThrowsAsync<ApiException>(() => _resources.GetScale(Scaler, ResourceKinds.Deployment, Ns, "web"));
        Assert.Contains("cannot get resource \"deployments/scale\"", read.Message);
    }

    [Fact]
    public async Task WatchFromScratch_NeedsWatchOnly_NotList()
    {
        Assert.Equal(["other-config", "web-config"], (await FirstEvents(Watcher, ObjectFilter.Everything, 2)).Order());
        await Assert.ThrowsAsync<ApiException>(() => _resources.List(Watcher, ResourceKinds.ConfigMap, Ns, ObjectFilter.Everything));
    }

    [Fact]
    public async Task ListAndWatch_PinnedToAName_AreAllowedByARoleLimitedToThatName()
    {
        var page = await _resources.List(OneMapReader, ResourceKinds.ConfigMap, Ns, NameIs("web-config"));
        Assert.Equal(["web-config"], page.Items.Select(i => i.Metadata.Name));
        Assert.Equal(["web-config"], await FirstEvents(OneMapReader, NameIs("web-config"), 1));

        var other = await Assert.ThrowsAsync<ApiException>(() => _resources.List(OneMapReader, ResourceKinds.ConfigMap, Ns, NameIs("other-config")));
        Assert.Equal(403, other.Code);
        await Assert.ThrowsAsync<ApiException>(() => _resources.List(OneMapReader, ResourceKinds.ConfigMap, Ns, ObjectFilter.Everything));
    }

    [Fact]
    public async Task NamespaceEditor_GetsTheirOwnNamespace_ButNotTheListOfNamespaces()
    {
        Assert.Equal(Ns, (await _resources.Get(Editor, ResourceKinds.Namespace, null, Ns)).Metadata.Name);

        var list = await Assert.ThrowsAsync<ApiException>(() => _resources.List(Editor, ResourceKinds.Namespace, null, ObjectFilter.Everything));
        Assert.Equal(403, list.Code);
        var other = await Assert.ThrowsAsync<ApiException>(() => _resources.Get(Scaler, ResourceKinds.Namespace, null, Ns));
        Assert.Equal(403, other.Code);
    }

    /// <summary>
    /// Logs and exec are asked about as <c>get pods/log</c> and <c>create pods/exec</c> only, as in Kubernetes: a role
    /// without <c>get pods</c> reaches the pod (here: one no node runs yet, which both refuse with Kubernetes' 400).
    /// </summary>
    [Fact]
    public async Task LogsAndExec_NeedTheirSubresourceOnly_NotGetOfThePod()
    {
        var grains = _cluster.Client;
        var logs = await Assert.ThrowsAsync<ApiException>(() =>
            new PodLogProxy(_resources, grains).Open(Debugger, Ns, "unscheduled", new PodLogProxy.LogRequest(null, false, false, null), CancellationToken.None));
        Assert.Equal((400, "pod unscheduled does not have a host assigned"), (logs.Code, logs.Message));
        var exec = await Assert.ThrowsAsync<ApiException>(() =>
            new Silo.Api.Streaming.PodStreamProxy(_resources, grains).OpenExec(Debugger, Ns, "unscheduled", null,
                new Silo.Api.Streaming.ExecQuery(["date"], Stdin: false, Stdout: true, Stderr: true, Tty: false), attach: false, CancellationToken.None));
        Assert.Equal((400, "pod unscheduled does not have a host assigned"), (exec.Code, exec.Message));

        var get = await Assert.ThrowsAsync<ApiException>(() => _resources.Get(Debugger, ResourceKinds.Pod, Ns, "unscheduled"));
        Assert.Equal(403, get.Code);
    }

    [Fact]
    public async Task StatusRead_IsAuthorisedAsTheStatusSubresource()
    {
        Assert.Equal("web", (await _resources.Get(Scaler, ResourceKinds.Deployment, Ns, "web")).Metadata.Name);
        var status = await Assert.ThrowsAsync<ApiException>(() => _resources.Get(Scaler, ResourceKinds.Deployment, Ns, "web", "status"));
        Assert.Contains("cannot get resource \"deployments/status\"", status.Message);
        Assert.Equal("web", (await _resources.Get(Editor, ResourceKinds.Deployment, Ns, "web", "status")).Metadata.Name);
    }
}
