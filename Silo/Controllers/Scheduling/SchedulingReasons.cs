namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>
/// The words the Kubernetes 1.31 scheduler prints, so that <c>kubectl describe pod</c> reads the same here
/// (pkg/scheduler/framework/plugins/* and framework/types.go, preemption/preemption.go).
/// </summary>
public static class SchedulingReasons
{
    public const string Unschedulable = "node(s) were unschedulable";
    public const string NodeAffinity = "node(s) didn't match Pod's node affinity/selector";
    public const string NodeAffinityConflict = "pod affinity terms conflict";
    public const string FilteredByPreFilter = "node is filtered out by the prefilter result";
    public const string NodePorts = "node(s) didn't have free ports for the requested pod ports";
    public const string TooManyPods = "Too many pods";
    public const string InsufficientCpu = "Insufficient cpu";
    public const string InsufficientMemory = "Insufficient memory";
    public const string NoNodes = "no nodes available to schedule pods";

    public const string PreemptionNotHelpful = "Preemption is not helpful for scheduling";
    public const string NoPreemptionVictims = "No preemption victims found for incoming pod";
    public const string PreemptionNever = "not eligible due to preemptionPolicy=Never.";

    public static string UntoleratedTaint(string key, string? value) => $"node(s) had untolerated taint {{{key}: {value}}}";

    /// <summary>
    /// Kubernetes' <c>FitError.Error()</c> (1.28 and later): "0/N nodes are available:", then either the
    /// pre-filter message or each reason counted over the nodes as "count reason", sorted as plain strings
    /// (so "10 …" sorts before "2 …", as Go's sort.Strings does), followed by a full stop; then the post-filter
    /// (preemption) message, which brings its own full stop.
    /// </summary>
    public static string NoFit(int nodeCount, IEnumerable<IReadOnlyList<string>> nodeReasons, string? preFilterMessage = null, string? postFilterMessage = null)
    {
        var message = $"0/{nodeCount} nodes are available:";
        if (!string.IsNullOrEmpty(preFilterMessage))
        {
            message += $" {preFilterMessage}.";
        }
        else
        {
            var histogram = nodeReasons.SelectMany(r => r)
                .GroupBy(r => r, StringComparer.Ordinal)
                .Select(g => $"{g.Count()} {g.Key}")
                .Order(StringComparer.Ordinal)
                .ToList();
            if (histogram.Count > 0) message += $" {string.Join(", ", histogram)}.";
        }
        if (!string.IsNullOrEmpty(postFilterMessage)) message += $" {postFilterMessage}";
        return message;
    }
}
