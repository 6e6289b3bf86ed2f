using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Deployments;
using OrleansOrchestrator.Silo.Kinds.DaemonSets;

namespace OrleansOrchestrator.Silo.Controllers.DaemonSets;

/// <summary>
/// One pass of Kubernetes' daemon controller (<c>pkg/controller/daemon</c>: <c>manage</c>, <c>podsShouldBeOnNode</c>,
/// <c>rollingUpdate</c>, <c>updateDaemonSetStatus</c>) as pure functions: one pod on every node that should run it, none
/// on the others, failed pods replaced, and a template change rolled through within <c>maxUnavailable</c> (old pod
/// deleted first) or <c>maxSurge</c> (new pod first, the old one deleted once the new one is available). The rolling
/// update is planned only when the nodes need nothing else, as Kubernetes waits for its expectations.
/// </summary>
public static class DaemonSetPlanner
{
    public static DaemonSetStep Plan(DaemonSetPlanInput input)
    {
        var view = DaemonSetView.Of(input);
        var manage = Manage(input, view);
        if (!manage.IsEmpty || !IsRollingUpdate(input.DaemonSet)) return manage;
        var (surge, unavailable, desired) = Limits(input.DaemonSet, view);
        var rolling = surge == 0 ? RollWithoutSurge(input, view, unavailable) : RollWithSurge(input, view, surge, unavailable, desired);
        return rolling with { WaitingOnBackoff = manage.WaitingOnBackoff };
    }

    /// <summary>The status Kubernetes reports for the DaemonSet's pods (before this pass's changes).</summary>
    public static DaemonSetStatus Status(DaemonSetPlanInput input, int? collisionCount)
    {
        var view = DaemonSetView.Of(input);
        var minReady = input.DaemonSet.Spec.MinReadySeconds ?? 0;
        int desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
        foreach (var node in view.Nodes)
        {
            var pods = view.PodsOn(node);
            if (!view.Fit(node).ShouldRun)
            {
                if (pods.Count > 0) misscheduled++;
                continue;
            }
            desired++;
            if (pods.Count == 0) continue;
            current++;
            var pod = DaemonPods.OldestFirst(pods).First();
            if (PodConditions.IsReady(pod))
            {
                ready++;
                if (PodConditions.IsAvailable(pod, minReady, input.Now)) available++;
            }
            if (DaemonPods.IsUpdated(pod, input.Hash)) updated++;
        }
        return new DaemonSetStatus
        {
            DesiredNumberScheduled = desired,
            CurrentNumberScheduled = current,
            NumberMisscheduled = misscheduled,
            NumberReady = ready,
            // Kubernetes leaves these out of its JSON when zero.
            UpdatedNumberScheduled = NullIfZero(updated),
            NumberAvailable = NullIfZero(available),
            NumberUnavailable = NullIfZero(desired - available),
            ObservedGeneration = input.DaemonSet.Metadata.Generation,
            CollisionCount = collisionCount,
            Conditions = input.DaemonSet.Status?.Conditions,
        };
    }

    /// <summary>
    /// When a pod that is ready now becomes available (<c>minReadySeconds</c>), the earliest; null when none waits for
    /// it. Availability is a matter of time only, so nothing would wake the controller for it.
    /// </summary>
    public static TimeSpan? NextAvailability(DaemonSetPlanInput input)
    {
        var minReady = input.DaemonSet.Spec.MinReadySeconds ?? 0;
        if (minReady <= 0) return null;
        var waits = input.Pods
            .Where(p => PodConditions.IsActive(p) && PodConditions.IsReady(p) && !PodConditions.IsAvailable(p, minReady, input.Now))
            .Select(p => PodConditions.Ready(p)?.LastTransitionTime is { } since ? since + TimeSpan.FromSeconds(minReady) - input.Now : TimeSpan.FromSeconds(minReady))
            .ToList();
        return waits.Count == 0 ? null : waits.Min() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(100);
    }

    public static bool IsRollingUpdate(DaemonSet ds) => (ds.Spec.UpdateStrategy?.Type ?? DaemonSetStrategy.RollingUpdate) == DaemonSetStrategy.RollingUpdate;

    /// <summary>
    /// Kubernetes' <c>SurgeCount</c> and <c>UnavailableCount</c> of the nodes that should run the pod, both percentages
    /// rounded up; when both come to 0 on a DaemonSet with nodes, one node may be unavailable.
    /// </summary>
    public static (int Surge, int Unavailable) Limits(DaemonSet ds, int desired)
    {
        if (!IsRollingUpdate(ds) || ds.Spec.UpdateStrategy?.RollingUpdate is not { } limits) return (0, 0);
        var surge = limits.MaxSurge is { } s ? RolloutMath.ScaledValue(s, desired, roundUp: true) : 0;
        var unavailable = limits.MaxUnavailable is { } u ? RolloutMath.ScaledValue(u, desired, roundUp: true) : 0;
        return desired > 0 && surge == 0 && unavailable == 0 ? (0, 1) : (surge, unavailable);
    }

