using System.Globalization;
using System.Text;

namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>The end of a scenario: a markdown table and a verdict per target, ready for docs/benchmarks.md.</summary>
public sealed class Report(params string[] columns)
{
    private readonly List<string[]> _rows = new();
    private readonly List<string> _targets = new();
    private readonly List<string> _notes = new();

    public void Row(params object[] cells) => _rows.Add(cells.Select(Format).ToArray());

    /// <summary>Records a target and whether this run met it.</summary>
    public void Target(string target, bool met, string measured) =>
        _targets.Add($"- {target}: measured {measured} — **{(met ? "met" : "not met")}**");

    /// <summary>Records a target this run could not decide (e.g. the size was not reached).</summary>
    public void Undecided(string target, string measured) =>
        _targets.Add($"- {target}: {measured} — **not measured**");

    public void Note(string note) => _notes.Add(note);

    public static string Ms(double ms) => double.IsNaN(ms) ? "—" : ms >= 100 ? ms.ToString("F0", CultureInfo.InvariantCulture) : ms.ToString("F1", CultureInfo.InvariantCulture);

    private static string Format(object cell) => cell switch
    {
        double d when double.IsNaN(d) => "—",
        double d => d.ToString(Math.Abs(d) >= 100 ? "N0" : "F2", CultureInfo.InvariantCulture),
        int i => i.ToString("N0", CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    public void Print()
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"| {string.Join(" | ", columns)} |");
        text.AppendLine($"|{string.Concat(columns.Select(_ => "---|"))}");
        foreach (var row in _rows) text.AppendLine($"| {string.Join(" | ", row)} |");
        if (_targets.Count > 0)
        {
            text.AppendLine();
            foreach (var t in _targets) text.AppendLine(t);
        }
        if (_notes.Count > 0)
        {
            text.AppendLine();
            foreach (var n in _notes) text.AppendLine(n);
        }
        Console.Write(text.ToString());
    }
}
