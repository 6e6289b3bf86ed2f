using System.Runtime.InteropServices;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Agents.Node;

/// <summary>The Node object an agent registers: this host's capacity, address and system facts.</summary>
public static class NodeDescription
{
    public const string KubeletVersion = "v1.31.0-orleans";

    /// <summary>Kubernetes' default limit of pods per node.</summary>
    public const int MaxPods = 110;

    public const string SimulatedLabel = "orleans-orchestrator.io/simulated";

    /// <param name="localPathRoot">Where the node keeps local-path volumes, announced for the provisioner (simulated nodes announce one and write nothing there).</param>
    public static Contracts.Model.Node ForHost(string name, string address, string runtimeVersion, bool simulated, int cpus, long memoryBytes, string localPathRoot)
    {
        var capacity = new Dictionary<string, string>
        {
            ["cpu"] = cpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["memory"] = $"{memoryBytes / 1024}Ki",
            ["pods"] = MaxPods.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ephemeral-storage"] = "100Gi",
        };
        var labels = new Dictionary<string, string>
        {
            ["kubernetes.io/hostname"] = name,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = Architecture,
            ["beta.kubernetes.io/os"] = "linux",
            ["beta.kubernetes.io/arch"] = Architecture,
        };
        if (simulated) labels[SimulatedLabel] = "true";
        return new Contracts.Model.Node
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Labels = labels,
                Annotations = new Dictionary<string, string> { [Contracts.Storage.LocalPathVolumes.RootAnnotation] = localPathRoot },
            },
            Spec = new NodeSpec(),
            Status = new NodeStatus
            {
                Capacity = capacity,
                Allocatable = capacity,
                Addresses = [new NodeAddress { Type = "InternalIP", Address = address }, new NodeAddress { Type = "Hostname", Address = name }],
                NodeInfo = new NodeSystemInfo
                {
                    MachineID = simulated ? name : ReadFirstLine("/etc/machine-id"),
                    SystemUUID = name,
                    BootID = simulated ? name : ReadFirstLine("/proc/sys/kernel/random/boot_id"),
                    KernelVersion = simulated ? "simulated" : ReadFirstLine("/proc/sys/kernel/osrelease"),
                    OsImage = simulated ? "simulated" : OsImage(),
                    ContainerRuntimeVersion = runtimeVersion,
                    KubeletVersion = KubeletVersion,
                    KubeProxyVersion = KubeletVersion,
                    OperatingSystem = "linux",
                    Architecture = Architecture,
                },
            },
        };
    }

    /// <summary>This machine as a node: its processors and memory.</summary>
    public static Contracts.Model.Node ForThisHost(string name, string address, string runtimeVersion, string localPathRoot) =>
        ForHost(name, address, runtimeVersion, simulated: false, Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, localPathRoot);

    private static string Architecture => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };

    private static string OsImage()
    {
        var line = File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) : null;
        return line?["PRETTY_NAME=".Length..].Trim('"') ?? RuntimeInformation.OSDescription;
    }

    private static string ReadFirstLine(string path) => File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() ?? "" : "";
}
