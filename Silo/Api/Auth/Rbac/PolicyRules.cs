using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Api.Auth.Rbac;

/// <summary>
/// Kubernetes' matching of one rule against a request (<c>rbac/v1 evaluation_helpers.go</c>) and its coverage of
/// another rule (<c>registry/rbac/validation/policy_comparator.go</c>), which escalation prevention asks.
/// </summary>
public static class PolicyRules
{
    public const string All = "*";

    /// <summary>Whether <paramref name="rule"/> allows the request (a resource rule a resource request, a URL rule a URL request).</summary>
    public static bool Allows(PolicyRule rule, RequestAttributes request) =>
        request.IsResourceRequest
            ? VerbMatches(rule, request.Verb)
              && Has(rule.ApiGroups, request.ApiGroup, allowAll: true)
              && ResourceMatches(rule, request.CombinedResource, request.Subresource)
              && (rule.ResourceNames is not { Count: > 0 } names || names.Contains(request.Name))
            : VerbMatches(rule, request.Verb) && NonResourceUrlMatches(rule, request.Path!);

    private static bool VerbMatches(PolicyRule rule, string verb) => Has(rule.Verbs, verb, allowAll: true);

    /// <summary>ResourceMatches: <c>*</c>, the resource (with its subresource), or <c>*/subresource</c> for any resource's subresource.</summary>
    private static bool ResourceMatches(PolicyRule rule, string combined, string subresource)
    {
        foreach (var resource in rule.Resources ?? [])
        {
            if (resource == All || resource == combined) return true;
            if (subresource.Length > 0 && resource.Length == subresource.Length + 2 && resource.StartsWith("*/", StringComparison.Ordinal)
                && resource.EndsWith(subresource, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>NonResourceURLMatches: <c>*</c>, the path, or a prefix ending in <c>*</c>.</summary>
    private static bool NonResourceUrlMatches(PolicyRule rule, string path)
    {
        foreach (var url in rule.NonResourceURLs ?? [])
        {
            if (url == All || url == path) return true;
            if (url.EndsWith('*') && path.StartsWith(url[..^1], StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private static bool Has(IReadOnlyList<string>? values, string value, bool allowAll) =>
        values is not null && (values.Contains(value) || allowAll && values.Contains(All));

    /// <summary>
    /// The parts of <paramref name="wanted"/> that no rule of <paramref name="held"/> covers (Kubernetes' <c>Covers</c>):
    /// each wanted rule is broken into one rule per group, resource, verb and name (or URL and verb) first, so that
    /// two held rules may together cover one wanted rule. Empty when everything is held. Stops after
    /// <paramref name="limit"/> + 1 parts (so a caller can tell there were more than it shows): a refusal needs a few.
    /// </summary>
    public static IReadOnlyList<PolicyRule> Uncovered(IReadOnlyList<PolicyRule> held, IEnumerable<PolicyRule> wanted, int limit = int.MaxValue - 1)
    {
        var missing = new List<PolicyRule>();
        var seen = new HashSet<PolicyRule>(RuleComparer.Instance);
        foreach (var part in wanted.SelectMany(Breakdown))
        {
            if (!seen.Add(part) || held.Any(owner => Covers(owner, part))) continue;
            missing.Add(part);
            if (missing.Count > limit) break;
        }
        return missing;
    }

    /// <summary>
    /// BreakdownRule: the smallest rules that together grant what <paramref name="rule"/> grants. Repeated entries of a
    /// list are taken once, so a rule that repeats a verb a thousand times breaks into no more parts than one naming it once.
    /// </summary>
    public static IEnumerable<PolicyRule> Breakdown(PolicyRule rule)
    {
        var verbs = rule.Verbs.Distinct(StringComparer.Ordinal).ToList();
        var names = (rule.ResourceNames ?? []).Distinct(StringComparer.Ordinal).ToList();
        foreach (var group in (rule.ApiGroups ?? []).Distinct(StringComparer.Ordinal))
        foreach (var resource in (rule.Resources ?? []).Distinct(StringComparer.Ordinal))
        foreach (var verb in verbs)
        {
            if (names.Count > 0)
                foreach (var name in names)
                    yield return new PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = [verb], ResourceNames = [name] };
            else
                yield return new PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = [verb] };
        }
        foreach (var url in (rule.NonResourceURLs ?? []).Distinct(StringComparer.Ordinal))
        foreach (var verb in verbs)
            yield return new PolicyRule { NonResourceURLs = [url], Verbs = [verb] };
    }

    /// <summary>How many parts <see cref="Breakdown"/> makes of <paramref name="rule"/>, without making them.</summary>
    public static long BreakdownCount(PolicyRule rule)
    {
        static long Distinct(IReadOnlyList<string>? values) => (values ?? []).Distinct(StringComparer.Ordinal).LongCount();
        var verbs = Distinct(rule.Verbs);
        return Distinct(rule.ApiGroups) * Distinct(rule.Resources) * verbs * Math.Max(1, Distinct(rule.ResourceNames)) + Distinct(rule.NonResourceURLs) * verbs;
    }

    /// <summary>ruleCovers: whether <paramref name="owner"/> grants all of <paramref name="sub"/>.</summary>
    public static bool Covers(PolicyRule owner, PolicyRule sub)
    {
        var verbs = owner.Verbs.Contains(All) || sub.Verbs.All(owner.Verbs.Contains);
        var groups = owner.ApiGroups?.Contains(All) == true || (sub.ApiGroups ?? []).All(g => owner.ApiGroups?.Contains(g) == true);
        var resources = ResourcesCover(owner.Resources ?? [], sub.Resources ?? []);
        var urls = (sub.NonResourceURLs ?? []).All(url => (owner.NonResourceURLs ?? []).Any(o =>
            o == url || o.EndsWith('*') && url.StartsWith(o[..^1], StringComparison.Ordinal)));
        var names = sub.ResourceNames is not { Count: > 0 }
            ? owner.ResourceNames is not { Count: > 0 }
            : owner.ResourceNames is not { Count: > 0 } || sub.ResourceNames.All(owner.ResourceNames.Contains);
        return verbs && groups && resources && urls && names;
    }

    /// <summary>resourceCoversAll: <c>*</c>, each resource named, or a subresource covered by <c>*/subresource</c>.</summary>
    private static bool ResourcesCover(IReadOnlyList<string> owner, IReadOnlyList<string> wanted)
    {
        if (owner.Contains(All)) return true;
        foreach (var resource in wanted)
        {
            if (owner.Contains(resource)) continue;
            var slash = resource.IndexOf('/');
            if (slash < 0 || !owner.Contains("*/" + resource[(slash + 1)..])) return false;
        }
        return true;
    }

    /// <summary>
    /// Rules as Kubernetes prints them in an escalation refusal (<c>CompactString</c>):
    /// <c>{APIGroups:["apps"], Resources:["deployments"], Verbs:["create"]}</c>.
    /// </summary>
    public static string Compact(IEnumerable<PolicyRule> rules) =>
        string.Join("\n", rules.Select(rule =>
        {
            var parts = new List<string>();
            if (rule.ApiGroups is { Count: > 0 } g) parts.Add($"APIGroups:{GoList(g)}");
            if (rule.Resources is { Count: > 0 } r) parts.Add($"Resources:{GoList(r)}");
            if (rule.NonResourceURLs is { Count: > 0 } u) parts.Add($"NonResourceURLs:{GoList(u)}");
            if (rule.ResourceNames is { Count: > 0 } n) parts.Add($"ResourceNames:{GoList(n)}");
            parts.Add($"Verbs:{GoList(rule.Verbs)}");
            return "{" + string.Join(", ", parts) + "}";
        }));

    /// <summary>A list as Go's <c>%q</c> prints a string slice: <c>["a" "b"]</c>.</summary>
    public static string GoList(IEnumerable<string> values) => "[" + string.Join(" ", values.Select(Admission.Validation.Quote)) + "]";
}
