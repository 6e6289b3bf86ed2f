using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Selection;

/// <summary>Parses the label- and field-selector strings of list/watch URLs, and converts <c>LabelSelector</c> objects.</summary>
public static class SelectorParser
{
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
            return new LabelRequirement(CheckKey(setMatch.Groups[1].Value, selector), op, values);
        }

        foreach (var (token, op) in new[] { ("!=", LabelOperator.NotEquals), ("==", LabelOperator.Equals), ("=", LabelOperator.Equals) })
        {
            var at = text.IndexOf(token, StringComparison.Ordinal);
            if (at < 0) continue;
            var key = CheckKey(text[..at].Trim(), selector);
            var value = text[(at + token.Length)..].Trim();
            return new LabelRequirement(key, op, [value]);
        }
        return new LabelRequirement(CheckKey(text, selector), LabelOperator.Exists, []);
    }

    private static string CheckKey(string key, string selector) =>
        key.Length == 0 || key.Any(char.IsWhiteSpace) || key.IndexOfAny(['(', ')', ',', '!', '=']) >= 0
            ? throw new FormatException($"unable to parse requirement: invalid label key \"{key}\" in selector \"{selector}\"")
            : key;

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
    public static IReadOnlyList<FieldRequirement> ParseFields(string? selector, ResourceKind kind)
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
            if (!FieldPaths.IsSupported(kind, field))
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
