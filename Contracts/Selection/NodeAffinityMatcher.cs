using System.Globalization;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Selection;

/// <summary>
/// <c>spec.nodeSelector</c> and node affinity against a node, as Kubernetes' component-helpers
/// <c>nodeaffinity</c> package matches them: the scheduler places pods with it, and a node's agent checks a
/// PersistentVolume's node affinity with it before mounting the volume.
/// </summary>
public static class NodeAffinityMatcher
{
    /// <summary>The one field a node selector term may select on.</summary>
    public const string NameField = "metadata.name";

    /// <summary>
    /// Whether the node satisfies the pod's hard placement rules: every <c>nodeSelector</c> label, and (when
    /// required node affinity is set) at least one of its terms.
    /// </summary>
    public static bool MatchesRequired(PodSpec spec, Node node)
    {
        var labels = node.Metadata.Labels;
        if (spec.NodeSelector is { } selector)
            foreach (var (key, value) in selector)
                if (labels is null || !labels.TryGetValue(key, out var actual) || actual != value) return false;

        var required = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        return required is null || required.NodeSelectorTerms.Any(term => Matches(term, node));
    }

    /// <summary>
    /// One term: all its expressions and fields must hold. A term with neither matches no node, and so does
    /// a malformed one (an unknown operator, or values the operator does not take).
    /// </summary>
    public static bool Matches(NodeSelectorTerm term, Node node)
    {
        var expressions = term.MatchExpressions ?? [];
        var fields = term.MatchFields ?? [];
        if (expressions.Count == 0 && fields.Count == 0) return false;
        if (!expressions.All(IsWellFormedLabelRequirement) || !fields.All(IsWellFormedFieldRequirement)) return false;
        return expressions.All(e => MatchesLabels(e, node.Metadata.Labels)) && fields.All(f => MatchesFields(f, node));
    }

    /// <summary>The sum of the weights of the preferred terms the node matches (the NodeAffinity score before normalising).</summary>
    public static long PreferredWeight(PodSpec spec, Node node) =>
        spec.Affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution?
            .Where(t => t.Weight != 0 && Matches(t.Preference, node))
            .Sum(t => (long)t.Weight) ?? 0;

    public static bool HasPreferences(PodSpec spec) =>
        spec.Affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution is { Count: > 0 };

    /// <summary>
    /// The node names the required affinity pins the pod to through <c>matchFields metadata.name In</c> (how
    /// DaemonSet pods are placed): null when some term does not pin names (any node may do), an empty set when
    /// the terms contradict each other. Kubernetes' NodeAffinity PreFilter.
    /// </summary>
    public static IReadOnlySet<string>? PinnedNodeNames(PodSpec spec)
    {
        var terms = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        if (terms is null || terms.Count == 0) return null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            HashSet<string>? termNames = null;
            foreach (var field in term.MatchFields ?? [])
            {
                if (field.Key != NameField || field.Operator != "In") continue;
                var values = new HashSet<string>(field.Values ?? [], StringComparer.Ordinal);
                if (termNames is null) termNames = values;
                else termNames.IntersectWith(values);
            }
            if (termNames is null) return null;
            names.UnionWith(termNames);
        }
        return names;
    }

    private static bool IsWellFormedLabelRequirement(LabelSelectorRequirement r) => r.Operator switch
    {
        "In" or "NotIn" => r.Values is { Count: > 0 },
        "Exists" or "DoesNotExist" => r.Values is null or { Count: 0 },
        "Gt" or "Lt" => r.Values is { Count: 1 } && long.TryParse(r.Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        _ => false,
    };

    private static bool IsWellFormedFieldRequirement(LabelSelectorRequirement r) =>
        r.Operator is "In" or "NotIn" && r.Values is { Count: 1 };

    private static bool MatchesLabels(LabelSelectorRequirement r, IReadOnlyDictionary<string, string>? labels)
    {
        string? value = null;
        var present = labels is not null && labels.TryGetValue(r.Key, out value);
        var values = r.Values ?? [];
        return r.Operator switch
        {
            "In" => present && values.Contains(value!),
            "NotIn" => !present || !values.Contains(value!),
            "Exists" => present,
            "DoesNotExist" => !present,
            "Gt" => present && TryInteger(value, out var actual) && actual > long.Parse(values[0], CultureInfo.InvariantCulture),
            "Lt" => present && TryInteger(value, out var actual) && actual < long.Parse(values[0], CultureInfo.InvariantCulture),
            _ => false,
        };
    }

    /// <summary>A node's only selectable field is its name; any other key reads as "".</summary>
    private static bool MatchesFields(LabelSelectorRequirement r, Node node)
    {
        var actual = r.Key == NameField ? node.Metadata.Name ?? "" : "";
        return r.Operator == "In" ? actual == r.Values![0] : actual != r.Values![0];
    }

    private static bool TryInteger(string? text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
