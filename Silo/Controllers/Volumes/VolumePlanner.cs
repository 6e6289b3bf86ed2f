using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Storage;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;

namespace OrleansOrchestrator.Silo.Controllers.Volumes;

/// <summary>One write or event the volume controller makes; a step's actions are carried out in order.</summary>
public abstract record VolumeAction;

/// <summary>Replace the object's main part (<see cref="Status"/> false) or its status with <see cref="Object"/>'s.</summary>
public sealed record WriteObject(KubeObject Object, bool Status) : VolumeAction;

public sealed record CreateVolume(PersistentVolume Volume) : VolumeAction;

public sealed record DeleteVolume(PersistentVolume Volume) : VolumeAction;

/// <summary>An event about a claim or volume, from <see cref="Component"/> (null: the PV controller).</summary>
public sealed record RecordEvent(KubeObject About, string Type, string Reason, string Message, string? Component = null) : VolumeAction;

/// <summary>What the volume controller knows of one tenant at the start of a pass.</summary>
/// <param name="Nodes">The nodes claims were placed on (their <c>selected-node</c>), by name; the others are not needed.</param>
/// <param name="ClaimsInUse">The claims (<c>namespace/name</c>) a pod still uses, of those being deleted.</param>
public sealed record VolumeWorld(
    string Tenant,
    IReadOnlyList<PersistentVolumeClaim> Claims,
    IReadOnlyList<PersistentVolume> Volumes,
    IReadOnlyList<StorageClass> Classes,
    IReadOnlyDictionary<string, Node> Nodes,
    IReadOnlySet<string> ClaimsInUse,
    DateTimeOffset Now);

/// <summary>
/// The decisions of one pass of the volume controller, as Kubernetes' controllers make them (pure: no I/O):
/// <list type="bullet">
/// <item>the PV controller's <c>syncClaim</c>: an unbound claim binds the smallest Available volume of its class
/// that offers its access modes, volume mode, size and selector (or the one it names, or the one pre-bound to it);
/// binding writes the volume's <c>claimRef</c> and phase, then the claim's <c>volumeName</c>, annotations and status;
/// a claim of a <c>WaitForFirstConsumer</c> class waits for the scheduler's <c>selected-node</c>;</item>
/// <item>the local-path provisioner: a claim of the local-path class placed on a node gets a volume
/// <c>pvc-&lt;uid&gt;</c> in a folder under the node's announced root, with node affinity to that node;</item>
/// <item>the PV controller's <c>syncVolume</c>: a volume nobody claims is Available, one whose claim is gone is
/// Released and then deleted (reclaim policy Delete) or kept (Retain);</item>
/// <item>the retroactive default class: an unbound claim created with no class gets the tenant's default class
/// once there is one;</item>
/// <item>pvc- and pv-protection: a claim being deleted loses its finalizer once no pod uses it, a volume once it is
/// no longer Bound.</item>
/// </list>
/// Each step is a short chain on one claim or volume (later actions assume the earlier ones were written); the
/// controller stops a chain at its first refused write and looks again next pass, from whatever was written.
/// </summary>
public static class VolumePlanner
{
    public const string WaitForFirstConsumerMessage = "waiting for first consumer to be created before binding";
    public const string NoClassMessage = "no persistent volumes available for this claim and no storage class is set";
    public const string ClaimLostMessage = "Bound claim has lost its PersistentVolume. Data on the volume is lost!";
    public const string NoProvisioner = "kubernetes.io/no-provisioner";

    public static IReadOnlyList<IReadOnlyList<VolumeAction>> Plan(VolumeWorld world)
    {
        var pass = new Pass(world);
        var steps = new List<IReadOnlyList<VolumeAction>>();
        foreach (var claim in world.Claims.OrderBy(c => c.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue).ThenBy(c => Key(c), StringComparer.Ordinal))
            Add(steps, pass.SyncClaim(claim));
        foreach (var volume in world.Volumes.OrderBy(v => v.Metadata.Name, StringComparer.Ordinal))
            if (!pass.Touched.Contains(volume.Metadata.Name!)) Add(steps, pass.SyncVolume(volume));
        return steps;
    }

    private static void Add(List<IReadOnlyList<VolumeAction>> steps, List<VolumeAction> step)
    {
        if (step.Count > 0) steps.Add(step);
    }

    public static string Key(PersistentVolumeClaim claim) => $"{claim.Metadata.Namespace}/{claim.Metadata.Name}";

