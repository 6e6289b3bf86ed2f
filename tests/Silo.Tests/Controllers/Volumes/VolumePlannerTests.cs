using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Hosting;
using OrleansOrchestrator.Contracts.Storage;
using OrleansOrchestrator.Silo.Controllers.Volumes;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Volumes;

/// <summary>
/// The volume controller's decisions, against the cases of Kubernetes' PV controller tests (binder_test.go,
/// provision_test.go, delete_test.go) and its pvc-protection controller: each plan is applied to the objects as
/// the store would, until the controller has nothing left to do.
/// </summary>
public class VolumePlannerTests
{
    private const string Tenant = "team-a";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private static PersistentVolumeClaim Claim(string name, string storage = "1Gi", string? className = "", string mode = "ReadWriteOnce",
        string? volumeName = null, string? selectedNode = null) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "default",
            Uid = $"uid-{name}",
            CreationTimestamp = Now,
            Finalizers = [StorageRules.ClaimProtectionFinalizer],
            Annotations = selectedNode is null ? null : new Dictionary<string, string> { [LocalPathVolumes.SelectedNodeAnnotation] = selectedNode },
        },
        Spec = new PersistentVolumeClaimSpec
        {
            AccessModes = [mode],
            StorageClassName = className,
            VolumeMode = "Filesystem",
            VolumeName = volumeName,
            Resources = new ResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = storage } },
        },
        Status = new PersistentVolumeClaimStatus { Phase = "Pending" },
    };

    private static PersistentVolume Volume(string name, string storage, string className = "", string[]? modes = null, string policy = "Retain",
        string phase = "Available", ObjectReference? claimRef = null, string? node = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Finalizers = [StorageRules.VolumeProtectionFinalizer] },
        Spec = new PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, string> { ["storage"] = storage },
            AccessModes = modes ?? ["ReadWriteOnce"],
            StorageClassName = className,
            PersistentVolumeReclaimPolicy = policy,
            VolumeMode = "Filesystem",
            ClaimRef = claimRef,
            HostPath = new HostPathVolumeSource { Path = $"/mnt/{name}" },
            NodeAffinity = node is null ? null : new VolumeNodeAffinity
            {
                Required = new NodeSelector { NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new LabelSelectorRequirement { Key = LocalPathVolumes.HostnameLabel, Operator = "In", Values = [node] }] }] },
            },
        },
        Status = new PersistentVolumeStatus { Phase = phase },
    };

    private static StorageClass LocalPath(string bindingMode = StorageRules.WaitForFirstConsumer) =>
        LocalPathStorageClass.Desired() with { VolumeBindingMode = bindingMode, ReclaimPolicy = "Delete" };

    private static Node Node(string name, string? root = "/var/lib/oo/local-path") => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { [LocalPathVolumes.HostnameLabel] = name },
            Annotations = root is null ? null : new Dictionary<string, string> { [LocalPathVolumes.RootAnnotation] = root },
        },
    };

    /// <summary>The objects as the store holds them, with the plans of successive passes applied.</summary>
    private sealed class Cluster
    {
        public Dictionary<string, PersistentVolumeClaim> Claims { get; } = new();
        public Dictionary<string, PersistentVolume> Volumes { get; } = new();
        public List<StorageClass> Classes { get; } = [];
        public Dictionary<string, Node> Nodes { get; } = new();
        public HashSet<string> InUse { get; } = [];
        public List<RecordEvent> Events { get; } = [];

        public Cluster With(params KubeObject[] objects)
        {
            foreach (var obj in objects)
                switch (obj)
                {
                    case PersistentVolumeClaim c: Claims[c.Metadata.Name!] = c; break;
                    case PersistentVolume v: Volumes[v.Metadata.Name!] = v; break;
                    case StorageClass s: Classes.Add(s); break;
                    case Node n: Nodes[n.Metadata.Name!] = n; break;
                }
            return this;
        }

        public IReadOnlyList<IReadOnlyList<VolumeAction>> Plan() =>
            VolumePlanner.Plan(new VolumeWorld(Tenant, [.. Claims.Values], [.. Volumes.Values], Classes, Nodes, InUse, Now));

        /// <summary>Applies passes until one has nothing to do (at most ten); returns how many passes wrote something.</summary>
        public int Settle()
        {
            for (var pass = 0; pass < 10; pass++)
            {
                var writes = 0;
                foreach (var action in Plan().SelectMany(s => s))
                {
                    switch (action)
                    {
                        case WriteObject(PersistentVolumeClaim c, _): Store(c); writes++; break;
                        case WriteObject(PersistentVolume v, _): Store(v); writes++; break;
                        case CreateVolume(var v): Volumes[v.Metadata.Name!] = v with { Status = new PersistentVolumeStatus { Phase = "Pending" } }; writes++; break;
                        case DeleteVolume(var v): Store(v with { Metadata = v.Metadata with { DeletionTimestamp = Now } }); writes++; break;
                        case RecordEvent e: if (!Events.Contains(e)) Events.Add(e); break;
                    }
                }
                if (writes == 0) return pass;
            }
            throw new InvalidOperationException("the volume controller never settled");
        }

        private void Store(PersistentVolumeClaim claim)
        {
            if (claim.Metadata.DeletionTimestamp is not null && claim.Metadata.Finalizers is not { Count: > 0 }) Claims.Remove(claim.Metadata.Name!);
            else Claims[claim.Metadata.Name!] = claim;
        }

        private void Store(PersistentVolume volume)
        {
            if (volume.Metadata.DeletionTimestamp is not null && volume.Metadata.Finalizers is not { Count: > 0 }) Volumes.Remove(volume.Metadata.Name!);
            else Volumes[volume.Metadata.Name!] = volume;
        }

        public void DeleteClaim(string name) =>
            Store(Claims[name] with { Metadata = Claims[name].Metadata with { DeletionTimestamp = Now } });
    }

    [Fact]
    public void Unbound_BindsTheSmallestVolumeThatFits_BothWays()
    {
        var cluster = new Cluster().With(
            Claim("data", storage: "1Gi"),
            Volume("pv-small", "500Mi"),
            Volume("pv-big", "10Gi"),
            Volume("pv-fit", "2Gi"),
            Volume("pv-rwx", "1Gi", modes: ["ReadWriteMany"]),
            Volume("pv-other-class", "1Gi", className: "fast"));

        cluster.Settle();

        var claim = cluster.Claims["data"];
        var volume = cluster.Volumes["pv-fit"];
        Assert.Equal(("pv-fit", "Bound"), (claim.Spec.VolumeName, claim.Status?.Phase));
        Assert.Equal(("2Gi", "ReadWriteOnce"), (claim.Status?.Capacity?["storage"], claim.Status?.AccessModes?.Single()));
        Assert.Equal("yes", claim.Metadata.Annotations?[StorageRules.BindCompletedAnnotation]);
        Assert.Equal("yes", claim.Metadata.Annotations?[StorageRules.BoundByControllerAnnotation]);
        Assert.Equal(("uid-data", "Bound", "yes"), (volume.Spec.ClaimRef?.Uid, volume.Status?.Phase, volume.Metadata.Annotations?[StorageRules.BoundByControllerAnnotation]));
        Assert.All(cluster.Volumes.Values.Where(v => v.Metadata.Name != "pv-fit"), v => Assert.Null(v.Spec.ClaimRef));
    }

    [Fact]
    public void TwoClaims_OneVolume_OnlyOneBinds()
    {
        var cluster = new Cluster().With(Claim("a"), Claim("b"), Volume("pv", "1Gi"));

        cluster.Settle();

        Assert.Single(cluster.Claims.Values, c => c.Status?.Phase == "Bound");
        Assert.Contains(cluster.Events, e => e.Reason == "FailedBinding" && e.Message == VolumePlanner.NoClassMessage);
    }

    [Fact]
    public void ClaimNamingItsVolume_BindsThatOne_WithoutTheBoundByControllerMark()
    {
        var cluster = new Cluster().With(Claim("data", volumeName: "pv-big"), Volume("pv-fit", "1Gi"), Volume("pv-big", "10Gi"));

        cluster.Settle();

        Assert.Equal("Bound", cluster.Claims["data"].Status?.Phase);
        Assert.Equal("uid-data", cluster.Volumes["pv-big"].Spec.ClaimRef?.Uid);
        Assert.False(cluster.Claims["data"].Metadata.Annotations!.ContainsKey(StorageRules.BoundByControllerAnnotation));
        Assert.Null(cluster.Volumes["pv-fit"].Spec.ClaimRef);
    }

    [Fact]
    public void ClaimNamingAVolumeTooSmall_StaysPendingWithKubernetesReason()
    {
        var cluster = new Cluster().With(Claim("data", storage: "5Gi", volumeName: "pv"), Volume("pv", "1Gi"));

        cluster.Settle();

        Assert.Equal("Pending", cluster.Claims["data"].Status?.Phase);
        Assert.Contains(cluster.Events, e => e.Message == "Cannot bind to requested volume \"pv\": requested PV is too small");
    }

    [Fact]
    public void WaitForFirstConsumer_WithoutANode_WaitsAndSaysSo()
    {
        var cluster = new Cluster().With(LocalPath(), Claim("data", className: "local-path"), Volume("pv", "1Gi", className: "local-path"));

        cluster.Settle();

        Assert.Equal("Pending", cluster.Claims["data"].Status?.Phase);
        Assert.Null(cluster.Volumes["pv"].Spec.ClaimRef);
        Assert.Equal(("Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding"),
            (cluster.Events.Single().Type, cluster.Events.Single().Reason, cluster.Events.Single().Message));
    }

    [Fact]
    public void WaitForFirstConsumer_PlacedOnANode_ProvisionsThereAndBinds()
    {
        var cluster = new Cluster().With(LocalPath(), Node("sim-0001"), Claim("data", storage: "2Gi", className: "local-path", selectedNode: "sim-0001"));

        cluster.Settle();

        var claim = cluster.Claims["data"];
        var volume = Assert.Single(cluster.Volumes.Values);
        Assert.Equal("pvc-uid-data", volume.Metadata.Name);
        Assert.Equal(("pvc-uid-data", "Bound", "2Gi"), (claim.Spec.VolumeName, claim.Status?.Phase, claim.Status?.Capacity?["storage"]));
        Assert.Equal("/var/lib/oo/local-path/team-a/pvc-uid-data", volume.Spec.Local?.Path);
        Assert.Equal(("Delete", "local-path", "Bound"), (volume.Spec.PersistentVolumeReclaimPolicy, volume.Spec.StorageClassName, volume.Status?.Phase));
        var term = Assert.Single(volume.Spec.NodeAffinity!.Required!.NodeSelectorTerms).MatchExpressions!.Single();
        Assert.Equal(("kubernetes.io/hostname", "In", "sim-0001"), (term.Key, term.Operator, term.Values!.Single()));
        Assert.Equal(LocalPathVolumes.Provisioner, volume.Metadata.Annotations?[StorageRules.ProvisionedByAnnotation]);
        Assert.Equal(["ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"], cluster.Events.Select(e => e.Reason));
        Assert.Equal("waiting for a volume to be created, either by external provisioner \"orleans-orchestrator.io/local-path\" or manually created by system administrator",
            cluster.Events[0].Message);
        Assert.Equal("External provisioner is provisioning volume for claim \"default/data\"", cluster.Events[1].Message);
        Assert.Equal("Successfully provisioned volume pvc-uid-data", cluster.Events[2].Message);
        Assert.Equal([null, LocalPathVolumes.Provisioner, LocalPathVolumes.Provisioner], cluster.Events.Select(e => e.Component));
    }

    [Fact]
    public void WaitForFirstConsumer_AnAvailableVolumeOnTheNode_IsBoundRatherThanProvisioned()
    {
        var cluster = new Cluster().With(LocalPath(), Node("a"), Node("b"),
            Claim("data", className: "local-path", selectedNode: "b"),
            Volume("pv-on-a", "1Gi", className: "local-path", node: "a"),
            Volume("pv-on-b", "1Gi", className: "local-path", node: "b"));

        cluster.Settle();

        Assert.Equal("pv-on-b", cluster.Claims["data"].Spec.VolumeName);
        Assert.Equal(2, cluster.Volumes.Count);
    }

    [Fact]
    public void Provisioning_NodeWithoutRoot_LeavesTheClaimPendingWithAnEvent()
    {
        var cluster = new Cluster().With(LocalPath(), Node("sim-0000", root: null), Claim("data", className: "local-path", selectedNode: "sim-0000"));

        cluster.Settle();

        Assert.Equal("Pending", cluster.Claims["data"].Status?.Phase);
        Assert.Empty(cluster.Volumes);
        var failure = Assert.Single(cluster.Events, e => e.Type == "Warning");
        Assert.Equal(("Warning", "ProvisioningFailed"), (failure.Type, failure.Reason));
        Assert.StartsWith("failed to provision volume with StorageClass \"local-path\": node \"sim-0000\" has no annotation orleans-orchestrator.io/local-path-root", failure.Message);
    }

    [Fact]
    public void ClaimDeleted_DeletePolicy_VolumeReleasedThenDeleted()
    {
        var cluster = new Cluster().With(LocalPath(), Node("n"), Claim("data", className: "local-path", selectedNode: "n"));
        cluster.Settle();

        cluster.DeleteClaim("data");
        cluster.Settle();

        Assert.Empty(cluster.Claims);
        Assert.Empty(cluster.Volumes);
    }

    [Fact]
    public void ClaimDeleted_RetainPolicy_VolumeReleasedWithItsClaimRef()
    {
        var cluster = new Cluster().With(Claim("data"), Volume("pv", "1Gi", policy: "Retain"));
        cluster.Settle();

        cluster.DeleteClaim("data");
        cluster.Settle();

        var volume = cluster.Volumes["pv"];
        Assert.Equal(("Released", "data"), (volume.Status?.Phase, volume.Spec.ClaimRef?.Name));
    }

    [Fact]
    public void ClaimDeleted_DeletePolicyOnAVolumeMadeByHand_FailsAsWithoutADeleter()
    {
        var cluster = new Cluster().With(Claim("data"), Volume("pv", "1Gi", policy: "Delete"));
        cluster.Settle();

        cluster.DeleteClaim("data");
        cluster.Settle();

        Assert.Equal(("Failed", "error getting deleter volume plugin for volume \"pv\": no deletable volume plugin matched"),
            (cluster.Volumes["pv"].Status?.Phase, cluster.Volumes["pv"].Status?.Message));
    }

    [Fact]
    public void ClaimInUse_KeepsItsFinalizerUntilItsPodsAreGone()
    {
        var cluster = new Cluster().With(Claim("data"), Volume("pv", "1Gi"));
        cluster.Settle();
        cluster.InUse.Add("default/data");

        cluster.DeleteClaim("data");
        cluster.Settle();
        Assert.True(cluster.Claims.ContainsKey("data"));
        Assert.Equal("Bound", cluster.Volumes["pv"].Status?.Phase);

        cluster.InUse.Clear();
        cluster.Settle();
        Assert.False(cluster.Claims.ContainsKey("data"));
        Assert.Equal("Released", cluster.Volumes["pv"].Status?.Phase);
    }

    [Fact]
    public void BoundVolumeDeleted_WaitsUntilReleased()
    {
        var cluster = new Cluster().With(Claim("data"), Volume("pv", "1Gi"));
        cluster.Settle();
        var volume = cluster.Volumes["pv"];
        cluster.With(volume with { Metadata = volume.Metadata with { DeletionTimestamp = Now } });

        cluster.Settle();
        Assert.True(cluster.Volumes.ContainsKey("pv"));

        cluster.DeleteClaim("data");
        cluster.Settle();
        Assert.False(cluster.Volumes.ContainsKey("pv"));
    }

    [Fact]
    public void ClaimsUsedBy_CountsPlacedPodsThatHaveNotFinished()
    {
        Pod PodUsing(string name, string? node, string? phase) => new()
        {
            Metadata = new ObjectMeta { Name = name, Namespace = "default" },
            Spec = new PodSpec
            {
                NodeName = node,
                Containers = [new Container { Name = "c", Image = "x" }],
                Volumes = [new Volume { Name = "v", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = name } }],
            },
            Status = new PodStatus { Phase = phase },
        };

        var used = VolumePlanner.ClaimsUsedBy([PodUsing("running", "n", "Running"), PodUsing("done", "n", "Succeeded"), PodUsing("unplaced", null, "Pending")]);

        Assert.Equal(["default/running"], used);
    }

    [Fact]
    public void PodWakes_OnlyWhenAPodStopsUsingItsClaims()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
            Spec = new PodSpec
            {
                NodeName = "n",
                Containers = [new Container { Name = "c", Image = "x" }],
                Volumes = [new Volume { Name = "v", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = "data" } }],
            },
            Status = new PodStatus { Phase = "Running" },
        };

        Assert.Empty(VolumeWakes.ForPod(Tenant, pod, Contracts.Store.WatchEventType.Modified));
        Assert.Equal(Tenant, Assert.Single(VolumeWakes.ForPod(Tenant, pod, Contracts.Store.WatchEventType.Deleted)).Key);
        Assert.Single(VolumeWakes.ForPod(Tenant, pod with { Status = new PodStatus { Phase = "Succeeded" } }, Contracts.Store.WatchEventType.Modified));
        Assert.Empty(VolumeWakes.ForPod(Tenant, pod with { Spec = pod.Spec with { Volumes = null } }, Contracts.Store.WatchEventType.Deleted));
    }

    [Fact]
    public void ClaimWithoutClass_GetsTheDefaultClassOnceThereIsOne_ButAnEmptyClassStaysEmpty()
    {
        var cluster = new Cluster().With(Claim("late", className: null), Claim("classless", className: ""), Volume("pv", "1Gi"));
        cluster.Settle();
        Assert.Null(cluster.Claims["late"].Spec.StorageClassName);

        cluster.With(LocalPath(), Node("n"));
        cluster.Settle();

        Assert.Equal("local-path", cluster.Claims["late"].Spec.StorageClassName);
        Assert.Equal("", cluster.Claims["classless"].Spec.StorageClassName);
    }
}
