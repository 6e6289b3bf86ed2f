namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>Percentiles of a sample, by the nearest-rank method on a sorted copy.</summary>
public sealed class Stats
{
    private readonly double[] _sorted;

    public Stats(IEnumerable<double> samples)
    {
        _sorted = samples.ToArray();
        Array.Sort(_sorted);
    }

    /// <summary>The median of some values, e.g. of several runs' results.</summary>
    public static double Median(IEnumerable<double> values) => new Stats(values).P50;

    public int Count => _sorted.Length;
    public double P50 => Percentile(50);
    public double P90 => Percentile(90);
    public double P99 => Percentile(99);
    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];
    public double Mean => _sorted.Length == 0 ? double.NaN : _sorted.Average();

    public double Percentile(double p)
    {
        if (_sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
    }
}