    /// <summary>Whether a node may run an old and a new pod at once during an update (Kubernetes' <c>AllowsSurge</c>).</summary>
    public static bool AllowsSurge(DaemonSet ds) => Limits(ds, 1).Surge > 0;

    private static (int Surge, int Unavailable, int Desired) Limits(DaemonSet ds, DaemonSetView view)
    {
        var desired = view.Nodes.Count(n => view.Fit(n).ShouldRun);
        var (surge, unavailable) = Limits(ds, desired);
        return (surge, unavailable, desired);
    }

    /// <summary>Kubernetes' <c>manage</c>: per node, what <c>podsShouldBeOnNode</c> says; pods of nodes that are gone go too.</summary>
    private static DaemonSetStep Manage(DaemonSetPlanInput input, DaemonSetView view)
    {
        var create = new List<string>();
        var delete = new List<Pod>();
        var failed = new List<Pod>();
        var waiting = false;
        var surge = AllowsSurge(input.DaemonSet);
        var minReady = input.DaemonSet.Spec.MinReadySeconds ?? 0;
        foreach (var node in view.Nodes)
        {
            var fit = view.Fit(node);
            var pods = view.PodsOn(node);
            if (fit.ShouldRun && pods.Count == 0)
            {
                create.Add(node);
                continue;
            }
            if (!fit.ShouldContinueRunning)
            {
                delete.AddRange(pods.Where(p => p.Metadata.DeletionTimestamp is null));
                continue;
            }

            var running = new List<Pod>();
            foreach (var pod in pods.Where(p => p.Metadata.DeletionTimestamp is null))
            {
                if (pod.Status?.Phase == "Failed")
                {
                    // A failed pod is replaced, but not in a hot loop against a node that keeps refusing it.
                    if (input.NodesInFailedPodBackoff.Contains(node)) waiting = true;
                    else failed.Add(pod);
                }
                else if (pod.Status?.Phase == "Succeeded") delete.Add(pod);
                else running.Add(pod);
            }
            var oldestFirst = DaemonPods.OldestFirst(running).ToList();
            if (!surge)
            {
                delete.AddRange(oldestFirst.Skip(1));
                continue;
            }
            if (oldestFirst.Count <= 1)
            {
                if (oldestFirst.Count == 0 && fit.ShouldRun) create.Add(node);
                continue;
            }
            // Surging: an old and a new pod may share the node while the new one is not available yet (and the old is
            // ready); every other pod goes.
            var oldestNew = oldestFirst.FirstOrDefault(p => DaemonPods.IsUpdated(p, input.Hash));
            var oldestOld = oldestFirst.FirstOrDefault(p => !DaemonPods.IsUpdated(p, input.Hash));
            delete.AddRange(oldestFirst.Where(p => p != oldestNew && p != oldestOld));
            if (oldestNew is not null && oldestOld is not null
                && (!PodConditions.IsReady(oldestOld) || PodConditions.IsAvailable(oldestNew, minReady, input.Now)))
                delete.Add(oldestOld);
        }
        // Pods of a node that is gone: their node will never confirm a graceful deletion (Kubernetes' pod garbage
        // collector removes them at once).
        var force = view.PodsOfMissingNodes.ToList();
        return new DaemonSetStep(create, delete, failed, force, waiting);
    }

    /// <summary>
    /// Kubernetes' <c>rollingUpdate</c> without surge: delete old pods, at most as many as keep the unavailable nodes
    /// within <paramref name="maxUnavailable"/> (an old pod that is unavailable anyway always goes); <see cref="Manage"/>
    /// then creates their successors.
    /// </summary>
    private static DaemonSetStep RollWithoutSurge(DaemonSetPlanInput input, DaemonSetView view, int maxUnavailable)
    {
        var minReady = input.DaemonSet.Spec.MinReadySeconds ?? 0;
        var unavailable = 0;
        var replacements = new List<Pod>();
        var candidates = new List<Pod>();
        foreach (var node in view.NodesWithPodsOrDesired)
        {
            if (!FindUpdated(view.PodsOn(node), input.Hash, out var newPod, out var oldPod))
            {
                // More than one old or new pod: the manage step cleans this node; it counts as unavailable.
                unavailable++;
                continue;
            }
            if ((oldPod is null) == (newPod is null)) unavailable++;
            else if (newPod is not null)
            {
                if (!PodConditions.IsAvailable(newPod, minReady, input.Now)) unavailable++;
            }
            else if (!PodConditions.IsAvailable(oldPod!, minReady, input.Now))
            {
                replacements.Add(oldPod!);
                unavailable++;
            }
            else candidates.Add(oldPod!);
        }
        var room = Math.Clamp(maxUnavailable - unavailable, 0, candidates.Count);
        return new DaemonSetStep([], [.. replacements, .. candidates.Take(room)], [], [], false);
    }

