using System.Globalization;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Quotas;

/// <summary>
/// Quantities written back the way Kubernetes prints them: in the binary suffixes (<c>256Mi</c>) when the limit they
/// are compared with was written so, otherwise in the decimal ones (<c>1500m</c>, <c>2</c>, <c>1k</c>).
/// </summary>
public static class QuotaQuantities
{
    private static readonly (string Suffix, decimal Factor)[] Binary =
        [("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024), ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024), ("Gi", 1024m * 1024 * 1024), ("Mi", 1024m * 1024), ("Ki", 1024m)];

    private static readonly (string Suffix, decimal Factor)[] Decimal =
        [("E", 1e18m), ("P", 1e15m), ("T", 1e12m), ("G", 1e9m), ("M", 1e6m), ("k", 1e3m)];

    /// <summary>Whether a quantity was written in binary suffixes (<c>Ki</c> … <c>Ei</c>).</summary>
    public static bool IsBinary(string? text) => text is { Length: > 2 } && text[^1] == 'i';

    public static string Format(decimal value, bool binary)
    {
        if (value == 0) return "0";
        // Fractions of huge values would overflow when scaled to milli, micro or nano units below; their whole part says enough.
        if (Math.Abs(value) >= 1_000_000_000_000_000m) value = decimal.Ceiling(value);
        if (value == decimal.Truncate(value))
        {
            if (binary)
                foreach (var (suffix, factor) in Binary)
                    if (Math.Abs(value) >= factor && value % factor == 0) return Whole(value / factor) + suffix;
            foreach (var (suffix, factor) in Decimal)
                if (Math.Abs(value) >= factor && value % factor == 0) return Whole(value / factor) + suffix;
            return Whole(value);
        }
        var milli = value * 1000;
        if (milli == decimal.Truncate(milli)) return Whole(milli) + "m";
        var micro = value * 1_000_000;
        if (micro == decimal.Truncate(micro)) return Whole(micro) + "u";
        return Whole(decimal.Ceiling(value * 1_000_000_000)) + "n";
    }

    /// <summary>
    /// <paramref name="a"/> + <paramref name="b"/>, held at the largest (or smallest) decimal instead of overflowing:
    /// validation bounds each quantity, but objects stored before it and sums over many objects must not make a write fail.
    /// </summary>
    public static decimal Add(decimal a, decimal b)
    {
        try
        {
            return a + b;
        }
        catch (OverflowException)
        {
            return a > 0 ? decimal.MaxValue : decimal.MinValue;
        }
    }

    /// <summary><paramref name="a"/> / <paramref name="b"/> (b non-zero), held at the largest decimal instead of overflowing.</summary>
    public static decimal Ratio(decimal a, decimal b)
    {
        try
        {
            return a / b;
        }
        catch (OverflowException)
        {
            return a > 0 == b > 0 ? decimal.MaxValue : decimal.MinValue;
        }
    }

    public static decimal Parse(string? text) => Quantity.TryParse(text, out var value) ? value : 0;

    private static string Whole(decimal value) => decimal.Truncate(value).ToString(CultureInfo.InvariantCulture);
}
