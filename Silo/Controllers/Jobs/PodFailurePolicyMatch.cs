using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Jobs;

/// <summary>What a job's pod failure policy makes of one failed pod.</summary>
/// <param name="FailJobMessage">Set when a <c>FailJob</c> rule matched: the reason the job fails, in Kubernetes' words.</param>
/// <param name="CountsAsFailure">Whether the failure counts towards <c>backoffLimit</c> (not for <c>Ignore</c>).</param>
/// <param name="Action">The matching rule's action, or null when no rule matched (the failure counts).</param>
public sealed record PodFailurePolicyMatch(string? FailJobMessage, bool CountsAsFailure, string? Action)
{
    private static readonly PodFailurePolicyMatch NoRule = new(null, true, null);

    /// <summary>Kubernetes' matchPodFailurePolicy: the first rule, in order, whose exit codes or pod conditions match.</summary>
    public static PodFailurePolicyMatch For(JobPodFailurePolicy? policy, Pod pod)
    {
        if (policy is null) return NoRule;
        for (var index = 0; index < policy.Rules.Count; index++)
        {
            var rule = policy.Rules[index];
            string? failJob = null;
            if (rule.OnExitCodes is { } codes)
            {
                if (MatchingContainer(pod, codes) is not { } container) continue;
                failJob = $"Container {container.Name} for pod {pod.Metadata.Namespace}/{pod.Metadata.Name} failed with exit code {container.State!.Terminated!.ExitCode} matching {rule.Action} rule at index {index}";
            }
            else if (rule.OnPodConditions is { } patterns)
            {
                if (MatchingCondition(pod, patterns) is not { } condition) continue;
                failJob = $"Pod {pod.Metadata.Namespace}/{pod.Metadata.Name} has condition {condition.Type} matching {rule.Action} rule at index {index}";
            }
            else
            {
                continue;
            }
            return rule.Action switch
            {
                "Ignore" => new(null, false, "Ignore"),
                "FailJob" => new(failJob, true, "FailJob"),
                var action => new(null, true, action), // Count, FailIndex
            };
        }
        return NoRule;
    }

    /// <summary>A container (app containers first, then init containers) that ended with a non-zero code the rule names.</summary>
    private static ContainerStatus? MatchingContainer(Pod pod, JobPodFailurePolicyOnExitCodes codes) =>
        (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? []).FirstOrDefault(c =>
            c.State?.Terminated is { ExitCode: not 0 } terminated
            && (string.IsNullOrEmpty(codes.ContainerName) || codes.ContainerName == c.Name)
            && codes.Values.Contains(terminated.ExitCode) == (codes.Operator == "In"));

    private static Condition? MatchingCondition(Pod pod, IReadOnlyList<JobPodFailurePolicyOnPodCondition> patterns) =>
        patterns.Select(p => pod.Status?.Conditions?.FirstOrDefault(c => c.Type == p.Type && c.Status == (p.Status ?? "True")))
            .FirstOrDefault(c => c is not null);
}
