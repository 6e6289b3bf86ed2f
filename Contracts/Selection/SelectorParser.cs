using System.Text.RegularExpressions;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Selection;

/// <summary>Parses the label- and field-selector strings of list/watch URLs, and converts <c>LabelSelector</c> objects.</summary>
public static partial class SelectorParser
{
    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    /// <summary>Parses <c>a=b,c!=d,e in (f,g),h notin (i),j,!k</c>. Throws <see cref="FormatException"/> with a readable message.</summary>
    public static IReadOnlyList<LabelRequirement> ParseLabels(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) return [];
        var result = new List<LabelRequirement>();
        foreach (var clause in SplitTopLevel(selector))
        {
            var text = clause.Trim();
            if (text.Length == 0) throw new FormatException($"invalid label selector \"{selector}\": empty requirement");
            result.Add(ParseLabelClause(text, selector));
        }
        return result;
    }

    private static LabelRequirement ParseLabelClause(string text, string selector)
    {
        if (text.StartsWith('!'))
            return new LabelRequirement(CheckKey(text[1..].Trim(), selector), LabelOperator.DoesNotExist, []);

        var setMatch = System.Text.RegularExpressions.Regex.Match(text, @"^(\S+)\s+(in|notin)\s*\(([^)]*)\)$");
        if (setMatch.Success)
        {
            var values = setMatch.Groups[3].Value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
            var op = setMatch.Groups[2].Value == "in" ? LabelOperator.In : LabelOperator.NotIn;
            var setKey = CheckKey(setMatch.Groups[1].Value, selector);
            return new LabelRequirement(setKey, op, CheckValues(setKey, values, selector));
        }

        foreach (var (token, op) in new[] { ("!=", LabelOperator.NotEquals), ("==", LabelOperator.Equals), ("=", LabelOperator.Equals) })
        {
            var at = text.IndexOf(token, StringComparison.Ordinal);
            if (at < 0) continue;
            var key = CheckKey(text[..at].Trim(), selector);
            var value = text[(at + token.Length)..].Trim();
            return new LabelRequirement(key, op, CheckValues(key, [value], selector));
        }
        return new LabelRequirement(CheckKey(text, selector), LabelOperator.Exists, []);
    }

    private static string CheckKey(string key, string selector) =>
        key.Length == 0 || key.Any(char.IsWhiteSpace) || key.IndexOfAny(['(', ')', ',', '!', '=']) >= 0
            ? throw new FormatException($"unable to parse requirement: invalid label key \"{key}\" in selector \"{selector}\"")
            : key;

    /// <summary>
    /// Values must be valid label values, as Kubernetes checks them: a value no label can have is a mistake
    /// (a typo, a space, a path) to report with a 400, rather than a selector that silently matches nothing.
    /// </summary>
    private static List<string> CheckValues(string key, List<string> values, string selector)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var problem = values[i].Length > 63 ? "must be no more than 63 characters"
                : LabelValue().IsMatch(values[i]) ? null
                : "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
            if (problem is not null)
                throw new FormatException($"unable to parse requirement: values[{i}][{key}]: Invalid value: \"{values[i]}\": {problem} (in selector \"{selector}\")");
        }
        return values;
    }

    /// <summary>Splits on commas that are not inside a parenthesised value set.</summary>
    private static IEnumerable<string> SplitTopLevel(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            switch (selector[i])
            {
                case '(': depth++; break;
                case ')': depth--; break;
                case ',' when depth == 0:
                    yield return selector[start..i];
                    start = i + 1;
                    break;
            }
        }
        yield return selector[start..];
    }

    /// <summary>Parses <c>metadata.name=x,status.phase!=Failed</c>; rejects fields the kind does not support, as Kubernetes does.</summary>
    /// <param name="isSelectable">Whether the kind lets clients select on a field (its strategy in the silo says).</param>
    public static IReadOnlyList<FieldRequirement> ParseFields(string? selector, Func<string, bool> isSelectable)
    {
        if (string.IsNullOrWhiteSpace(selector)) return [];
        var result = new List<FieldRequirement>();
        foreach (var raw in selector.Split(','))
        {
            var text = raw.Trim();
            var (at, negated, length) = text.IndexOf("!=", StringComparison.Ordinal) is var ne and >= 0 ? (ne, true, 2)
                : text.IndexOf("==", StringComparison.Ordinal) is var eq2 and >= 0 ? (eq2, false, 2)
                : (text.IndexOf('='), false, 1);
            if (at <= 0) throw new FormatException($"invalid selector: '{selector}'; can't understand '{text}'");
            var field = text[..at].Trim();
            if (!isSelectable(field))
                throw new FormatException($"\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
            result.Add(new FieldRequirement(field, negated, text[(at + length)..].Trim()));
        }
        return result;
    }

    /// <summary>The requirements of a <c>metav1.LabelSelector</c> (matchLabels and matchExpressions are ANDed).</summary>
    public static IReadOnlyList<LabelRequirement> FromLabelSelector(LabelSelector? selector)
    {
        if (selector is null) return [];
        var result = new List<LabelRequirement>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
            result.Add(new LabelRequirement(key, LabelOperator.Equals, [value]));
        foreach (var expression in selector.MatchExpressions ?? [])
        {
            var op = expression.Operator switch
            {
                "In" => LabelOperator.In,
                "NotIn" => LabelOperator.NotIn,
                "Exists" => LabelOperator.Exists,
                "DoesNotExist" => LabelOperator.DoesNotExist,
                _ => throw new FormatException($"\"{expression.Operator}\" is not a valid label selector operator"),
            };
            result.Add(new LabelRequirement(expression.Key, op, expression.Values ?? []));
        }
        return result;
    }

    /// <summary>The string form kubectl shows and sends (<c>app=web,tier in (a,b)</c>).</summary>
    public static string Format(IEnumerable<LabelRequirement> requirements) =>
        string.Join(",", requirements.Select(r => r.Operator switch
        {
            LabelOperator.Equals => $"{r.Key}={r.Values[0]}",
            LabelOperator.NotEquals => $"{r.Key}!={r.Values[0]}",
            LabelOperator.In => $"{r.Key} in ({string.Join(",", r.Values)})",
            LabelOperator.NotIn => $"{r.Key} notin ({string.Join(",", r.Values)})",
            LabelOperator.Exists => r.Key,
            _ => $"!{r.Key}",
        }));
}
