using System.Globalization;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Events;

namespace OrleansOrchestrator.Silo.Controllers.Deployments;

/// <summary>
/// Rolls a Deployment out through its ReplicaSets, one step per pass (<see cref="RolloutPlanner"/>): a
/// ReplicaSet per pod template (reused when a rollback returns to an old template), rolling update or
/// recreate, proportional scaling, revisions and their history limit, pause, and the status and
/// conditions <c>kubectl rollout status</c> reads.
/// </summary>
public sealed class DeploymentControllerGrain(TimeProvider clock, ILogger<DeploymentControllerGrain> logger)
    : ReconcilerGrain(logger), IDeploymentController
{
    private const string Component = "deployment-controller";

    /// <summary>Annotations of the Deployment that are its own, not copied onto its ReplicaSets.</summary>
    private static readonly HashSet<string> NotCopied =
    [
        "kubectl.kubernetes.io/last-applied-configuration",
        DeploymentAnnotations.Revision,
        DeploymentAnnotations.RevisionHistory,
        DeploymentAnnotations.DesiredReplicas,
        DeploymentAnnotations.MaxReplicas,
    ];

    protected override async Task<TimeSpan?> Reconcile()
    {
        var (tenant, _, ns, name) = StoreKeys.ParseObject(this.GetPrimaryKeyString());
        var store = new StoreClient(GrainFactory, tenant, SystemActors.Deployments);
        if (await store.Get<Deployment>(ns, name) is not { } deployment || deployment.Metadata.DeletionTimestamp is not null) return null;
        var events = new EventRecorder(store, Component, clock);

        var owned = await OwnedReplicaSets(store, deployment);
        var newRs = RolloutPlanner.FindNewReplicaSet(deployment.Spec.Template, owned);
        var oldRses = owned.Where(rs => rs != newRs).ToList();
        var oldStates = oldRses.Select(ReplicaSetState.From).ToList();
        var revision = RolloutPlanner.NextRevision(oldStates);

        // A rollback reuses an old ReplicaSet: it becomes the newest revision again.
        if (newRs is not null && ReplicaSetState.From(newRs).Revision < revision)
            newRs = await store.Update(WithAnnotation(newRs, DeploymentAnnotations.Revision, revision)) ?? newRs;
        var newState = newRs is null ? null : ReplicaSetState.From(newRs);

        var oldPodsRunning = deployment.Spec.Strategy?.Type == RolloutMath.RecreateStrategy && await AnyRunning(store, ns, oldRses);
        var step = RolloutPlanner.Plan(RolloutInput.For(deployment, newState, oldStates, oldPodsRunning));

        if (step.CreateNewReplicaSet)
        {
            newRs = await store.Create(NewReplicaSet(deployment, step, revision));
            newState = step.CreatedReplicaSet(revision, clock.GetUtcNow());
        }
        foreach (var rs in owned.Where(rs => step.Scale.ContainsKey(rs.Metadata.Name!) || step.AnnotateOnly.Contains(rs.Metadata.Name!)))
        {
            var replicas = step.Scale.TryGetValue(rs.Metadata.Name!, out var scaled) ? scaled : rs.Spec.Replicas ?? 0;
            var updated = WithAnnotation(WithAnnotation(rs with { Spec = rs.Spec with { Replicas = replicas } },
                DeploymentAnnotations.DesiredReplicas, step.DesiredReplicasAnnotation), DeploymentAnnotations.MaxReplicas, step.MaxReplicasAnnotation);
            if (await store.Update(updated) is null) return TimeSpan.FromMilliseconds(200); // lost a race: look again
        }
        foreach (var message in step.Events)
            await events.Normal(deployment, "ScalingReplicaSet", message);
        if (step.CleanUp)
            foreach (var doomed in RolloutPlanner.ToDelete(oldStates, deployment.Spec.RevisionHistoryLimit))
                if (oldRses.FirstOrDefault(rs => rs.Metadata.Name == doomed) is { } rs) await store.Delete(rs);

        // The Deployment carries the revision of its current ReplicaSet, as kubectl rollout history expects.
        var currentRevision = (newState?.Revision ?? 0).ToString(CultureInfo.InvariantCulture);
        if (newState is not null && deployment.Metadata.Annotations?.GetValueOrDefault(DeploymentAnnotations.Revision) != currentRevision)
            deployment = await store.Update(WithAnnotation(deployment, DeploymentAnnotations.Revision, newState.Revision)) ?? deployment;

        var oldAfter = oldStates.Select(step.ApplyTo).ToList();
        var newAfter = newState is null ? null : step.ApplyTo(newState);
        var now = clock.GetUtcNow();
        var input = DeploymentStatusInput.For(deployment, newAfter, oldAfter, step, now);
        var status = DeploymentStatusCalculator.Compute(input);
        if (!DeploymentStatusCalculator.StatusEquals(deployment.Status, status))
        {
            if (status.Conditions?.FirstOrDefault(c => c.Type == "Progressing") is { Reason: "ProgressDeadlineExceeded" } stalled
                && deployment.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing")?.Reason != "ProgressDeadlineExceeded")
                await events.Warning(deployment, "ProgressDeadlineExceeded", stalled.Message ?? "Deployment has timed out progressing.");
            await store.UpdateStatus(deployment with { Status = status, Metadata = deployment.Metadata with { ResourceVersion = null } });
        }
        if (!step.IsEmpty) return TimeSpan.FromMilliseconds(500);
        return DeploymentStatusCalculator.RecheckAfter(input, status);
    }

    /// <summary>The Deployment's ReplicaSets that are not being deleted (claimed: adopted or released as their labels say).</summary>
    private static async Task<List<ReplicaSet>> OwnedReplicaSets(StoreClient store, Deployment deployment) =>
        (await Ownership.Claim(store, deployment, deployment.Spec.Selector, await store.List<ReplicaSet>(deployment.Metadata.Namespace!)))
            .Where(rs => rs.Metadata.DeletionTimestamp is null)
            .ToList();

    private static async Task<bool> AnyRunning(StoreClient store, string ns, IReadOnlyList<ReplicaSet> oldRses)
    {
        var uids = oldRses.Select(rs => rs.Metadata.Uid).ToHashSet();
        return (await store.List<Pod>(ns)).Any(p => uids.Contains(ChangeRouter.ControllerOf(p)?.Uid) && p.Status?.Phase is not ("Succeeded" or "Failed"));
    }

    private static ReplicaSet NewReplicaSet(Deployment deployment, RolloutStep step, long revision)
    {
        var hash = PodTemplateHash.Compute(deployment.Spec.Template, deployment.Status?.CollisionCount);
        var template = deployment.Spec.Template;
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>()) { [PodTemplateHash.LabelKey] = hash };
        var selector = deployment.Spec.Selector ?? new LabelSelector();
        var matchLabels = new Dictionary<string, string>(selector.MatchLabels ?? new Dictionary<string, string>()) { [PodTemplateHash.LabelKey] = hash };
        var annotations = (deployment.Metadata.Annotations ?? new Dictionary<string, string>())
            .Where(a => !NotCopied.Contains(a.Key))
            .ToDictionary(a => a.Key, a => a.Value);
        annotations[DeploymentAnnotations.Revision] = revision.ToString(CultureInfo.InvariantCulture);
        annotations[DeploymentAnnotations.DesiredReplicas] = step.DesiredReplicasAnnotation.ToString(CultureInfo.InvariantCulture);
        annotations[DeploymentAnnotations.MaxReplicas] = step.MaxReplicasAnnotation.ToString(CultureInfo.InvariantCulture);
        var rs = new ReplicaSet
        {
            Metadata = new ObjectMeta
            {
                Name = step.NewReplicaSetName,
                Namespace = deployment.Metadata.Namespace,
                Labels = labels,
                Annotations = annotations,
            },
            Spec = new ReplicaSetSpec
            {
                Replicas = step.NewReplicaSetReplicas,
                MinReadySeconds = deployment.Spec.MinReadySeconds,
                Selector = selector with { MatchLabels = matchLabels },
                Template = template with { Metadata = (template.Metadata ?? new ObjectMeta()) with { Labels = labels } },
            },
        };
        return OwnerReferences.WithControllerRef(rs, deployment);
    }

    private static T WithAnnotation<T>(T obj, string key, long value) where T : KubeObject =>
        obj with
        {
            Metadata = obj.Metadata with
            {
                Annotations = new Dictionary<string, string>(obj.Metadata.Annotations ?? new Dictionary<string, string>())
                {
                    [key] = value.ToString(CultureInfo.InvariantCulture),
                },
            },
        };
}
