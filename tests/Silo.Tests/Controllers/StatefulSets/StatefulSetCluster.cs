using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Controllers.Revisions;
using OrleansOrchestrator.Silo.Controllers.StatefulSets;
using OrleansOrchestrator.Silo.Tests.Kinds;

namespace OrleansOrchestrator.Silo.Tests.Controllers.StatefulSets;

/// <summary>
/// A StatefulSet, its pods and claims in memory, driven pass by pass through <see cref="StatefulSetPlanner"/> — the
/// role of Kubernetes' fake pod control and <c>scaleUpStatefulSetControl</c> helpers: pods are created Pending, made
/// Running and Ready by the test, deleted at once (or left terminating). Revisions are the real ones' names.
/// </summary>
internal sealed class StatefulSetCluster
{
    private int _uids;

    public StatefulSetCluster(Func<StatefulSet, StatefulSet>? shape = null)
    {
        var set = KindSamples.StatefulSet();
        set = (StatefulSet)Defaults.Apply(shape is null ? set : shape(set));
        Set = set with { Metadata = set.Metadata with { Uid = "uid-web", Generation = 1 } };
        Revisions = [ControllerRevisions.New(Set, Set.Spec.Template, 1, 0)];
    }

    public StatefulSet Set { get; private set; }

    public Dictionary<string, Pod> Pods { get; } = [];

    public Dictionary<string, PersistentVolumeClaim> Claims { get; } = [];

    public List<ControllerRevision> Revisions { get; }

    /// <summary>Every write in the order made.</summary>
    public List<StatefulAction> Log { get; } = [];

    /// <summary>Leave deleted pods terminating (as a node's agent would until the containers stopped).</summary>
    public bool GracefulDeletion { get; set; }

    public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public ControllerRevision Update => Revisions[^1];

    public string CurrentRevision => Set.Status?.CurrentRevision ?? Update.Metadata.Name!;

    public StatefulSetStep Pass()
    {
        var current = Revisions.FirstOrDefault(r => r.Metadata.Name == Set.Status?.CurrentRevision) ?? Update;
        var step = StatefulSetPlanner.Plan(new StatefulSetInput
        {
            Set = Set,
            Pods = Pods.Values.ToList(),
            Claims = new Dictionary<string, PersistentVolumeClaim>(Claims),
            CurrentRevision = current.Metadata.Name!,
            CurrentTemplate = ControllerRevisions.TemplateOf(current),
            UpdateRevision = Update.Metadata.Name!,
            UpdateTemplate = ControllerRevisions.TemplateOf(Update),
            Now = Now,
        });
        foreach (var action in step.Actions) Apply(action);
        Set = Set with { Status = step.Status };
        return step;
    }

    private void Apply(StatefulAction action)
    {
        Log.Add(action);
        switch (action)
        {
            case CreatePod create:
                foreach (var claim in create.Claims) Claims.Add(claim.Metadata.Name!, claim with { Metadata = claim.Metadata with { Uid = $"uid-{++_uids}" } });
                Pods.Add(create.Pod.Metadata.Name!, create.Pod with
                {
                    Metadata = create.Pod.Metadata with { Uid = $"uid-{++_uids}", CreationTimestamp = Now },
                    Status = new PodStatus { Phase = "Pending" },
                });
                break;
            case CreateClaims claims:
                foreach (var claim in claims.Claims) Claims.TryAdd(claim.Metadata.Name!, claim with { Metadata = claim.Metadata with { Uid = $"uid-{++_uids}" } });
                break;
            case DeletePod delete:
                if (GracefulDeletion) Pods[delete.Pod.Metadata.Name!] = delete.Pod with { Metadata = delete.Pod.Metadata with { DeletionTimestamp = Now } };
                else Pods.Remove(delete.Pod.Metadata.Name!);
                break;
            case UpdatePod update:
                Pods[update.Pod.Metadata.Name!] = update.Pod;
                break;
            case UpdateClaim claim:
                Claims[claim.Claim.Metadata.Name!] = claim.Claim;
                break;
        }
    }

    /// <summary>Runs passes, making each new pod Running and Ready, until a pass writes nothing.</summary>
    public void Settle(int maxPasses = 100)
    {
        for (var i = 0; i < maxPasses; i++)
        {
            var step = Pass();
            var pending = Pods.Values.Where(p => p.Status?.Phase == "Pending" && p.Metadata.DeletionTimestamp is null).ToList();
            foreach (var pod in pending) MakeReady(pod.Metadata.Name!);
            var terminating = Pods.Values.Any(p => p.Metadata.DeletionTimestamp is not null);
            FinishTerminating();
            if (!step.Actions.Any() && pending.Count == 0 && !terminating) return;
        }
        throw new InvalidOperationException("the StatefulSet did not settle");
    }

    public void MakeReady(string name) => Pods[name] = Pods[name] with
    {
        Status = new PodStatus
        {
            Phase = "Running",
            Conditions = [new Condition { Type = "Ready", Status = "True", LastTransitionTime = Now }],
        },
    };

    public void MakeNotReady(string name) => Pods[name] = Pods[name] with
    {
        Status = new PodStatus { Phase = "Running", Conditions = [new Condition { Type = "Ready", Status = "False", LastTransitionTime = Now }] },
    };

    public void Fail(string name) => Pods[name] = Pods[name] with { Status = new PodStatus { Phase = "Failed" } };

    public void FinishTerminating()
    {
        foreach (var name in Pods.Values.Where(p => p.Metadata.DeletionTimestamp is not null).Select(p => p.Metadata.Name!).ToList())
            Pods.Remove(name);
    }

    public void Scale(int replicas) => Set = Set with { Spec = Set.Spec with { Replicas = replicas } };

    /// <summary>A new template (a new image), saved as the next revision, as the revision sync would.</summary>
    public void SetImage(string image)
    {
        var template = Set.Spec.Template with
        {
            Spec = Set.Spec.Template.Spec with { Containers = [Set.Spec.Template.Spec.Containers[0] with { Image = image }] },
        };
        Set = Set with { Spec = Set.Spec with { Template = template }, Metadata = Set.Metadata with { Generation = Set.Metadata.Generation + 1 } };
        Revisions.Add(ControllerRevisions.New(Set, template, Revisions.Count + 1, 0));
    }

    public List<string> Created() => Log.OfType<CreatePod>().Select(c => c.Pod.Metadata.Name!).ToList();

    public List<string> Deleted(DeletionCause cause) => Log.OfType<DeletePod>().Where(d => d.Cause == cause).Select(d => d.Pod.Metadata.Name!).ToList();

    public string? RevisionOf(string pod) => StatefulPods.Revision(Pods[pod]);
}
