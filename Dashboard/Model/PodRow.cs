using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Presentation;
using OrleansOrchestrator.Contracts.Selection;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>A pod as the pods grid shows it, with the same READY, STATUS and RESTARTS as <c>kubectl get pods</c>.</summary>
public sealed record PodRow(
    string Namespace, string Name, string Status, Tone Tone, string Ready, int Restarts, string Node,
    DateTimeOffset? Created, string Owner, IReadOnlyDictionary<string, string> Labels, Pod Pod)
{
    public static PodRow From(Pod pod)
    {
        var summary = PodStatusText.Summarize(pod);
        var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        return new PodRow(pod.Metadata.Namespace ?? "", pod.Metadata.Name ?? "", summary.Status, StatusTone.OfPodStatus(summary.Status),
            $"{summary.ReadyContainers}/{summary.TotalContainers}", summary.Restarts, pod.Spec.NodeName ?? "",
            pod.Metadata.CreationTimestamp, owner is null ? "" : $"{owner.Kind}/{owner.Name}",
            pod.Metadata.Labels ?? new Dictionary<string, string>(), pod);
    }

    public string LabelText => string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}

/// <summary>
/// The pods grid's filter: a namespace, a label selector in kubectl's syntax (<c>app=web,tier!=db</c>) and free
/// text matched against name, status, node and labels.
/// </summary>
public sealed record PodFilter(string? Namespace = null, string? LabelSelector = null, string? Text = null)
{
    /// <summary>Null when the label selector is valid; otherwise why not, to show under the field.</summary>
    public string? SelectorError
    {
        get
        {
            try { SelectorParser.ParseLabels(LabelSelector); return null; }
            catch (FormatException e) { return e.Message; }
        }
    }

    public IEnumerable<PodRow> Apply(IEnumerable<PodRow> rows)
    {
        var requirements = SelectorError is null ? SelectorParser.ParseLabels(LabelSelector) : [];

        foreach (var row in rows)
        {
            if (Namespace is { Length: > 0 } && row.Namespace != Namespace) continue;
            if (!requirements.All(r => r.Matches(row.Pod.Metadata.Labels))) continue;
            if (Text is { Length: > 0 } text && !Contains(row.Name, text) && !Contains(row.Status, text) && !Contains(row.Node, text) && !Contains(row.LabelText, text)) continue;
            yield return row;
        }
    }

    private static bool Contains(string haystack, string needle) => haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);
}
