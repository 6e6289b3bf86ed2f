using System.Globalization;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Quotas;

/// <summary>
/// Kubernetes' LimitRanger for pods: the defaults a namespace's LimitRanges give containers without requests or
/// limits, and the bounds (<c>min</c>, <c>max</c>, <c>maxLimitRequestRatio</c>) per Container and per Pod, with
/// Kubernetes' messages. Pure; the admission steps read the LimitRanges.
/// </summary>
public static class LimitRanger
{
    public const string ContainerType = "Container";
    public const string PodType = "Pod";
    public const string ClaimType = "PersistentVolumeClaim";

    /// <summary>The annotation naming what the defaults set, as Kubernetes writes it.</summary>
    public const string Annotation = "kubernetes.io/limit-ranger";

    /// <summary>
    /// The pod with each container's missing limits and requests taken from the Container items' <c>default</c> and
    /// <c>defaultRequest</c> (the first LimitRange that gives a value wins). A limit with no request also requests the
    /// limit, as Kubernetes' pod defaults do before LimitRanger runs.
    /// </summary>
    public static Pod ApplyDefaults(Pod pod, IReadOnlyList<LimitRange> ranges)
    {
        var items = ranges.OrderBy(r => r.Metadata.Name, StringComparer.Ordinal)
            .SelectMany(r => r.Spec.Limits).Where(i => i.Type == ContainerType).ToList();
        if (items.Count == 0) return pod;
        var notes = new List<string>();
        Container Fill(Container container, string what)
        {
            var limits = new Dictionary<string, string>(container.Resources?.Limits ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            var requests = new Dictionary<string, string>(QuotaUsage.EffectiveRequests(container.Resources), StringComparer.Ordinal);
            var setLimits = new SortedSet<string>(StringComparer.Ordinal);
            var setRequests = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                var (defaultLimits, defaultRequests) = Defaulted(item);
                foreach (var (name, value) in defaultLimits)
                    if (limits.TryAdd(name, value)) setLimits.Add(name);
                foreach (var (name, value) in defaultRequests)
                    if (requests.TryAdd(name, value)) setRequests.Add(name);
            }
            if (setRequests.Count > 0) notes.Add($"{string.Join(", ", setRequests)} request for {what} {container.Name}");
            if (setLimits.Count > 0) notes.Add($"{string.Join(", ", setLimits)} limit for {what} {container.Name}");
            if (setLimits.Count == 0 && setRequests.Count == 0 && requests.Count == (container.Resources?.Requests?.Count ?? 0)) return container;
            return container with
            {
                Resources = new ResourceRequirements { Limits = limits.Count > 0 ? limits : null, Requests = requests.Count > 0 ? requests : null },
            };
        }
        var spec = pod.Spec with
        {
            Containers = [.. pod.Spec.Containers.Select(c => Fill(c, "container"))],
            InitContainers = pod.Spec.InitContainers is { } init ? [.. init.Select(c => Fill(c, "init container"))] : null,
        };
        var annotations = new Dictionary<string, string>(pod.Metadata.Annotations ?? new Dictionary<string, string>());
        if (notes.Count > 0) annotations[Annotation] = "LimitRanger plugin set: " + string.Join("; ", notes);
        return pod with
        {
            Spec = spec,
            Metadata = notes.Count > 0 ? pod.Metadata with { Annotations = annotations } : pod.Metadata,
        };
    }

    /// <summary>Kubernetes' defaults of a Container item: the default limit is the max, the default request the default limit, else the min.</summary>
    public static (IReadOnlyDictionary<string, string> Limits, IReadOnlyDictionary<string, string> Requests) Defaulted(LimitRangeItem item)
    {
        var limits = new Dictionary<string, string>(item.Default ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (name, value) in item.Max ?? new Dictionary<string, string>()) limits.TryAdd(name, value);
        var requests = new Dictionary<string, string>(item.DefaultRequest ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (name, value) in limits) requests.TryAdd(name, value);
        foreach (var (name, value) in item.Min ?? new Dictionary<string, string>()) requests.TryAdd(name, value);
        return (limits, requests);
    }

