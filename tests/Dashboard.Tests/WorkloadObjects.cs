using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests;

/// <summary>StatefulSets, DaemonSets, Jobs, CronJobs and storage as the tests need them: only the fields a test is about.</summary>
public static class WorkloadObjects
{
    public static string Uid(string kind, string ns, string name) => $"uid-{kind}-{ns}-{name}";

    public static OwnerReference ControlledBy(string kind, string name, string ns = "default", string apiVersion = "apps/v1") =>
        new() { ApiVersion = apiVersion, Kind = kind, Name = name, Uid = Uid(kind, ns, name), Controller = true };

    public static StatefulSet StatefulSet(string name, string ns = "default", int replicas = 3, int ready = 3, int updated = 3, int current = 3,
        string? currentRevision = "rev-2", string? updateRevision = "rev-2", long generation = 1, long observedGeneration = 1, int? partition = null,
        string? strategy = null, IReadOnlyList<string>? claimTemplates = null, string image = "mysql:8", string? resourceVersion = "1") => new()
    {
        ApiVersion = "apps/v1",
        Kind = "StatefulSet",
        Metadata = new ObjectMeta
        {
            Name = name, Namespace = ns, Uid = Uid("StatefulSet", ns, name), ResourceVersion = resourceVersion, Generation = generation, CreationTimestamp = Created,
        },
        Spec = new StatefulSetSpec
        {
            Replicas = replicas,
            ServiceName = name,
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = Template(name, image),
            UpdateStrategy = strategy is null && partition is null ? null : new StatefulSetUpdateStrategy
            {
                Type = strategy, RollingUpdate = partition is null ? null : new RollingUpdateStatefulSetStrategy { Partition = partition },
            },
            VolumeClaimTemplates = claimTemplates?.Select(t => new PersistentVolumeClaim { Metadata = new ObjectMeta { Name = t } }).ToList(),
        },
        Status = new StatefulSetStatus
        {
            ObservedGeneration = observedGeneration, Replicas = replicas, ReadyReplicas = ready, UpdatedReplicas = updated, CurrentReplicas = current,
            CurrentRevision = currentRevision, UpdateRevision = updateRevision,
        },
    };

