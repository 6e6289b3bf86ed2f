using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Tests;

/// <summary>Small valid objects that tests change one field of.</summary>
internal static class Samples
{
    public static Dictionary<string, string> Labels(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    public static Container Container(string name = "app", string? image = "nginx:1.25") => new() { Name = name, Image = image };

    public static PodSpec PodSpec(params Container[] containers) => new() { Containers = containers.Length == 0 ? [Container()] : containers };

    public static Pod Pod(string name = "web-1", PodSpec? spec = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = spec ?? PodSpec(),
    };

    public static Deployment Deployment(string name = "web", int? replicas = 2, PodSpec? spec = null) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = Labels(("app", "web")) },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = Labels(("app", "web")) },
                Spec = spec ?? PodSpec(),
            },
        },
    };

    public static Service Service(string name = "web", params ServicePort[] ports) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new ServiceSpec
        {
            Selector = Labels(("app", "web")),
            Ports = ports.Length == 0 ? [new ServicePort { Port = 80 }] : ports,
        },
    };
}
