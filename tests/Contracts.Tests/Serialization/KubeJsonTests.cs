using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Tests.Serialization;

public class KubeJsonTests
{
    private static readonly DateTimeOffset Created = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static Pod RunningPod() => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta
        {
            Name = "web-1",
            Namespace = "default",
            Uid = "7d1f",
            ResourceVersion = "12",
            CreationTimestamp = Created,
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "web" },
        },
        Spec = new PodSpec
        {
            NodeName = "n1",
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = "nginx:1.25",
                    Ports = [new ContainerPort { Name = "http", Number = 8080, Protocol = "TCP", HostIP = "0.0.0.0" }],
                    ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/healthz", Port = "http" } },
                    LivenessProbe = new Probe { TcpSocket = new TcpSocketAction { Port = 8080 } },
                },
            ],
        },
        Status = new PodStatus
        {
            Phase = "Running",
            HostIP = "192.168.1.10",
            PodIP = "10.1.0.7",
            PodIPs = [new IPAddress { Ip = "10.1.0.7" }],
            StartTime = Created.AddSeconds(3),
            ContainerStatuses = [new ContainerStatus { Name = "app", Ready = true, Image = "nginx:1.25", ImageID = "sha256:abc" }],
        },
    };

    private static Deployment WebDeployment() => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new ObjectMeta { Name = "web", Namespace = "default", Generation = 2 },
        Spec = new DeploymentSpec
        {
            Replicas = 3,
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "nginx:1.25" }] },
            },
            Strategy = new DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = "25%" },
            },
        },
        Status = new DeploymentStatus
        {
            ObservedGeneration = 2,
            Replicas = 3,
            Conditions = [new Condition { Type = "Available", Status = "True", Reason = "MinimumReplicasAvailable", LastTransitionTime = Created }],
        },
    };

    private static JsonObject ToNode(KubeObject obj) => JsonNode.Parse(KubeJson.Serialize(obj))!.AsObject();

    [Fact]
    public void Serialize_Pod_KubernetesFieldNames()
    {
        var json = ToNode(RunningPod());

        Assert.Equal("10.1.0.7", (string?)json["status"]!["podIP"]);
        Assert.Equal("192.168.1.10", (string?)json["status"]!["hostIP"]);
        Assert.Equal("10.1.0.7", (string?)json["status"]!["podIPs"]![0]!["ip"]);
        Assert.Equal("sha256:abc", (string?)json["status"]!["containerStatuses"]![0]!["imageID"]);
        var port = json["spec"]!["containers"]![0]!["ports"]![0]!;
        Assert.Equal(8080, (int?)port["containerPort"]);
        Assert.Equal("0.0.0.0", (string?)port["hostIP"]);
        Assert.Equal("web", (string?)json["metadata"]!["labels"]!["app.kubernetes.io/name"]);
        Assert.Equal("n1", (string?)json["spec"]!["nodeName"]);
    }

    [Fact]
    public void Serialize_Pod_NoPascalCaseNames()
    {
        var text = KubeJson.Serialize(RunningPod());

        Assert.DoesNotContain("\"PodIP\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Number\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"number\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Spec\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_UnsetFields_Omitted()
    {
        var json = ToNode(new Pod { Metadata = new ObjectMeta { Name = "bare" }, Spec = new PodSpec { Containers = [new Container { Name = "app" }] } });

        Assert.False(json.ContainsKey("status"));
        Assert.False(json.ContainsKey("apiVersion"));
        Assert.Equal(["name"], json["metadata"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["containers"], json["spec"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["name"], json["spec"]!["containers"]![0]!.AsObject().Select(p => p.Key));
        Assert.DoesNotContain("null", KubeJson.Serialize(new Deployment()), StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_Times_Rfc3339WholeSecondsUtc()
    {
        var local = new DateTimeOffset(2024, 1, 2, 5, 4, 5, 678, TimeSpan.FromHours(2));
        var pod = new Pod { Metadata = new ObjectMeta { Name = "p", CreationTimestamp = local, DeletionTimestamp = Created } };

        var json = ToNode(pod);

        Assert.Equal("2024-01-02T03:04:05Z", (string?)json["metadata"]!["creationTimestamp"]);
        Assert.Equal("2024-01-02T03:04:05Z", (string?)json["metadata"]!["deletionTimestamp"]);
    }

    [Fact]
    public void Serialize_IntOrString_NumberOrString()
    {
        var json = ToNode(WebDeployment());
        var rolling = json["spec"]!["strategy"]!["rollingUpdate"]!;

        Assert.Equal(JsonValueKind.Number, rolling["maxSurge"]!.GetValueKind());
        Assert.Equal(1, (int?)rolling["maxSurge"]);
        Assert.Equal(JsonValueKind.String, rolling["maxUnavailable"]!.GetValueKind());
        Assert.Equal("25%", (string?)rolling["maxUnavailable"]);
    }

    [Fact]
    public void Serialize_ProbePorts_NamedPortAsStringNumberedPortAsNumber()
    {
        var container = ToNode(RunningPod())["spec"]!["containers"]![0]!;

        Assert.Equal("http", (string?)container["readinessProbe"]!["httpGet"]!["port"]);
        Assert.Equal(JsonValueKind.Number, container["livenessProbe"]!["tcpSocket"]!["port"]!.GetValueKind());
    }

    [Fact]
    public void Deserialize_IntOrString_BothForms()
    {
        var deployment = JsonSerializer.Deserialize<Deployment>(
            """{"spec":{"strategy":{"rollingUpdate":{"maxSurge":2,"maxUnavailable":"10%"}}}}""", KubeJson.Options)!;

        Assert.Equal(IntOrString.FromInt(2), deployment.Spec.Strategy!.RollingUpdate!.MaxSurge);
        Assert.Equal(IntOrString.FromString("10%"), deployment.Spec.Strategy.RollingUpdate.MaxUnavailable);
        Assert.True(deployment.Spec.Strategy.RollingUpdate.MaxUnavailable!.Value.IsPercent);
    }

    [Fact]
    public void Deserialize_IntOrStringOfWrongType_JsonException()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Deployment>(
            """{"spec":{"strategy":{"rollingUpdate":{"maxSurge":true}}}}""", KubeJson.Options));
    }

    [Fact]
    public void Serialize_SecretData_Base64()
    {
        var secret = new Secret { Metadata = new ObjectMeta { Name = "creds" }, Data = new Dictionary<string, byte[]> { ["password"] = "s3cr3t!"u8.ToArray() } };

        var json = ToNode(secret);

        Assert.Equal("czNjcjN0IQ==", (string?)json["data"]!["password"]);
    }

    [Fact]
    public void Deserialize_SecretData_Base64Decoded()
    {
        var secret = JsonSerializer.Deserialize<Secret>("""{"data":{"password":"czNjcjN0IQ=="},"type":"Opaque"}""", KubeJson.Options)!;

        Assert.Equal("s3cr3t!"u8.ToArray(), secret.Data!["password"]);
    }

    [Fact]
    public void Serialize_EventTime_Microseconds()
    {
        var ev = new Event
        {
            Metadata = new ObjectMeta { Name = "web-1.17a", CreationTimestamp = Created },
            EventTime = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_567),
            FirstTimestamp = Created,
        };

        var json = ToNode(ev);

        Assert.Equal("2024-01-02T03:04:05.123456Z", (string?)json["eventTime"]);
        Assert.Equal("2024-01-02T03:04:05Z", (string?)json["firstTimestamp"]);
    }

    [Fact]
    public void Deserialize_EventTime_KeepsMicroseconds()
    {
        var ev = JsonSerializer.Deserialize<Event>("""{"eventTime":"2024-01-02T03:04:05.123456Z"}""", KubeJson.Options)!;

        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560), ev.EventTime);
    }

    [Fact]
    public void Deserialize_TimeWithOffset_ConvertedToUtc()
    {
        var pod = JsonSerializer.Deserialize<Pod>("""{"metadata":{"creationTimestamp":"2024-01-02T05:04:05+02:00"}}""", KubeJson.Options)!;

        Assert.Equal(Created, pod.Metadata.CreationTimestamp);
        Assert.Equal(TimeSpan.Zero, pod.Metadata.CreationTimestamp!.Value.Offset);
    }

    [Fact]
    public void Deserialize_InvalidTime_JsonException()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Pod>("""{"metadata":{"creationTimestamp":"yesterday"}}""", KubeJson.Options));
    }

    [Fact]
    public void Deserialize_NumberAsString_JsonException()
    {
        // The API server is strict on types: "replicas": "3" is refused, not coerced.
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Deployment>("""{"spec":{"replicas":"3"}}""", KubeJson.Options));
    }

    [Fact]
    public void Deserialize_WrongCaseFieldName_NotBound()
    {
        var pod = JsonSerializer.Deserialize<Pod>("""{"status":{"PodIP":"10.1.0.7","podIP":"10.1.0.8"}}""", KubeJson.Options)!;

        Assert.Equal("10.1.0.8", pod.Status!.PodIP);
    }

    [Fact]
    public void Serialize_PodRoundTrip_SameJson()
    {
        var text = KubeJson.Serialize(RunningPod());

        var back = (Pod)JsonSerializer.Deserialize(text, typeof(Pod), KubeJson.Options)!;

        Assert.Equal(text, KubeJson.Serialize(back));
        Assert.Equal("10.1.0.7", back.Status!.PodIP);
        Assert.Equal(8080, back.Spec.Containers[0].Ports![0].Number);
        Assert.Equal(Created, back.Metadata.CreationTimestamp);
    }

    [Fact]
    public void Serialize_DeploymentRoundTrip_SameJson()
    {
        var text = KubeJson.Serialize(WebDeployment());

        var back = JsonSerializer.Deserialize<Deployment>(text, KubeJson.Options)!;

        Assert.Equal(text, KubeJson.Serialize(back));
        Assert.Equal(3, back.Spec.Replicas);
        Assert.Equal("web", back.Spec.Selector!.MatchLabels!["app"]);
    }

    [Fact]
    public void Deserialize_KubectlStyleDeployment_AllFieldsBound()
    {
        const string Yamlish = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
              "template":{"metadata":{"labels":{"app":"web"}},
               "spec":{"containers":[{"name":"app","image":"nginx","ports":[{"containerPort":80}],
                 "resources":{"limits":{"cpu":"500m","memory":"128Mi"}}}]}}}}
            """;

        var deployment = JsonSerializer.Deserialize<Deployment>(Yamlish, KubeJson.Options)!;

        Assert.Equal("apps/v1", deployment.ApiVersion);
        Assert.Equal(2, deployment.Spec.Replicas);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal(80, Assert.Single(container.Ports!).Number);
        Assert.Equal("128Mi", container.Resources!.Limits!["memory"]);
    }

    [Fact]
    public void Serialize_NodeKubeletEndpoint_CapitalPortAsKubernetesSpellsIt()
    {
        var node = new Node { Status = new NodeStatus { DaemonEndpoints = new NodeDaemonEndpoints { KubeletEndpoint = new DaemonEndpoint { Port = 10250 } } } };

        var json = ToNode(node);

        Assert.Equal(10250, (int?)json["status"]!["daemonEndpoints"]!["kubeletEndpoint"]!["Port"]);
    }

    [Fact]
    public void Serialize_NodeInfo_KubernetesFieldNames()
    {
        var node = new Node { Status = new NodeStatus { NodeInfo = new NodeSystemInfo { MachineID = "m", SystemUUID = "s", BootID = "b", OsImage = "Ubuntu" } } };

        var info = ToNode(node)["status"]!["nodeInfo"]!.AsObject();

        Assert.Equal("m", (string?)info["machineID"]);
        Assert.Equal("s", (string?)info["systemUUID"]);
        Assert.Equal("b", (string?)info["bootID"]);
        Assert.Equal("Ubuntu", (string?)info["osImage"]);
    }

    [Fact]
    public void Clone_Pod_EqualJsonButIndependentInstance()
    {
        var pod = RunningPod();

        var clone = KubeJson.Clone(pod);

        Assert.NotSame(pod, clone);
        Assert.NotSame(pod.Spec.Containers, clone.Spec.Containers);
        Assert.Equal(KubeJson.Serialize(pod), KubeJson.Serialize(clone));
    }

    [Fact]
    public void SerializeToUtf8_AnyObject_SameBytesAsSerialize()
    {
        var deployment = WebDeployment();

        Assert.Equal(KubeJson.Serialize(deployment), System.Text.Encoding.UTF8.GetString(KubeJson.SerializeToUtf8(deployment)));
    }

    [Fact]
    public void Serialize_ThroughBaseType_WritesDerivedFields()
    {
        KubeObject obj = WebDeployment();

        Assert.Equal(3, (int?)ToNode(obj)["spec"]!["replicas"]);
    }
}
