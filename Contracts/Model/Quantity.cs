using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>
/// Kubernetes resource quantities ("250m", "1.5", "128Mi", "1e3"): parsing and the value they stand for.
/// CPU is in cores, memory in bytes.
/// </summary>
public static partial class Quantity
{
    [GeneratedRegex(@"^([+-]?[0-9.]+)(([eE][+-]?[0-9]+)|(m|k|M|G|T|P|E|n|u|Ki|Mi|Gi|Ti|Pi|Ei)?)$")]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text)) return false;
        var match = Pattern().Match(text);
        if (!match.Success || !decimal.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            return false;
        // A quantity beyond what a decimal holds is not one we can count with: refused like a malformed one, never thrown.
        try
        {
            if (match.Groups[3].Success)
            {
                if (!int.TryParse(match.Groups[3].Value[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent) || Math.Abs(exponent) > 18)
                    return false;
                value = number * (decimal)Math.Pow(10, exponent);
                return true;
            }
            value = number * Factor(match.Groups[4].Value);
            return true;
        }
        catch (OverflowException)
        {
            value = 0;
            return false;
        }
    }

    private static decimal Factor(string suffix) => suffix switch
    {
        "n" => 0.000000001m,
        "u" => 0.000001m,
        "m" => 0.001m,
        "k" => 1_000m,
        "M" => 1_000_000m,
        "G" => 1_000_000_000m,
        "T" => 1_000_000_000_000m,
        "P" => 1_000_000_000_000_000m,
        "E" => 1_000_000_000_000_000_000m,
        "Ki" => 1024m,
        "Mi" => 1024m * 1024,
        "Gi" => 1024m * 1024 * 1024,
        "Ti" => 1024m * 1024 * 1024 * 1024,
        "Pi" => 1024m * 1024 * 1024 * 1024 * 1024,
        "Ei" => 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
        _ => 1m,
    };

    public static decimal Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got \"{text}\")");

    /// <summary>Thousandths of the quantity, rounded up (how Kubernetes compares CPU).</summary>
    public static long MilliValue(string text) => (long)Math.Ceiling(Parse(text) * 1000);
}
