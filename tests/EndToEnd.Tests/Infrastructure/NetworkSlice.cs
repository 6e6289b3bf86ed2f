namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A service range and a slice of the node-port range that one test silo has to itself on this machine, for as long
/// as it lives: many test clusters share one kernel, and Services of two of them must never program the same cluster
/// IP or node port. Leased across processes (other test runs, other worktrees) with an exclusive lock on a file per
/// slice; the lock goes with the process, however it ends.
/// </summary>
public sealed class NetworkSlice : IDisposable
{
    /// <summary>Kubernetes' node-port range, which <see cref="FreePort"/> never hands out.</summary>
    public const int NodePortRangeFirst = 30_000, NodePortRangeLast = 32_767;

    /// <summary>Node ports per slice: plenty for one test class's NodePort Services, or a fuzz run's (43 slices in all).</summary>
    public const int PortsPerSlice = 64;

    public static int SliceCount => (NodePortRangeLast - NodePortRangeFirst + 1) / PortsPerSlice;

    private static readonly string LockDirectory = Path.Combine(Path.GetTempPath(), "oo-test-network-slices");

    private readonly FileStream _lock;

    private NetworkSlice(int index, FileStream @lock)
    {
        Index = index;
        _lock = @lock;
    }

    public int Index { get; }

    /// <summary>A /20 of its own in 10.200.0.0/14 (no route of this machine, nor Docker's default pools, are there).</summary>
    public string ServiceCidr => Cidr(20);

    /// <summary>The start of <see cref="ServiceCidr"/> with a longer prefix (up to /28): a smaller range, still this slice's own.</summary>
    public string Cidr(int prefixLength) =>
        prefixLength is >= 20 and <= 28 ? $"10.{200 + Index / 16}.{Index % 16 * 16}.0/{prefixLength}" : throw new ArgumentOutOfRangeException(nameof(prefixLength));

    public int NodePortMin => NodePortRangeFirst + Index * PortsPerSlice;

    public int NodePortMax => NodePortMin + PortsPerSlice - 1;

    public static NetworkSlice Lease()
    {
        Directory.CreateDirectory(LockDirectory);
        foreach (var index in Enumerable.Range(0, SliceCount).OrderBy(_ => Random.Shared.Next()))
        {
            try
            {
                // FileShare.None is an exclusive flock on Linux: no other process (nor this one) opens the file meanwhile.
                var stream = new FileStream(Path.Combine(LockDirectory, $"{index}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new NetworkSlice(index, stream);
            }
            catch (IOException)
            {
                // Another silo has it.
            }
        }
        throw new InvalidOperationException($"all {SliceCount} test network slices are leased (see {LockDirectory})");
    }

    public void Dispose() => _lock.Dispose();
}
