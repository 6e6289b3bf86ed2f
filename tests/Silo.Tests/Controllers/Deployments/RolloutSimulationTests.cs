using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Deployments;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Deployments;

/// <summary>
/// Whole rolling updates, pass after pass, against a simulated ReplicaSet controller (pods appear at once, become
/// available after a pass, unavailable ones are deleted first), with random sizes and fenceposts from fixed seeds.
/// </summary>
public class RolloutSimulationTests
{
    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 60));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Plan_RollingUpdate_KeepsFencepostsAtEveryStepAndConverges(int seed)
    {
        var random = new Random(seed);
        var cluster = Cluster.Random(random, extraReadyDelay: _ => 0);

        cluster.RollOut(random, checkAvailability: true);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Plan_RollingUpdateWithSlowPods_KeepsFencepostsAtEveryStepAndConverges(int seed)
    {
        var random = new Random(seed);
        var cluster = Cluster.Random(random, extraReadyDelay: r => r.Next(0, 4));

        cluster.RollOut(random, checkAvailability: true);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Plan_ResizedDuringRollingUpdate_StaysUnderTheNewMaximumAndConverges(int seed)
    {
        var random = new Random(seed);
        var cluster = Cluster.Random(random, extraReadyDelay: r => r.Next(0, 2));

        cluster.RollOut(random, checkAvailability: false, resizeAtPass: random.Next(0, 6));
    }

    private sealed class SimulatedReplicaSet(string name, long revision, DateTimeOffset created)
    {
        /// <summary>The pass at which each pod becomes available.</summary>
        private readonly List<int> pods = [];

        public string Name { get; } = name;
        public int Spec { get; set; }
        public int? DesiredAnnotation { get; set; }
        public int? MaxAnnotation { get; set; }
        public int Pods => pods.Count;

        public int Available(int pass) => pods.Count(readyAt => readyAt <= pass);

        /// <summary>What the ReplicaSet controller does: make missing pods, delete surplus ones, not-yet-available (newest) first.</summary>
        public void Reconcile(int pass, Func<int> extraReadyDelay)
        {
            while (pods.Count < Spec) pods.Add(pass + 1 + extraReadyDelay());
            pods.Sort();
            while (pods.Count > Spec) pods.RemoveAt(pods.Count - 1);
        }

        public ReplicaSetState State(int pass) => new(Name, Spec, Pods, Available(pass), revision, created)
        {
            DesiredReplicasAnnotation = DesiredAnnotation,
            MaxReplicasAnnotation = MaxAnnotation,
        };
    }

    private sealed class Cluster
    {
        private readonly Func<int> extraReadyDelay;
        private readonly List<SimulatedReplicaSet> old = [];
        private SimulatedReplicaSet? current;
        private int desired;
        private IntOrString maxSurge;
        private IntOrString maxUnavailable;
        private string description = "";

        private Cluster(Func<int> extraReadyDelay) => this.extraReadyDelay = extraReadyDelay;

        public static Cluster Random(Random random, Func<Random, int> extraReadyDelay)
        {
            var cluster = new Cluster(() => extraReadyDelay(random))
            {
                desired = random.Next(1, 16),
                maxSurge = Fencepost(random),
                maxUnavailable = Fencepost(random),
            };

            // The previous rollout finished: one ReplicaSet with every pod available.
            var previous = new SimulatedReplicaSet("web-old", 1, Rs.Old)
            {
                Spec = cluster.desired,
                DesiredAnnotation = cluster.desired,
                MaxAnnotation = cluster.desired + RolloutMath.MaxSurge("RollingUpdate", cluster.maxSurge, cluster.maxUnavailable, cluster.desired),
            };
            previous.Reconcile(-1, () => 0);
            cluster.old.Add(previous);
            cluster.Describe();
            return cluster;
        }

        private static IntOrString Fencepost(Random random) => random.Next(3) switch
        {
            0 => random.Next(0, 4),
            1 => $"{random.Next(0, 11) * 10}%",
            _ => $"{random.Next(0, 101)}%",
        };

        private void Describe() => description = $"desired {desired}, maxSurge {maxSurge}, maxUnavailable {maxUnavailable}";

        public void RollOut(Random random, bool checkAvailability, int? resizeAtPass = null)
        {
            var pass = 0;
            for (; pass < 40 * (desired + 5); pass++)
            {
                if (pass == resizeAtPass)
                {
                    desired = random.Next(0, 16);
                    Describe();
                }

                var input = new RolloutInput
                {
                    Replicas = desired,
                    MaxSurge = maxSurge,
                    MaxUnavailable = maxUnavailable,
                    NewReplicaSet = current?.State(pass),
                    NewReplicaSetName = "web-new",
                    OldReplicaSets = old.Select(rs => rs.State(pass)).ToList(),
                };
                var step = RolloutPlanner.Plan(input);
                if (resizeAtPass is null) Assert.Equal(RolloutPath.RollingUpdate, step.Path);
                if (step.IsEmpty && Converged(pass)) break;

                Apply(step);
                var (surge, _) = RolloutMath.ResolveFenceposts(maxSurge, maxUnavailable, desired);
                var total = old.Append(current).OfType<SimulatedReplicaSet>().Sum(rs => rs.Spec);
                Assert.True(total <= desired + surge, $"{description}, pass {pass}: {total} replicas > {desired} + {surge} ({step.Reason})");

                foreach (var rs in old.Append(current).OfType<SimulatedReplicaSet>()) rs.Reconcile(pass, extraReadyDelay);
                var available = old.Append(current).OfType<SimulatedReplicaSet>().Sum(rs => rs.Available(pass));
                var minAvailable = RolloutMath.MinAvailable("RollingUpdate", maxSurge, maxUnavailable, desired);
                if (checkAvailability)
                    Assert.True(available >= minAvailable, $"{description}, pass {pass}: {available} available < {minAvailable} ({step.Reason})");
            }

            Assert.True(Converged(pass), $"{description}: not converged after {pass} passes");
        }

        private bool Converged(int pass) =>
            current is not null
            && current.Spec == desired && current.Available(pass) == desired
            && old.All(rs => rs.Spec == 0 && rs.Pods == 0);

        private void Apply(RolloutStep step)
        {
            if (step.CreateNewReplicaSet)
            {
                Assert.Null(current);
                current = new SimulatedReplicaSet(step.NewReplicaSetName!, 2, Rs.New) { Spec = step.NewReplicaSetReplicas };
                Annotate(current, step);
            }

            foreach (var rs in old.Append(current).OfType<SimulatedReplicaSet>())
            {
                if (step.Scale.TryGetValue(rs.Name, out var replicas)) rs.Spec = replicas;
                if (step.Scale.ContainsKey(rs.Name) || step.AnnotateOnly.Contains(rs.Name)) Annotate(rs, step);
            }
        }

        private static void Annotate(SimulatedReplicaSet rs, RolloutStep step)
        {
            rs.DesiredAnnotation = step.DesiredReplicasAnnotation;
            rs.MaxAnnotation = step.MaxReplicasAnnotation;
        }
    }
}
