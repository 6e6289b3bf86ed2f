using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansOrchestrator.Agents.Hosting;

/// <summary>
/// The names of simulated nodes: <c>PREFIX-0000</c>, <c>PREFIX-0001</c>, … Each is also the node's
/// <c>kubernetes.io/hostname</c> label, so each must be a DNS label (lower-case letters, digits and dashes,
/// at most 63 characters).
/// </summary>
public static partial class SimulatedNodeNames
{
    public const string DefaultPrefix = "sim";
    private const int MaxNameLength = 63;

    public static string Of(string prefix, int index) => $"{prefix}-{index.ToString("D4", CultureInfo.InvariantCulture)}";

    /// <summary>Null when every name of <paramref name="count"/> nodes under <paramref name="prefix"/> is a valid node name, else why not.</summary>
    public static string? Problem(string prefix, int count)
    {
        if (!Label().IsMatch(prefix))
            return $"the simulated node prefix {prefix} is not valid: lower-case letters, digits and dashes, starting with a letter or digit and not ending with a dash (the names are {Of("PREFIX", 0)}, {Of("PREFIX", 1)}, …)";
        var longest = Of(prefix, Math.Max(count - 1, 0));
        return longest.Length > MaxNameLength
            ? $"the simulated node prefix {prefix} is too long: node names such as {longest} must have at most {MaxNameLength} characters"
            : null;
    }

    /// <summary>
    /// The prefix of a silo that shares its cluster with others (PostgreSQL) and was given none: unique per silo, from its
    /// node name (this host) and its silo port (this process), so that two silos never run the same simulated nodes.
    /// </summary>
    public static string ForClusteredSilo(string nodeName, int siloPort)
    {
        var port = siloPort.ToString(CultureInfo.InvariantCulture);
        // Room for "sim-", "-PORT" and "-NNNNNNN" (up to a million nodes) within a label.
        var room = MaxNameLength - DefaultPrefix.Length - 1 - port.Length - 1 - 8;
        var host = NotInLabel().Replace(nodeName.ToLowerInvariant(), "-").Trim('-');
        host = host.Length > room ? host[..room].TrimEnd('-') : host;
        return host.Length == 0 ? $"{DefaultPrefix}-{port}" : $"{DefaultPrefix}-{host}-{port}";
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotInLabel();
}
