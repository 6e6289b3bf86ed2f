using System.Globalization;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Jobs;

/// <summary>How the job controller reads and makes a job's pods (Kubernetes' names, annotation, label and finalizer).</summary>
public static class JobPods
{
    /// <summary>
    /// Held by every pod the controller creates until its end is counted in the job's status: a finished pod the garbage
    /// collector or a user removes cannot vanish uncounted.
    /// </summary>
    public const string TrackingFinalizer = "batch.kubernetes.io/job-tracking";

    /// <summary>An indexed job's pod's index: an annotation, and a label of the same name.</summary>
    public const string CompletionIndexAnnotation = "batch.kubernetes.io/job-completion-index";

    /// <summary>The variable every container of an indexed job's pod reads its index from (downward API, from the annotation).</summary>
    public const string CompletionIndexEnv = "JOB_COMPLETION_INDEX";

    /// <summary>Kubernetes' limit for a generated name's prefix: 63 characters less the five random ones.</summary>
    private const int MaxGeneratedNamePrefix = 58;

    public static bool IsIndexed(Job job) => job.Spec.CompletionMode == "Indexed";

    public static bool HasTrackingFinalizer(Pod pod) => pod.Metadata.Finalizers?.Contains(TrackingFinalizer) == true;

    public static bool IsSucceeded(Pod pod) => pod.Status?.Phase == "Succeeded";

    public static bool IsFinished(Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    /// <summary>Being deleted and not finished: still counts against a job that replaces only failed pods.</summary>
    public static bool IsTerminating(Pod pod) => pod.Metadata.DeletionTimestamp is not null && !IsFinished(pod);

    /// <summary>Replacements wait for a failed pod to reach the Failed phase (not merely to be deleted).</summary>
    public static bool OnlyReplaceFailedPods(Job job) =>
        job.Spec.PodReplacementPolicy == "Failed" || job.Spec.PodFailurePolicy is not null;

    /// <summary>
    /// Kubernetes' isPodFailed: the Failed phase, or — unless only failed pods are replaced — deleted before it succeeded
    /// (an orphaned or evicted pod may never reach a phase).
    /// </summary>
    public static bool IsFailed(Pod pod, Job job)
    {
        if (pod.Status?.Phase == "Failed") return true;
        if (OnlyReplaceFailedPods(job)) return false;
        return pod.Metadata.DeletionTimestamp is not null && !IsSucceeded(pod);
    }

    /// <summary>The pod's completion index, or null when it has none or not a valid one.</summary>
    public static int? CompletionIndex(Pod pod) =>
        pod.Metadata.Annotations?.GetValueOrDefault(CompletionIndexAnnotation) is { } text
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;

    /// <summary>An index within the job's completions.</summary>
    public static int? ValidIndex(Pod pod, Job job) =>
        CompletionIndex(pod) is { } index && index < (job.Spec.Completions ?? 0) ? index : null;

    /// <summary>Kubernetes' getFinishedTime: when the last container ended, else when it turned not Ready as a finished pod, else when it was deleted, else its creation.</summary>
    public static DateTimeOffset FinishedTime(Pod pod)
    {
        var containers = (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? [])
            .Select(c => c.State?.Terminated?.FinishedAt).Where(t => t is not null).Max();
        if (containers is { } finished) return finished;
        if (IsFinished(pod) && PodConditions.Ready(pod) is { Status: "False", LastTransitionTime: { } notReady }) return notReady;
        // Our deletionTimestamp is when deletion was asked (Kubernetes' is that plus the grace period, which it subtracts).
        if (pod.Metadata.DeletionTimestamp is { } deleted) return deleted;
        return pod.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue;
    }

    /// <summary>
    /// A new pod of the job from its template: named <c>JOB-RANDOM</c> (<c>JOB-INDEX-RANDOM</c> for an index), carrying
    /// the tracking finalizer and the job as its controller; an indexed one also its index (annotation, label,
    /// <c>JOB_COMPLETION_INDEX</c>) and the hostname <c>JOB-INDEX</c>.
    /// </summary>
    public static Pod New(Job job, int? index)
    {
        var template = job.Spec.Template;
        var name = job.Metadata.Name ?? "";
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>());
        var annotations = template.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : null;
        var spec = template.Spec;
        string prefix;
        if (index is { } i)
        {
            var text = i.ToString(CultureInfo.InvariantCulture);
            annotations ??= new Dictionary<string, string>();
            annotations[CompletionIndexAnnotation] = text;
            labels[CompletionIndexAnnotation] = text;
            spec = spec with
            {
                Hostname = $"{name}-{text}",
                Containers = spec.Containers.Select(WithIndexEnv).ToList(),
                InitContainers = spec.InitContainers?.Select(WithIndexEnv).ToList(),
            };
            var suffix = $"-{text}-";
            prefix = name.Length + suffix.Length > MaxGeneratedNamePrefix ? name[..(MaxGeneratedNamePrefix - suffix.Length)] + suffix : name + suffix;
        }
        else
        {
            prefix = name + "-";
            if (prefix.Length > MaxGeneratedNamePrefix) prefix = prefix[..MaxGeneratedNamePrefix];
        }
        var finalizers = template.Metadata?.Finalizers ?? [];
        var pod = new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = prefix + Names.RandomSuffix(),
                Namespace = job.Metadata.Namespace,
                Labels = labels.Count > 0 ? labels : null,
                Annotations = annotations,
                Finalizers = finalizers.Contains(TrackingFinalizer) ? finalizers : [.. finalizers, TrackingFinalizer],
            },
            Spec = spec,
        };
        return OwnerReferences.WithControllerRef(pod, job);
    }

    private static Container WithIndexEnv(Container container) =>
        container.Env?.Any(e => e.Name == CompletionIndexEnv) == true
            ? container
            : container with
            {
                Env =
                [
                    .. container.Env ?? [],
                    new EnvVar
                    {
                        Name = CompletionIndexEnv,
                        ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { ApiVersion = "v1", FieldPath = $"metadata.annotations['{CompletionIndexAnnotation}']" } },
                    },
                ],
            };

    /// <summary>The same pod without the tracking finalizer.</summary>
    public static Pod WithoutTrackingFinalizer(Pod pod) => pod with
    {
        Metadata = pod.Metadata with
        {
            Finalizers = pod.Metadata.Finalizers?.Where(f => f != TrackingFinalizer).ToList() is { Count: > 0 } rest ? rest : null,
        },
    };
}
