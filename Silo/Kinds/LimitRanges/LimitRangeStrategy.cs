using System.Globalization;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Quotas;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.LimitRanges;

/// <summary>
/// Core <c>v1</c> LimitRange: defaults and bounds for the containers and pods of a namespace, applied by the
/// LimitRange admission steps to every new pod (see docs/quotas.md).
/// </summary>
public static class LimitRangeStrategy
{
    private static readonly string[] Types = [LimitRanger.ContainerType, LimitRanger.PodType, LimitRanger.ClaimType];

    public static readonly KindStrategy<LimitRange> Strategy = new()
    {
        Identity = ResourceKinds.LimitRange,
        Defaults = DefaultItems,
        Validation = (range, errors) => Validate(range.Spec, errors),
        Table =
        [
            Name,
            Col<LimitRange>("Created At", (r, _) => r.Metadata.CreationTimestamp?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? ""),
        ],
        Fields = new Dictionary<string, Func<LimitRange, string>>(),
        Spec = new(r => r.Spec, TracksGeneration: false),
        Status = null,
        Scale = null,
        Owned = [],
        ControlLoop = null,
    };

    /// <summary>SetDefaults_LimitRangeItem: a Container item's default limit is its max, its default request the default limit, else the min.</summary>
    private static LimitRange DefaultItems(LimitRange range) => range with
    {
        Spec = range.Spec with
        {
            Limits = [.. range.Spec.Limits.Select(item =>
            {
                if (item.Type != LimitRanger.ContainerType) return item;
                var (limits, requests) = LimitRanger.Defaulted(item);
                return item with { Default = limits.Count > 0 ? limits : item.Default, DefaultRequest = requests.Count > 0 ? requests : item.DefaultRequest };
            })],
        },
    };

    /// <summary>Kubernetes' ValidateLimitRange: known types, valid quantities, min ≤ default request ≤ default ≤ max, ratios of at least 1.</summary>
    public static void Validate(LimitRangeSpec spec, List<FieldCause> errors)
    {
        for (var i = 0; i < spec.Limits.Count; i++)
        {
            var item = spec.Limits[i];
            var path = $"spec.limits[{i}]";
            if (!Types.Contains(item.Type)) errors.Add(NotSupported($"{path}.type", item.Type, Types));
            if (item.Type != LimitRanger.ContainerType)
            {
                if (item.Default is { Count: > 0 }) errors.Add(Forbidden($"{path}.default", $"may not be specified when `type` is '{item.Type}'"));
                if (item.DefaultRequest is { Count: > 0 }) errors.Add(Forbidden($"{path}.defaultRequest", $"may not be specified when `type` is '{item.Type}'"));
            }
            var min = Values(item.Min, $"{path}.min", errors);
            var max = Values(item.Max, $"{path}.max", errors);
            var defaults = Values(item.Default, $"{path}.default", errors);
            var defaultRequests = Values(item.DefaultRequest, $"{path}.defaultRequest", errors);
            var ratios = Values(item.MaxLimitRequestRatio, $"{path}.maxLimitRequestRatio", errors);
            foreach (var (name, low) in min)
                if (max.TryGetValue(name, out var high) && low.Value > high.Value)
                    errors.Add(InvalidValue($"{path}.min[{name}]", Quote(low.Text), $"min value {low.Text} is greater than max value {high.Text}"));
            foreach (var (name, request) in defaultRequests)
            {
                if (max.TryGetValue(name, out var high) && request.Value > high.Value)
                    errors.Add(InvalidValue($"{path}.defaultRequest[{name}]", Quote(request.Text), $"default request value {request.Text} is greater than max value {high.Text}"));
                if (min.TryGetValue(name, out var low) && low.Value > request.Value)
                    errors.Add(InvalidValue($"{path}.defaultRequest[{name}]", Quote(request.Text), $"min value {low.Text} is greater than default request value {request.Text}"));
                if (defaults.TryGetValue(name, out var limit) && request.Value > limit.Value)
                    errors.Add(InvalidValue($"{path}.defaultRequest[{name}]", Quote(request.Text), $"default request value {request.Text} is greater than default limit value {limit.Text}"));
            }
            foreach (var (name, limit) in defaults)
            {
                if (max.TryGetValue(name, out var high) && limit.Value > high.Value)
                    errors.Add(InvalidValue($"{path}.default[{name}]", Quote(limit.Text), $"default value {limit.Text} is greater than max value {high.Text}"));
                if (min.TryGetValue(name, out var low) && low.Value > limit.Value)
                    errors.Add(InvalidValue($"{path}.default[{name}]", Quote(limit.Text), $"min value {low.Text} is greater than default value {limit.Text}"));
            }
            foreach (var (name, ratio) in ratios)
                if (ratio.Value < 1)
                    errors.Add(InvalidValue($"{path}.maxLimitRequestRatio[{name}]", Quote(ratio.Text), $"ratio {ratio.Text} is less than 1"));
        }
    }

    private static Dictionary<string, (decimal Value, string Text)> Values(IReadOnlyDictionary<string, string>? values, string path, List<FieldCause> errors)
    {
        var parsed = new Dictionary<string, (decimal, string)>(StringComparer.Ordinal);
        foreach (var (name, text) in values ?? new Dictionary<string, string>())
        {
            if (NonNegativeQuantity(text, $"{path}[{name}]", errors) is { } value) parsed[name] = (value, text);
        }
        return parsed;
    }
}
