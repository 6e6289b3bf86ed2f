using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Hosting;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Kinds;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumeClaims;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;

namespace OrleansOrchestrator.Silo.Tests.Kinds;

/// <summary>PersistentVolume, PersistentVolumeClaim and StorageClass as Kubernetes' API server defaults, validates and prints them.</summary>
public class VolumeStrategyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private static T Created<T>(T obj) where T : KubeObject
    {
        var strategy = KindRegistry.For(obj);
        return (T)strategy.PrepareForCreate(strategy.Default(obj));
    }

    private static IReadOnlyList<string> Messages(KubeObject obj) =>
        Validation.Validate(obj, ResourceKinds.Of(obj)).Select(c => $"{c.Field}: {c.Message}").ToList();

    private static Dictionary<string, object?> Row(KubeObject obj) =>
        KindRegistry.For(obj).Columns.ToDictionary(c => c.Name, c => c.Cell(obj, Now));

    private static PersistentVolumeClaim Claim(string? storage = "1Gi", IReadOnlyList<string>? modes = null, string? className = null) => new()
    {
        Metadata = new ObjectMeta { Name = "data", Namespace = "default" },
        Spec = new PersistentVolumeClaimSpec
        {
            AccessModes = modes ?? ["ReadWriteOnce"],
            StorageClassName = className,
            Resources = storage is null ? null : new ResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = storage } },
        },
    };

    private static PersistentVolume Volume(PersistentVolumeSpec spec) => new() { Metadata = new ObjectMeta { Name = "pv0001" }, Spec = spec };

    [Fact]
    public void Volume_Defaults_RetainFilesystemPendingAndProtected()
    {
        var volume = Created((PersistentVolume)KindSamples.For(ResourceKinds.PersistentVolume));

        Assert.Equal(("Retain", "Filesystem", "Pending"), (volume.Spec.PersistentVolumeReclaimPolicy, volume.Spec.VolumeMode, volume.Status?.Phase));
        Assert.Equal(["kubernetes.io/pv-protection"], volume.Metadata.Finalizers);
    }

    [Fact]
    public void Volume_WithoutCapacityModesOrSource_NamesEachAsKubernetes()
    {
        var messages = Messages(Created(Volume(new PersistentVolumeSpec())));

        Assert.Contains("spec.accessModes: Required value", messages);
        Assert.Contains("spec.capacity: Required value", messages);
        Assert.Contains("spec: Required value: must specify a volume type", messages);
    }

    [Fact]
    public void Volume_LocalWithoutNodeAffinityOrWithASecondSource_Refused()
    {
        var spec = new PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, string> { ["storage"] = "1Gi" },
            AccessModes = ["ReadWriteOnce"],
            Local = new LocalVolumeSource { Path = "/mnt/disks/ssd1" },
        };

        Assert.Equal(["spec.nodeAffinity: Required value: Local volume requires node affinity"], Messages(Created(Volume(spec))));
        Assert.Contains("spec.local: Forbidden: may not specify more than 1 volume type",
            Messages(Created(Volume(spec with { HostPath = new HostPathVolumeSource { Path = "/tmp" } }))));
    }

    [Fact]
    public void Volume_BadModeCapacityAndPolicy_Unsupported()
    {
        var spec = new PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, string> { ["storage"] = "0" },
            AccessModes = ["ReadWriteSometimes"],
            PersistentVolumeReclaimPolicy = "Keep",
            HostPath = new HostPathVolumeSource { Path = "/mnt/data" },
        };

        var messages = Messages(Created(Volume(spec)));

        Assert.Contains("spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"", messages);
        Assert.Contains("spec.capacity[storage]: Invalid value: \"0\": must be a valid resource quantity", messages);
        Assert.Contains("spec.persistentVolumeReclaimPolicy: Unsupported value: \"Keep\": supported values: \"Delete\", \"Recycle\", \"Retain\"", messages);
    }

    [Fact]
    public void Volume_SourceChanged_Forbidden()
    {
        var stored = Created((PersistentVolume)KindSamples.For(ResourceKinds.PersistentVolume));
        var moved = stored with { Spec = stored.Spec with { HostPath = new HostPathVolumeSource { Path = "/elsewhere" } } };

        var refusal = KindRegistry.For(stored).ForbiddenChange(stored, moved);

        Assert.Equal(("spec.persistentvolumesource", "Forbidden: spec.persistentvolumesource is immutable after creation"), (refusal?.Field, refusal?.Message));
        Assert.Null(KindRegistry.For(stored).ForbiddenChange(stored, stored with { Spec = stored.Spec with { Capacity = new Dictionary<string, string> { ["storage"] = "10Gi" } } }));
    }

    [Fact]
    public void Volume_Row_AsKubectlGetPv()
    {
        var volume = Created((PersistentVolume)KindSamples.For(ResourceKinds.PersistentVolume)) with
        {
            Spec = ((PersistentVolume)KindSamples.For(ResourceKinds.PersistentVolume)).Spec with
            {
                AccessModes = ["ReadWriteMany", "ReadWriteOnce"],
                PersistentVolumeReclaimPolicy = "Retain",
                StorageClassName = "manual",
                ClaimRef = new ObjectReference { Namespace = "default", Name = "data" },
            },
            Status = new PersistentVolumeStatus { Phase = "Bound" },
        };

        var row = Row(volume);

        Assert.Equal(["Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass", "VolumeAttributesClass", "Reason", "Age", "VolumeMode"], row.Keys);
        Assert.Equal(("5Gi", "RWO,RWX", "Retain", "Bound", "default/data", "manual", "<unset>"),
            (row["Capacity"], row["Access Modes"], row["Reclaim Policy"], row["Status"], row["Claim"], row["StorageClass"], row["VolumeAttributesClass"]));
    }

    [Fact]
    public void Class_Defaults_DeleteAndImmediate_AndTheDefaultClassIsMarkedInItsName()
    {
        var storageClass = Created((StorageClass)KindSamples.For(ResourceKinds.StorageClass));
        Assert.Equal(("Delete", "Immediate"), (storageClass.ReclaimPolicy, storageClass.VolumeBindingMode));

        var local = Created(LocalPathStorageClass.Desired());
        var row = Row(local);

        Assert.Equal(["Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age"], row.Keys);
        Assert.Equal(("local-path (default)", "orleans-orchestrator.io/local-path", "Delete", "WaitForFirstConsumer", (object)false),
            (row["Name"], row["Provisioner"], row["ReclaimPolicy"], row["VolumeBindingMode"], row["AllowVolumeExpansion"]));
        Assert.Empty(Messages(local));
    }

    [Fact]
    public void Class_WithoutProvisionerOrWithAnUnknownMode_Refused()
    {
        var storageClass = Created(new StorageClass { Metadata = new ObjectMeta { Name = "fast" }, VolumeBindingMode = "Later" });

        Assert.Equal(
            ["provisioner: Required value", "volumeBindingMode: Unsupported value: \"Later\": supported values: \"Immediate\", \"WaitForFirstConsumer\""],
            Messages(storageClass));
    }

    [Fact]
    public void Class_ProvisionerParametersPolicyAndBindingMode_FixedOnceCreated()
    {
        var stored = Created((StorageClass)KindSamples.For(ResourceKinds.StorageClass));
        var rule = KindRegistry.For(stored);

        Assert.Equal("Forbidden: updates to provisioner are forbidden.", rule.ForbiddenChange(stored, stored with { Provisioner = "other.io/x" })?.Message);
        Assert.Equal("Forbidden: updates to parameters are forbidden.", rule.ForbiddenChange(stored, stored with { Parameters = null })?.Message);
        Assert.Equal("Forbidden: updates to reclaimPolicy are forbidden.", rule.ForbiddenChange(stored, stored with { ReclaimPolicy = "Retain" })?.Message);
        Assert.Equal("volumeBindingMode", rule.ForbiddenChange(stored, stored with { VolumeBindingMode = "WaitForFirstConsumer" })?.Field);
        Assert.Null(rule.ForbiddenChange(stored, stored with { AllowVolumeExpansion = true }));
    }

    [Fact]
    public void Claim_Created_PendingFilesystemAndProtected()
    {
        var claim = Created(Claim() with { Status = new PersistentVolumeClaimStatus { Phase = "Bound" } });

        Assert.Equal(("Pending", "Filesystem"), (claim.Status?.Phase, claim.Spec.VolumeMode));
        Assert.Equal(["kubernetes.io/pvc-protection"], claim.Metadata.Finalizers);
    }

    [Fact]
    public void Claim_WithoutModesOrStorage_AsKubernetesSays()
    {
        Assert.Equal(
            ["spec.accessModes: Required value: at least 1 access mode is required", "spec.resources[storage]: Required value"],
            Messages(Created(Claim(storage: null, modes: []))));
        Assert.Equal(["spec.resources[storage]: Invalid value: \"0\": must be greater than zero"], Messages(Created(Claim(storage: "0"))));
        Assert.Equal(["spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"],
            Messages(Created(Claim(modes: ["ReadWriteOncePod", "ReadWriteOnce"]))));
        Assert.Equal(["spec.volumeMode: Unsupported value: \"Raw\": supported values: \"Block\", \"Filesystem\""],
            Messages(Created(Claim() with { Spec = Claim().Spec with { VolumeMode = "Raw" } })));
    }

    [Fact]
    public void Claim_SpecChanged_ImmutableExceptWhatTheBinderFillsInOnce()
    {
        var stored = Created(Claim());

        var grown = stored with { Spec = stored.Spec with { AccessModes = ["ReadWriteMany"] } };
        var refusal = PersistentVolumeClaimStrategy.ImmutableSpec(stored, grown);
        Assert.Equal(("spec", "Forbidden: " + PersistentVolumeClaimStrategy.ImmutableSpecMessage), (refusal?.Field, refusal?.Message));

        var bound = stored with { Spec = stored.Spec with { VolumeName = "pvc-1" } };
        Assert.Null(PersistentVolumeClaimStrategy.ImmutableSpec(stored, bound));
        Assert.NotNull(PersistentVolumeClaimStrategy.ImmutableSpec(bound, bound with { Spec = bound.Spec with { VolumeName = "pvc-2" } }));

        Assert.Null(PersistentVolumeClaimStrategy.ImmutableSpec(stored, stored with { Spec = stored.Spec with { StorageClassName = "local-path" } }));
        var classed = stored with { Spec = stored.Spec with { StorageClassName = "local-path" } };
        Assert.NotNull(PersistentVolumeClaimStrategy.ImmutableSpec(classed, classed with { Spec = classed.Spec with { StorageClassName = "fast" } }));
    }

    [Fact]
    public void Claim_StorageRequest_GrowsOnlyWhenBoundAndNeverShrinks()
    {
        var pending = Created(Claim("1Gi"));
        var boundClaim = pending with { Status = new PersistentVolumeClaimStatus { Phase = "Bound" } };
        PersistentVolumeClaim Asking(PersistentVolumeClaim claim, string storage) =>
            claim with { Spec = claim.Spec with { Resources = new ResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = storage } } } };

        Assert.NotNull(PersistentVolumeClaimStrategy.ImmutableSpec(pending, Asking(pending, "2Gi")));
        Assert.Null(PersistentVolumeClaimStrategy.ImmutableSpec(boundClaim, Asking(boundClaim, "2Gi")));
        Assert.Equal("Forbidden: field can not be less than previous value",
            PersistentVolumeClaimStrategy.ImmutableSpec(boundClaim, Asking(boundClaim, "512Mi"))?.Message);
    }

    [Fact]
    public void Claim_Row_AsKubectlGetPvc()
    {
        var claim = Created(Claim(className: "local-path"));
        var pending = Row(claim);
        Assert.Equal(["Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass", "VolumeAttributesClass", "Age", "VolumeMode"], pending.Keys);
        Assert.Equal(("Pending", "", "", "", "local-path"), (pending["Status"], pending["Volume"], pending["Capacity"], pending["Access Modes"], pending["StorageClass"]));

        var bound = claim with
        {
            Spec = claim.Spec with { VolumeName = "pvc-123" },
            Status = new PersistentVolumeClaimStatus { Phase = "Bound", AccessModes = ["ReadWriteOnce"], Capacity = new Dictionary<string, string> { ["storage"] = "1Gi" } },
            Metadata = claim.Metadata with { DeletionTimestamp = Now },
        };
        var row = Row(bound);
        Assert.Equal(("Terminating", "pvc-123", "1Gi", "RWO"), (row["Status"], row["Volume"], row["Capacity"], row["Access Modes"]));
    }

    [Fact]
    public void DefaultClass_NewestMarkedClass_ThenByName()
    {
        StorageClass Class(string name, int minute, bool isDefault) => new()
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                CreationTimestamp = Now.AddMinutes(minute),
                Annotations = isDefault ? new Dictionary<string, string> { [StorageRules.DefaultClassAnnotation] = "true" } : null,
            },
            Provisioner = "x.io/y",
        };

        Assert.Equal("b", StorageRules.DefaultClass([Class("a", 1, true), Class("b", 2, true), Class("c", 3, false)])?.Metadata.Name);
        Assert.Equal("a", StorageRules.DefaultClass([Class("b", 1, true), Class("a", 1, true)])?.Metadata.Name);
        Assert.Null(StorageRules.DefaultClass([Class("c", 3, false)]));
    }
}
