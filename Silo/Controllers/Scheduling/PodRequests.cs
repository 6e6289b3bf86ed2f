using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>
/// What a pod asks of a node, computed as the Kubernetes scheduler does (component-helpers
/// <c>resource.PodRequests</c>): the containers' requests summed; each ordinary init container runs alone
/// (plus the sidecars started before it), so the pod needs the larger of that peak and the sum;
/// sidecars (init containers with <c>restartPolicy: Always</c>) keep running and add to the sum. A
/// container that sets a limit but no request requests its limit (the API server's defaulting).
/// </summary>
/// <param name="MilliCpu">Requested CPU in thousandths of a core (what the fit filter compares).</param>
/// <param name="Memory">Requested memory in bytes.</param>
/// <param name="NonZeroMilliCpu">As <paramref name="MilliCpu"/>, but a container that requests no CPU counts 100m
/// (scoring only: it keeps many request-less pods from piling onto one node).</param>
/// <param name="NonZeroMemory">As <paramref name="Memory"/>, a container without a memory request counting 200Mi.</param>
/// <param name="HostPorts">The host ports the pod's containers ask for (only those with <c>hostPort</c> &gt; 0).</param>
public sealed record PodRequests(long MilliCpu, long Memory, long NonZeroMilliCpu, long NonZeroMemory, IReadOnlyList<HostPort> HostPorts)
{
    /// <summary>Kubernetes' <c>DefaultMilliCPURequest</c>.</summary>
    public const long DefaultMilliCpuRequest = 100;

    /// <summary>Kubernetes' <c>DefaultMemoryRequest</c>: 200 MiB.</summary>
    public const long DefaultMemoryRequest = 200L * 1024 * 1024;

    public static PodRequests Of(PodSpec spec)
    {
        var sum = Amounts.Zero;
        foreach (var container in spec.Containers) sum += Amounts.Of(container);

        var sidecars = Amounts.Zero;
        var initPeak = Amounts.Zero;
        foreach (var container in spec.InitContainers ?? [])
        {
            var own = Amounts.Of(container);
            Amounts running;
            if (container.RestartPolicy == "Always")
            {
                sum += own;
                sidecars += own;
                running = sidecars;
            }
            else
            {
                running = own + sidecars;
            }
            initPeak = Amounts.Max(initPeak, running);
        }
        var total = Amounts.Max(sum, initPeak);

        var ports = new List<HostPort>();
        foreach (var container in spec.Containers)
            foreach (var port in container.Ports ?? [])
                if (port.HostPort is > 0 and var hostPort)
                    ports.Add(HostPort.Of(port.Protocol, port.HostIP, hostPort));

        return new PodRequests(total.MilliCpu, total.Memory, total.NonZeroMilliCpu, total.NonZeroMemory, ports);
    }

    /// <summary>A CPU quantity in thousandths of a core, rounded up; null when absent or not a quantity.</summary>
    internal static long? ParseMilliCpu(string? text) => Parse(text, 1000);

    /// <summary>A count or byte quantity, rounded up as Kubernetes' <c>Quantity.Value()</c> does; null when absent or not a quantity.</summary>
    internal static long? ParseValue(string? text) => Parse(text, 1);

    /// <summary>
    /// Admission already rejected malformed quantities; one that still gets here (an object stored before
    /// validation existed) counts as unset rather than failing the whole scheduling pass.
    /// </summary>
    private static long? Parse(string? text, decimal scale)
    {
        try
        {
            if (!Quantity.TryParse(text, out var value)) return null;
            var scaled = Math.Ceiling(value * scale);
            return scaled >= long.MinValue && scaled <= long.MaxValue ? (long)scaled : null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private readonly record struct Amounts(long MilliCpu, long Memory, long NonZeroMilliCpu, long NonZeroMemory)
    {
        public static readonly Amounts Zero = default;

        public static Amounts Of(Container container)
        {
            var cpu = ParseMilliCpu(Requested(container.Resources, "cpu"));
            var memory = ParseValue(Requested(container.Resources, "memory"));
            return new Amounts(cpu ?? 0, memory ?? 0, cpu ?? DefaultMilliCpuRequest, memory ?? DefaultMemoryRequest);
        }

        /// <summary>The request, or the limit when only the limit is set.</summary>
        private static string? Requested(ResourceRequirements? resources, string name) =>
            resources?.Requests?.TryGetValue(name, out var request) == true ? request
            : resources?.Limits?.TryGetValue(name, out var limit) == true ? limit
            : null;

        public static Amounts operator +(Amounts a, Amounts b) =>
            new(a.MilliCpu + b.MilliCpu, a.Memory + b.Memory, a.NonZeroMilliCpu + b.NonZeroMilliCpu, a.NonZeroMemory + b.NonZeroMemory);

        public static Amounts Max(Amounts a, Amounts b) =>
            new(Math.Max(a.MilliCpu, b.MilliCpu), Math.Max(a.Memory, b.Memory), Math.Max(a.NonZeroMilliCpu, b.NonZeroMilliCpu), Math.Max(a.NonZeroMemory, b.NonZeroMemory));
    }
}
