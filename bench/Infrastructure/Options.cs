using System.Globalization;

namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>A scenario's <c>--name value</c> and <c>--flag</c> options; unknown ones are an error.</summary>
public sealed class Options
{
    private readonly List<string> _args;
    private readonly HashSet<string> _used = new();

    public Options(IEnumerable<string> args) => _args = args.ToList();

    public int Int(string name, int fallback) =>
        Value(name) is { } v ? int.Parse(v, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : fallback;

    public IReadOnlyList<int> Ints(string name, params int[] fallback) =>
        Value(name) is { } v ? v.Split(',').Select(s => int.Parse(s, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToList() : fallback;

    public string? String(string name) => Value(name);

    public bool Flag(string name)
    {
        _used.Add(name);
        return _args.Contains(name);
    }

    private string? Value(string name)
    {
        _used.Add(name);
        var at = _args.IndexOf(name);
        if (at < 0) return null;
        if (at + 1 >= _args.Count) throw new ArgumentException($"{name} needs a value");
        return _args[at + 1];
    }

    /// <summary>Throws if an option was given that the scenario did not read.</summary>
    public void CheckAllKnown()
    {
        for (var i = 0; i < _args.Count; i++)
        {
            if (!_used.Contains(_args[i])) throw new ArgumentException($"unknown option {_args[i]}");
            if (i + 1 < _args.Count && !_args[i + 1].StartsWith("--", StringComparison.Ordinal)) i++;
        }
    }
}