    /// <summary>
    /// The claims pods use, as the pvc-protection controller counts them: pods placed on a node that have not
    /// finished, and are not already gone in all but name (deleted with no grace left).
    /// </summary>
    public static IReadOnlySet<string> ClaimsUsedBy(IEnumerable<Pod> pods)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (string.IsNullOrEmpty(pod.Spec.NodeName) || pod.Status?.Phase is "Succeeded" or "Failed") continue;
            if (pod.Metadata is { DeletionTimestamp: not null, DeletionGracePeriodSeconds: 0 }) continue;
            foreach (var claim in StorageRules.ClaimsOf(pod.Spec)) used.Add($"{pod.Metadata.Namespace}/{claim}");
        }
        return used;
    }

    /// <summary>The local-path volume for a claim placed on a node whose local volumes live under <paramref name="root"/>.</summary>
    public static PersistentVolume LocalPathVolume(string tenant, PersistentVolumeClaim claim, StorageClass storageClass, string node, string root)
    {
        var name = LocalPathVolumes.VolumeName(claim.Metadata.Uid!);
        return new PersistentVolume
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Annotations = new Dictionary<string, string> { [StorageRules.ProvisionedByAnnotation] = storageClass.Provisioner },
            },
            Spec = new PersistentVolumeSpec
            {
                Capacity = new Dictionary<string, string> { ["storage"] = claim.Spec.Resources?.Requests?.GetValueOrDefault("storage") ?? "0" },
                AccessModes = claim.Spec.AccessModes,
                PersistentVolumeReclaimPolicy = storageClass.ReclaimPolicy ?? StorageRules.Delete,
                StorageClassName = storageClass.Metadata.Name,
                VolumeMode = claim.Spec.VolumeMode ?? StorageRules.Filesystem,
                MountOptions = storageClass.MountOptions,
                ClaimRef = ReferenceTo(claim),
                NodeAffinity = new VolumeNodeAffinity
                {
                    Required = new NodeSelector
                    {
                        NodeSelectorTerms =
                        [
                            new NodeSelectorTerm { MatchExpressions = [new LabelSelectorRequirement { Key = LocalPathVolumes.HostnameLabel, Operator = "In", Values = [node] }] },
                        ],
                    },
                },
                Local = new LocalVolumeSource { Path = LocalPathVolumes.FolderOf(root, tenant, name) },
            },
        };
    }

    private static ObjectReference ReferenceTo(PersistentVolumeClaim claim) => new()
    {
        Kind = "PersistentVolumeClaim",
        ApiVersion = "v1",
        Namespace = claim.Metadata.Namespace,
        Name = claim.Metadata.Name,
        Uid = claim.Metadata.Uid,
        ResourceVersion = claim.Metadata.ResourceVersion,
    };

    /// <summary>The state of one pass: what it has bound so far, so that no volume is given to two claims.</summary>
    private sealed class Pass(VolumeWorld world)
    {
        private readonly Dictionary<string, PersistentVolumeClaim> _claims = world.Claims.ToDictionary(Key, StringComparer.Ordinal);
        private readonly Dictionary<string, PersistentVolume> _volumes = world.Volumes.ToDictionary(v => v.Metadata.Name!, StringComparer.Ordinal);
        private readonly Dictionary<string, StorageClass> _classes = world.Classes.ToDictionary(c => c.Metadata.Name!, StringComparer.Ordinal);

        /// <summary>Volumes a claim's step writes: their own step would write from a stale version.</summary>
        public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);

        public List<VolumeAction> SyncClaim(PersistentVolumeClaim claim)
        {
            var actions = new List<VolumeAction>();
            if (claim.Metadata.DeletionTimestamp is not null)
            {
                if (claim.Metadata.Finalizers?.Contains(StorageRules.ClaimProtectionFinalizer) == true && !world.ClaimsInUse.Contains(Key(claim)))
                    actions.Add(new WriteObject(StorageRules.WithoutFinalizer(claim, StorageRules.ClaimProtectionFinalizer), Status: false));
                return actions; // a claim on its way out binds nothing new
            }
            if (string.IsNullOrEmpty(claim.Spec.VolumeName)) Unbound(claim, actions);
            else Named(claim, actions);
            return actions;
        }

        private void Unbound(PersistentVolumeClaim claim, List<VolumeAction> actions)
        {
            // Retroactive default class (Kubernetes 1.28): a claim created before the tenant had a default class gets it now.
            if (claim.Spec.StorageClassName is null && claim.Metadata.Annotations?.ContainsKey(StorageRules.BetaStorageClassAnnotation) != true
                && StorageRules.DefaultClass(world.Classes) is { } defaultClass)
            {
                actions.Add(new WriteObject(claim with { Spec = claim.Spec with { StorageClassName = defaultClass.Metadata.Name } }, Status: false));
                return; // its own change brings the next pass, which binds it as a claim of that class
            }
            var className = StorageRules.ClassOf(claim);
            var storageClass = _classes.GetValueOrDefault(className);
            var delayed = storageClass?.VolumeBindingMode == StorageRules.WaitForFirstConsumer;
            var selectedNode = claim.Metadata.Annotations?.GetValueOrDefault(LocalPathVolumes.SelectedNodeAnnotation);
            var node = selectedNode is null ? null : world.Nodes.GetValueOrDefault(selectedNode);
            if (BestMatch(claim, className, delayed, selectedNode, node) is { } volume)
            {
                Bind(claim, volume, actions);
                return;
            }
            if (claim.Status?.Phase != "Pending")
                actions.Add(new WriteObject(claim with { Status = (claim.Status ?? new PersistentVolumeClaimStatus()) with { Phase = "Pending" } }, Status: true));
            if (delayed && selectedNode is null)
                actions.Add(new RecordEvent(claim, "Normal", "WaitForFirstConsumer", WaitForFirstConsumerMessage));
            else if (storageClass is null)
                actions.Add(className.Length == 0
                    ? new RecordEvent(claim, "Normal", "FailedBinding", NoClassMessage)
                    : new RecordEvent(claim, "Warning", "ProvisioningFailed", $"storageclass.storage.k8s.io \"{className}\" not found"));
            else if (storageClass.Provisioner == NoProvisioner)
                actions.Add(new RecordEvent(claim, "Normal", "FailedBinding", "no persistent volumes available for this claim"));
            else
            {
                actions.Add(new RecordEvent(claim, "Normal", "ExternalProvisioning",
                    $"waiting for a volume to be created, either by external provisioner \"{storageClass.Provisioner}\" or manually created by system administrator"));
                if (storageClass.Provisioner == LocalPathVolumes.Provisioner) Provision(claim, storageClass, selectedNode, node, actions);
            }
        }

        /// <summary>A claim that names its volume (bound, being bound, or pre-bound by its user).</summary>
        private void Named(PersistentVolumeClaim claim, List<VolumeAction> actions)
        {
            var name = claim.Spec.VolumeName!;
            if (!_volumes.TryGetValue(name, out var volume))
            {
                if (claim.Metadata.Annotations?.ContainsKey(StorageRules.BindCompletedAnnotation) == true)
                {
                    if (claim.Status?.Phase != "Lost")
                    {
                        actions.Add(new WriteObject(claim with { Status = (claim.Status ?? new PersistentVolumeClaimStatus()) with { Phase = "Lost" } }, Status: true));
                        actions.Add(new RecordEvent(claim, "Warning", "ClaimLost", ClaimLostMessage));
                    }
                }
                else if (claim.Status?.Phase != "Pending")
                    actions.Add(new WriteObject(claim with { Status = (claim.Status ?? new PersistentVolumeClaimStatus()) with { Phase = "Pending" } }, Status: true));
                return;
            }
            if (volume.Spec.ClaimRef is { } claimRef && !IsFor(claimRef, claim))
            {
                actions.Add(new RecordEvent(claim, "Warning", "FailedBinding", $"volume \"{name}\" already bound to a different claim."));
                return;
            }
            if (volume.Spec.ClaimRef is null && Unfit(claim, volume) is { } problem)
            {
                actions.Add(new RecordEvent(claim, "Warning", "FailedBinding", $"Cannot bind to requested volume \"{name}\": {problem}"));
                return;
            }
            Bind(claim, volume, actions);
        }

        /// <summary>
        /// Kubernetes' bind: the volume's claimRef (marked bound-by-controller when the controller chose it), its phase,
        /// then the claim's volumeName and marks, then its status — each written only when it differs, so an
        /// interrupted binding resumes where it stopped.
        /// </summary>
        private void Bind(PersistentVolumeClaim claim, PersistentVolume volume, List<VolumeAction> actions)
        {
            Touched.Add(volume.Metadata.Name!);
            var v = volume;
            if (v.Spec.ClaimRef is not { Uid.Length: > 0 } || !IsFor(v.Spec.ClaimRef, claim))
            {
                var annotations = new Dictionary<string, string>(v.Metadata.Annotations ?? new Dictionary<string, string>());
                if (v.Spec.ClaimRef is null) annotations[StorageRules.BoundByControllerAnnotation] = "yes";
                v = v with { Metadata = v.Metadata with { Annotations = annotations }, Spec = v.Spec with { ClaimRef = ReferenceTo(claim) } };
                actions.Add(new WriteObject(v, Status: false));
            }
            if (v.Status?.Phase != "Bound")
            {
                v = v with { Status = new PersistentVolumeStatus { Phase = "Bound", LastPhaseTransitionTime = world.Now } };
                actions.Add(new WriteObject(v, Status: true));
            }
            var c = claim;
            var claimAnnotations = c.Metadata.Annotations ?? new Dictionary<string, string>();
            if (c.Spec.VolumeName != v.Metadata.Name || !claimAnnotations.ContainsKey(StorageRules.BindCompletedAnnotation))
            {
                var annotations = new Dictionary<string, string>(claimAnnotations) { [StorageRules.BindCompletedAnnotation] = "yes" };
                if (string.IsNullOrEmpty(c.Spec.VolumeName)) annotations[StorageRules.BoundByControllerAnnotation] = "yes";
                c = c with { Metadata = c.Metadata with { Annotations = annotations }, Spec = c.Spec with { VolumeName = v.Metadata.Name } };
                actions.Add(new WriteObject(c, Status: false));
            }
            var status = new PersistentVolumeClaimStatus { Phase = "Bound", AccessModes = v.Spec.AccessModes, Capacity = v.Spec.Capacity };
            if (c.Status is not { Phase: "Bound" } current
                || !SameList(current.AccessModes, status.AccessModes)
                || current.Capacity?.GetValueOrDefault("storage") != status.Capacity?.GetValueOrDefault("storage"))
                actions.Add(new WriteObject(c with { Status = status }, Status: true));
        }

        /// <summary>
        /// Kubernetes' findBestMatchForClaim: the volume pre-bound to the claim if any, else the smallest Available one
        /// that satisfies it. A claim of a WaitForFirstConsumer class takes an unclaimed volume only once placed, and
        /// only one reachable from its node.
        /// </summary>
        private PersistentVolume? BestMatch(PersistentVolumeClaim claim, string className, bool delayed, string? selectedNode, Node? node)
        {
            PersistentVolume? best = null;
            decimal bestSize = 0;
            foreach (var volume in world.Volumes.OrderBy(v => v.Metadata.Name, StringComparer.Ordinal))
            {
                if (Touched.Contains(volume.Metadata.Name!) || volume.Metadata.DeletionTimestamp is not null) continue;
                if (Unfit(claim, volume) is not null) continue;
                if (volume.Spec.ClaimRef is { } claimRef)
                {
                    if (IsFor(claimRef, claim)) return volume;
                    continue;
                }
                if (delayed && (selectedNode is null || node is null || !StorageRules.ReachableFrom(volume, node))) continue;
                if (volume.Status?.Phase != "Available" || !StorageRules.Selects(claim, volume)) continue;
                var size = StorageRules.Storage(volume.Spec.Capacity) ?? 0;
                if (best is null || size < bestSize) (best, bestSize) = (volume, size);
            }
            return best;
        }

        private void Provision(PersistentVolumeClaim claim, StorageClass storageClass, string? selectedNode, Node? node, List<VolumeAction> actions)
        {
            var failed = $"failed to provision volume with StorageClass \"{storageClass.Metadata.Name}\"";
            var provisioner = storageClass.Provisioner;
            if (selectedNode is null)
            {
                actions.Add(new RecordEvent(claim, "Warning", "ProvisioningFailed", $"{failed}: configuration error, no node was specified", provisioner));
                return;
            }
            if (node is null)
            {
                actions.Add(new RecordEvent(claim, "Warning", "ProvisioningFailed", $"{failed}: node \"{selectedNode}\" not found", provisioner));
                return;
            }
            if (node.Metadata.Annotations?.GetValueOrDefault(LocalPathVolumes.RootAnnotation) is not { Length: > 0 } root)
            {
                actions.Add(new RecordEvent(claim, "Warning", "ProvisioningFailed",
                    $"{failed}: node \"{selectedNode}\" has no annotation {LocalPathVolumes.RootAnnotation}: its agent has not said where its local volumes live", provisioner));
                return;
            }
            var volume = LocalPathVolume(world.Tenant, claim, storageClass, selectedNode, root);
            // Made in an earlier pass and not yet bindable (e.g. still being created): the next pass binds it.
            if (_volumes.ContainsKey(volume.Metadata.Name!)) return;
            actions.Add(new RecordEvent(claim, "Normal", "Provisioning", $"External provisioner is provisioning volume for claim \"{Key(claim)}\"", provisioner));
            actions.Add(new CreateVolume(volume));
            actions.Add(new RecordEvent(claim, "Normal", "ProvisioningSucceeded", $"Successfully provisioned volume {volume.Metadata.Name}", provisioner));
        }

        public List<VolumeAction> SyncVolume(PersistentVolume volume)
        {
            var actions = new List<VolumeAction>();
            if (volume.Metadata.DeletionTimestamp is not null && volume.Status?.Phase != "Bound"
                && volume.Metadata.Finalizers?.Contains(StorageRules.VolumeProtectionFinalizer) == true)
            {
                actions.Add(new WriteObject(StorageRules.WithoutFinalizer(volume, StorageRules.VolumeProtectionFinalizer), Status: false));
                return actions;
            }
            if (volume.Spec.ClaimRef is not { } claimRef || string.IsNullOrEmpty(claimRef.Uid))
            {
                // Unclaimed, or reserved by its administrator for a claim that has not bound it yet.
                if (volume.Status?.Phase != "Available") actions.Add(Phase(volume, "Available"));
                return actions;
            }
            var claim = _claims.GetValueOrDefault($"{claimRef.Namespace}/{claimRef.Name}");
            if (claim is not null && claim.Metadata.Uid == claimRef.Uid)
            {
                if (claim.Spec.VolumeName == volume.Metadata.Name && volume.Status?.Phase != "Bound") actions.Add(Phase(volume, "Bound"));
                else if (claim.Spec.VolumeName is { Length: > 0 } other && other != volume.Metadata.Name
                         && volume.Metadata.Annotations?.ContainsKey(StorageRules.BoundByControllerAnnotation) == true)
                {
                    // The claim went to another volume: give this one back, as the binder does with a volume it chose.
                    var annotations = new Dictionary<string, string>(volume.Metadata.Annotations);
                    annotations.Remove(StorageRules.BoundByControllerAnnotation);
                    var released = volume with { Metadata = volume.Metadata with { Annotations = annotations }, Spec = volume.Spec with { ClaimRef = null } };
                    actions.Add(new WriteObject(released, Status: false));
                    actions.Add(Phase(released, "Available"));
                }
                return actions;
            }

            // Its claim is gone: Released, then reclaimed.
            var v = volume;
            if (v.Status?.Phase is not ("Released" or "Failed"))
            {
                var released = Phase(v, "Released");
                actions.Add(released);
                v = (PersistentVolume)released.Object;
            }
            if (v.Spec.PersistentVolumeReclaimPolicy != StorageRules.Delete || v.Status?.Phase == "Failed") return actions;
            if (v.Metadata.Annotations?.GetValueOrDefault(StorageRules.ProvisionedByAnnotation) == LocalPathVolumes.Provisioner)
                actions.Add(new DeleteVolume(v));
            else
                actions.Add(Phase(v, "Failed", $"error getting deleter volume plugin for volume \"{v.Metadata.Name}\": no deletable volume plugin matched"));
            return actions;
        }

        private WriteObject Phase(PersistentVolume volume, string phase, string? message = null) =>
            new(volume with { Status = new PersistentVolumeStatus { Phase = phase, Message = message, LastPhaseTransitionTime = world.Now } }, Status: true);
    }

    /// <summary>Kubernetes' checkVolumeSatisfyClaim: why the volume cannot serve the claim, or null.</summary>
    public static string? Unfit(PersistentVolumeClaim claim, PersistentVolume volume)
    {
        var requested = StorageRules.Storage(claim.Spec.Resources?.Requests) ?? 0;
        if ((StorageRules.Storage(volume.Spec.Capacity) ?? 0) < requested) return "requested PV is too small";
        if (StorageRules.ClassOf(volume) != StorageRules.ClassOf(claim)) return "storageClassName does not match";
        if ((volume.Spec.VolumeMode ?? StorageRules.Filesystem) != (claim.Spec.VolumeMode ?? StorageRules.Filesystem))
            return "incompatible volumeMode";
        if (!StorageRules.OffersAccessModes(volume.Spec.AccessModes, claim.Spec.AccessModes)) return "incompatible accessMode";
        return null;
    }

    /// <summary>Whether a volume's claimRef names the claim: same namespace and name, and its uid unless the reference has none yet.</summary>
    public static bool IsFor(ObjectReference claimRef, PersistentVolumeClaim claim) =>
        claimRef.Namespace == claim.Metadata.Namespace && claimRef.Name == claim.Metadata.Name
        && (string.IsNullOrEmpty(claimRef.Uid) || claimRef.Uid == claim.Metadata.Uid);

    private static bool SameList(IReadOnlyList<string>? a, IReadOnlyList<string>? b) => (a ?? []).SequenceEqual(b ?? []);
}
