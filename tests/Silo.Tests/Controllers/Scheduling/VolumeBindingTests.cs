using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Hosting;
using OrleansOrchestrator.Contracts.Storage;
using OrleansOrchestrator.Silo.Controllers.Scheduling;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;
using static OrleansOrchestrator.Silo.Tests.Controllers.Scheduling.SchedulingSamples;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Scheduling;

/// <summary>The scheduler's VolumeBinding filter: Kubernetes' messages, volume node affinity, and claims placed with their first pod.</summary>
public class VolumeBindingTests
{
    private static Pod Using(string name, params string[] claims) => Pod(name).WithSpec(s => s with
    {
        Volumes = claims.Select(c => new Volume { Name = c, PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = c } }).ToList(),
    });

    private static PersistentVolumeClaim Claim(string name, string className = "local-path", string? volumeName = null, string? selectedNode = null) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "default",
            Uid = $"uid-{name}",
            Annotations = selectedNode is null ? null : new Dictionary<string, string> { [LocalPathVolumes.SelectedNodeAnnotation] = selectedNode },
        },
        Spec = new PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = className,
            VolumeName = volumeName,
            Resources = new ResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = "1Gi" } },
        },
    };

    private static PersistentVolume VolumeOn(string name, string node) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, string> { ["storage"] = "1Gi" },
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = "local-path",
            NodeAffinity = new VolumeNodeAffinity
            {
                Required = new NodeSelector { NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new LabelSelectorRequirement { Key = "kubernetes.io/hostname", Operator = "In", Values = [node] }] }] },
            },
            Local = new LocalVolumeSource { Path = $"/var/lib/oo/{name}" },
        },
        Status = new PersistentVolumeStatus { Phase = "Bound" },
    };

    private static readonly StorageClass WaitingClass = LocalPathStorageClass.Desired();

    private static readonly StorageClass ImmediateClass = new()
    {
        Metadata = new ObjectMeta { Name = "standard" },
        Provisioner = "example.com/nfs",
        VolumeBindingMode = StorageRules.Immediate,
    };

    private static List<NodeView> Nodes() => [View("n1"), View("n2"), View("n3")];

    private static ClaimWorld World(PersistentVolumeClaim[] claims, params PersistentVolume[] volumes) =>
        new(claims, volumes, [WaitingClass, ImmediateClass]);

    [Fact]
    public void MissingClaim_UnschedulableWithKubernetesMessage()
    {
        var plan = SchedulingPass.Plan([Using("web", "data")], Nodes(), claims: World([]));

        Assert.Empty(plan.Placed);
        Assert.Equal("0/3 nodes are available: persistentvolumeclaim \"data\" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
            plan.Unplaced.Single().Message);
    }

    [Fact]
    public void UnboundImmediateClaim_WaitsUntilBound()
    {
        var plan = SchedulingPass.Plan([Using("web", "data")], Nodes(), claims: World([Claim("data", className: "standard")]));

        Assert.Equal("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
            plan.Unplaced.Single().Message);
    }

    [Fact]
    public void BoundClaim_OnlyNodesItsVolumeReaches()
    {
        var world = World([Claim("data", volumeName: "pvc-1")], VolumeOn("pvc-1", "n2"));

        var plan = SchedulingPass.Plan([Using("web", "data")], Nodes(), claims: world);

        Assert.Equal("n2", plan.Placed.Single().NodeName);
        Assert.Empty(plan.Placed.Single().ClaimsToSelect);
    }

    [Fact]
    public void BoundClaim_NodeOfItsVolumeFull_SaysVolumeNodeAffinityConflict()
    {
        var world = World([Claim("data", volumeName: "pvc-1")], VolumeOn("pvc-1", "n2"));
        List<NodeView> nodes = [View("n1"), View("n2", cpu: "1"), View("n3")];

        var plan = SchedulingPass.Plan([Using("web", "data").WithSpec(s => s with { Containers = [Container(cpu: "2")] })], nodes, claims: world);

        Assert.Equal("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
            plan.Unplaced.Single().Message);
    }

    [Fact]
    public void WaitingClaim_FirstPodChoosesAnyNode_AndTheClaimIsToBeSelectedThere()
    {
        var plan = SchedulingPass.Plan([Using("web", "data")], Nodes(), claims: World([Claim("data")]));

        var placement = plan.Placed.Single();
        Assert.Equal(["data"], placement.ClaimsToSelect);
    }

    [Fact]
    public void WaitingClaim_TwoPodsInOnePass_LandOnTheSameNode()
    {
        // Spreading would put the second pod of a ReplicaSet elsewhere; the claim they share keeps them together.
        var pods = new[] { Using("web-1", "data").OwnedBy("ReplicaSet", "web"), Using("web-2", "data").OwnedBy("ReplicaSet", "web") };

        var plan = SchedulingPass.Plan(pods, Nodes(), claims: World([Claim("data")]));

        Assert.Equal(2, plan.Placed.Count);
        Assert.Equal(plan.Placed[0].NodeName, plan.Placed[1].NodeName);
        Assert.Empty(plan.Placed[1].ClaimsToSelect);
    }

    [Fact]
    public void WaitingClaim_AlreadyPlaced_PinsLaterPodsToItsNode()
    {
        var plan = SchedulingPass.Plan([Using("web-2", "data")], Nodes(), claims: World([Claim("data", selectedNode: "n3")]));

        Assert.Equal("n3", plan.Placed.Single().NodeName);
    }

    [Fact]
    public void WaitingClaim_ItsNodeFull_SaysNoAvailableVolumes()
    {
        List<NodeView> nodes = [View("n1"), View("n2"), View("n3", cpu: "1")];

        var plan = SchedulingPass.Plan([Using("web-2", "data").WithSpec(s => s with { Containers = [Container(cpu: "2")] })], nodes,
            claims: World([Claim("data", selectedNode: "n3")]));

        Assert.StartsWith("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't find available persistent volumes to bind.", plan.Unplaced.Single().Message);
    }

    [Fact]
    public void ClaimBeingDeleted_NotUsedByNewPods()
    {
        var claim = Claim("data");
        claim = claim with { Metadata = claim.Metadata with { DeletionTimestamp = DateTimeOffset.UnixEpoch } };

        var plan = SchedulingPass.Plan([Using("web", "data")], Nodes(), claims: World([claim]));

        Assert.StartsWith("0/3 nodes are available: persistentvolumeclaim \"data\" is being deleted.", plan.Unplaced.Single().Message);
    }
}