    /// <summary>Every way the pod breaks a bound of the LimitRanges, in Kubernetes' words (empty: none).</summary>
    public static IReadOnlyList<string> Violations(Pod pod, IReadOnlyList<LimitRange> ranges)
    {
        var problems = new List<string>();
        foreach (var item in ranges.OrderBy(r => r.Metadata.Name, StringComparer.Ordinal).SelectMany(r => r.Spec.Limits))
        {
            if (item.Type == ContainerType)
                foreach (var container in pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []))
                    Check(item, ContainerType, Texts(QuotaUsage.EffectiveRequests(container.Resources)), Texts(container.Resources?.Limits), problems);
            else if (item.Type == PodType)
                Check(item, PodType, Printed(QuotaUsage.PodRequests(pod.Spec)), Printed(QuotaUsage.PodLimits(pod.Spec)), problems);
        }
        return problems;
    }

    /// <summary>Kubernetes' aggregate of several errors: one as it is, more in brackets.</summary>
    public static string Aggregate(IReadOnlyList<string> problems) =>
        problems.Count == 1 ? problems[0] : "[" + string.Join(", ", problems) + "]";

    private static void Check(LimitRangeItem item, string type, IReadOnlyDictionary<string, (decimal Value, string Text)> requests,
        IReadOnlyDictionary<string, (decimal Value, string Text)> limits, List<string> problems)
    {
        foreach (var (name, text) in Sorted(item.Min))
        {
            var min = QuotaQuantities.Parse(text);
            if (!requests.TryGetValue(name, out var request)) problems.Add($"minimum {name} usage per {type} is {text}.  No request is specified");
            else if (request.Value < min) problems.Add($"minimum {name} usage per {type} is {text}, but request is {request.Text}");
            else if (limits.TryGetValue(name, out var limit) && limit.Value < min) problems.Add($"minimum {name} usage per {type} is {text}, but limit is {limit.Text}");
        }
        foreach (var (name, text) in Sorted(item.Max))
        {
            var max = QuotaQuantities.Parse(text);
            if (!limits.TryGetValue(name, out var limit)) problems.Add($"maximum {name} usage per {type} is {text}.  No limit is specified");
            else if (limit.Value > max) problems.Add($"maximum {name} usage per {type} is {text}, but limit is {limit.Text}");
            else if (requests.TryGetValue(name, out var request) && request.Value > max) problems.Add($"maximum {name} usage per {type} is {text}, but request is {request.Text}");
        }
        foreach (var (name, text) in Sorted(item.MaxLimitRequestRatio))
        {
            var hasRequest = requests.TryGetValue(name, out var request) && request.Value != 0;
            var hasLimit = limits.TryGetValue(name, out var limit) && limit.Value != 0;
            if (!hasRequest) problems.Add($"{name} max limit to request ratio per {type} is {text}, but no request is specified or request is 0");
            else if (!hasLimit) problems.Add($"{name} max limit to request ratio per {type} is {text}, but no limit is specified or limit is 0");
            else if (QuotaQuantities.Ratio(limit.Value, request.Value) is var ratio && ratio > QuotaQuantities.Parse(text))
                problems.Add($"{name} max limit to request ratio per {type} is {text}, but provided ratio is {ratio.ToString("F6", CultureInfo.InvariantCulture)}");
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Sorted(IReadOnlyDictionary<string, string>? values) =>
        (values ?? new Dictionary<string, string>()).OrderBy(v => v.Key, StringComparer.Ordinal);

    private static Dictionary<string, (decimal, string)> Texts(IReadOnlyDictionary<string, string>? values) =>
        (values ?? new Dictionary<string, string>()).Where(v => Quantity.TryParse(v.Value, out _))
        .ToDictionary(v => v.Key, v => (QuotaQuantities.Parse(v.Value), v.Value), StringComparer.Ordinal);

    private static Dictionary<string, (decimal, string)> Printed(IReadOnlyDictionary<string, decimal> values) =>
        values.ToDictionary(v => v.Key, v => (v.Value, QuotaQuantities.Format(v.Value, binary: v.Key != "cpu")), StringComparer.Ordinal);
}