    public static DaemonSet DaemonSet(string name, string ns = "default", int desired = 3, int current = 3, int ready = 3, int updated = 3, int available = 3,
        long generation = 1, long observedGeneration = 1, IReadOnlyDictionary<string, string>? nodeSelector = null, string image = "fluentd:1") => new()
    {
        ApiVersion = "apps/v1",
        Kind = "DaemonSet",
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Uid = Uid("DaemonSet", ns, name), ResourceVersion = "1", Generation = generation, CreationTimestamp = Created },
        Spec = new DaemonSetSpec
        {
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = Template(name, image) with { Spec = new PodSpec { NodeSelector = nodeSelector, Containers = [new Container { Name = name, Image = image }] } },
        },
        Status = new DaemonSetStatus
        {
            DesiredNumberScheduled = desired, CurrentNumberScheduled = current, NumberReady = ready, UpdatedNumberScheduled = updated,
            NumberAvailable = available, ObservedGeneration = observedGeneration,
        },
    };

    /// <summary>A revision of the workload <paramref name="owner"/> (kind and name) with the given image.</summary>
    public static ControllerRevision Revision(string ownerKind, string ownerName, long number, string hash, string image, string ns = "default") => new()
    {
        ApiVersion = "apps/v1",
        Kind = "ControllerRevision",
        Metadata = new ObjectMeta
        {
            Name = $"{ownerName}-{hash}", Namespace = ns, Uid = $"uid-cr-{ns}-{ownerName}-{hash}", ResourceVersion = "1", CreationTimestamp = Created,
            Labels = new Dictionary<string, string> { [ControllerRevisionHistory.HashLabel] = hash },
            OwnerReferences = [ControlledBy(ownerKind, ownerName, ns)],
        },
        Revision = number,
        Data = new ControllerRevisionData
        {
            Spec = new ControllerRevisionSpec
            {
                Template = new RevisionPodTemplate
                {
                    Patch = "replace",
                    Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = ownerName } },
                    Spec = new PodSpec { Containers = [new Container { Name = ownerName, Image = image }] },
                },
            },
        },
    };

    public static Job Job(string name, string ns = "default", int? completions = 1, int succeeded = 0, int active = 0, bool suspend = false,
        string? condition = null, DateTimeOffset? start = null, DateTimeOffset? end = null, DateTimeOffset? created = null, OwnerReference? owner = null,
        IReadOnlyDictionary<string, string>? annotations = null, string? resourceVersion = "1") => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Metadata = new ObjectMeta
        {
            Name = name, Namespace = ns, Uid = Uid("Job", ns, name), ResourceVersion = resourceVersion, CreationTimestamp = created ?? Created,
            OwnerReferences = owner is null ? null : [owner], Annotations = annotations,
        },
        Spec = new JobSpec { Completions = completions, Suspend = suspend ? true : null, Template = Template(name, "busybox:1") },
        Status = new JobStatus
        {
            Succeeded = succeeded, Active = active, StartTime = start, CompletionTime = end,
            Conditions = condition is null ? null : [new Condition { Type = condition, Status = "True", Reason = condition == "Suspended" ? "JobSuspended" : null }],
        },
    };

    public static CronJob CronJob(string name, string ns = "default", string schedule = "*/5 * * * *", string? timeZone = null, bool suspend = false,
        int active = 0, DateTimeOffset? lastSchedule = null) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "CronJob",
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Uid = Uid("CronJob", ns, name), ResourceVersion = "1", CreationTimestamp = Created },
        Spec = new CronJobSpec
        {
            Schedule = schedule,
            TimeZone = timeZone,
            Suspend = suspend ? true : null,
            JobTemplate = new JobTemplateSpec
            {
                Metadata = new ObjectMeta
                {
                    Labels = new Dictionary<string, string> { ["team"] = "ops" },
                    Annotations = new Dictionary<string, string> { ["note"] = "nightly" },
                },
                Spec = new JobSpec { BackoffLimit = 2, Template = Template(name, "busybox:1") },
            },
        },
        Status = new CronJobStatus
        {
            Active = Enumerable.Range(0, active).Select(i => new ObjectReference { Kind = "Job", Name = $"{name}-{i}", Namespace = ns }).ToList(),
            LastScheduleTime = lastSchedule,
        },
    };

    public static PersistentVolumeClaim Claim(string name, string ns = "default", string? phase = "Bound", string? volume = "pvc-1", string capacity = "1Gi",
        string storageClass = "local-path") => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Uid = Uid("PersistentVolumeClaim", ns, name), ResourceVersion = "1", CreationTimestamp = Created },
        Spec = new PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"], StorageClassName = storageClass, VolumeName = volume,
            Resources = new ResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = capacity } },
        },
        Status = phase is null ? null : new PersistentVolumeClaimStatus
        {
            Phase = phase,
            AccessModes = phase == "Bound" ? ["ReadWriteOnce"] : null,
            Capacity = phase == "Bound" ? new Dictionary<string, string> { ["storage"] = capacity } : null,
        },
    };

    public static PersistentVolume LocalVolume(string name, string? claimNs = "default", string? claim = "data", string phase = "Bound", string? node = "node-a",
        string reclaim = "Delete") => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolume",
        Metadata = new ObjectMeta { Name = name, Uid = $"uid-pv-{name}", ResourceVersion = "1", CreationTimestamp = Created },
        Spec = new PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, string> { ["storage"] = "1Gi" },
            AccessModes = ["ReadWriteOnce"],
            PersistentVolumeReclaimPolicy = reclaim,
            StorageClassName = "local-path",
            ClaimRef = claim is null ? null : new ObjectReference { Kind = "PersistentVolumeClaim", Namespace = claimNs, Name = claim },
            Local = new LocalVolumeSource { Path = $"/var/lib/oo/{name}" },
            NodeAffinity = node is null ? null : new VolumeNodeAffinity
            {
                Required = new NodeSelector
                {
                    NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new LabelSelectorRequirement { Key = "kubernetes.io/hostname", Operator = "In", Values = [node] }] }],
                },
            },
        },
        Status = new PersistentVolumeStatus { Phase = phase },
    };

    /// <summary>A pod that mounts the named claims.</summary>
    public static Pod PodWithClaims(string name, IReadOnlyList<string> claims, string ns = "default", OwnerReference? owner = null, string phase = "Running", string node = "node-a") =>
        Pod(name, ns, phase, node, owner: owner) is var pod
            ? pod with { Spec = pod.Spec with { Volumes = claims.Select(c => new Volume { Name = c, PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = c } }).ToList() } }
            : pod;
}

/// <summary>A clock that stands still, so that "next run" and durations can be asserted.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