    /// <summary>
    /// Kubernetes' <c>rollingUpdate</c> with surge: a new pod beside the old one on at most <paramref name="maxSurge"/>
    /// nodes at once (at once where the old pod is unavailable anyway); the old pod goes when its successor is available.
    /// Old pods on nodes that should no longer run one go within <paramref name="maxUnavailable"/>.
    /// </summary>
    private static DaemonSetStep RollWithSurge(DaemonSetPlanInput input, DaemonSetView view, int maxSurge, int maxUnavailable, int desired)
    {
        var minReady = input.DaemonSet.Spec.MinReadySeconds ?? 0;
        var delete = new List<Pod>();
        var leaving = new List<Pod>();
        var candidates = new List<string>();
        var allowed = new List<string>();
        int surging = 0, available = 0;
        foreach (var node in view.NodesWithPodsOrDesired)
        {
            if (!FindUpdated(view.PodsOn(node), input.Hash, out var newPod, out var oldPod))
            {
                surging++;
                continue;
            }
            var counted = oldPod ?? newPod;
            if (counted is not null && PodConditions.IsAvailable(counted, minReady, input.Now)) available++;
            if (oldPod is null) continue;
            if (newPod is null)
            {
                var shouldRun = view.Fit(node).ShouldRun;
                if (!PodConditions.IsAvailable(oldPod, minReady, input.Now))
                {
                    if (shouldRun) allowed.Add(node);
                    else delete.Add(oldPod);
                }
                else if (!shouldRun) leaving.Add(oldPod);
                else if (surging < maxSurge) candidates.Add(node);
                continue;
            }
            if (!PodConditions.IsAvailable(newPod, minReady, input.Now)) surging++;
            else delete.Add(oldPod);
        }
        var room = Math.Clamp(maxSurge - surging, 0, candidates.Count);
        if (leaving.Count > 0)
        {
            var unavailableRoom = Math.Clamp(maxUnavailable - (desired - available), 0, leaving.Count);
            delete.AddRange(leaving.Take(unavailableRoom));
        }
        return new DaemonSetStep([.. allowed, .. candidates.Take(room)], delete, [], [], false);
    }

    /// <summary>
    /// Kubernetes' <c>findUpdatedPodsOnNode</c>: the node's new and old pod (not being deleted); false when it has more
    /// than one of either, which the manage step prunes first.
    /// </summary>
    private static bool FindUpdated(IReadOnlyList<Pod> pods, string hash, out Pod? newPod, out Pod? oldPod)
    {
        newPod = null;
        oldPod = null;
        foreach (var pod in pods.Where(p => p.Metadata.DeletionTimestamp is null))
        {
            if (DaemonPods.IsUpdated(pod, hash))
            {
                if (newPod is not null) return false;
                newPod = pod;
            }
            else
            {
                if (oldPod is not null) return false;
                oldPod = pod;
            }
        }
        return true;
    }

    private static int? NullIfZero(int value) => value == 0 ? null : value;

    /// <summary>The nodes by name with their fit, and the DaemonSet's pods by the node each is on or meant for.</summary>
    private sealed class DaemonSetView
    {
        private readonly Dictionary<string, DaemonNodeFit> _fits;
        private readonly Dictionary<string, List<Pod>> _podsByNode;

        private DaemonSetView(Dictionary<string, DaemonNodeFit> fits, Dictionary<string, List<Pod>> podsByNode)
        {
            _fits = fits;
            _podsByNode = podsByNode;
            Nodes = fits.Keys.Order(StringComparer.Ordinal).ToList();
        }

        /// <summary>Every node's name, in order.</summary>
        public IReadOnlyList<string> Nodes { get; }

        public static DaemonSetView Of(DaemonSetPlanInput input)
        {
            var spec = DaemonPods.WithDaemonTolerations(input.DaemonSet.Spec.Template.Spec);
            var fits = input.Nodes
                .Where(n => n.Metadata.Name is not null)
                .GroupBy(n => n.Metadata.Name!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => DaemonNodeFit.Of(spec, g.First()), StringComparer.Ordinal);
            var podsByNode = new Dictionary<string, List<Pod>>(StringComparer.Ordinal);
            // A finished pod already being deleted is no concern of the controller's any more (Kubernetes' getNodesToDaemonPods).
            foreach (var pod in input.Pods.Where(p => !(p.Status?.Phase is "Succeeded" or "Failed" && p.Metadata.DeletionTimestamp is not null)))
            {
                if (DaemonPods.TargetNode(pod) is not { } node) continue;
                if (!podsByNode.TryGetValue(node, out var list)) podsByNode[node] = list = [];
                list.Add(pod);
            }
            return new DaemonSetView(fits, podsByNode);
        }

        public DaemonNodeFit Fit(string node) => _fits.GetValueOrDefault(node);

        public IReadOnlyList<Pod> PodsOn(string node) => _podsByNode.GetValueOrDefault(node) ?? [];

        /// <summary>The nodes a rolling update looks at: those that should run the pod and those that have one.</summary>
        public IEnumerable<string> NodesWithPodsOrDesired =>
            Nodes.Where(n => Fit(n).ShouldRun || PodsOn(n).Count > 0)
                .Concat(_podsByNode.Keys.Where(n => !_fits.ContainsKey(n)).Order(StringComparer.Ordinal));

        /// <summary>The pods meant for or bound to a node that does not exist (any more).</summary>
        public IEnumerable<Pod> PodsOfMissingNodes =>
            _podsByNode.Where(p => !_fits.ContainsKey(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value);
    }
}
