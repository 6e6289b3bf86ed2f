using System.Text;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Admission;

namespace OrleansOrchestrator.Silo.Tests.Api.Admission;

public class DefaultsTests
{
    private static Pod DefaultedPod(PodSpec spec) => (Pod)Defaults.Apply(Samples.Pod(spec: spec));

    [Fact]
    public void Apply_BarePod_ApiServerPodDefaults()
    {
        var spec = DefaultedPod(Samples.PodSpec()).Spec;

        Assert.Equal("Always", spec.RestartPolicy);
        Assert.Equal(30, spec.TerminationGracePeriodSeconds);
        Assert.Equal("ClusterFirst", spec.DnsPolicy);
        Assert.Equal("default-scheduler", spec.SchedulerName);
        Assert.True(spec.EnableServiceLinks);
        Assert.Equal("PreemptLowerPriority", spec.PreemptionPolicy);
        Assert.Equal(0, spec.Priority);
        Assert.NotNull(spec.SecurityContext);
    }

    [Fact]
    public void Apply_PodWithExplicitValues_ValuesKept()
    {
        var spec = DefaultedPod(Samples.PodSpec() with
        {
            RestartPolicy = "Never",
            TerminationGracePeriodSeconds = 0,
            DnsPolicy = "Default",
            SchedulerName = "custom",
            EnableServiceLinks = false,
        }).Spec;

        Assert.Equal("Never", spec.RestartPolicy);
        Assert.Equal(0, spec.TerminationGracePeriodSeconds);
        Assert.Equal("Default", spec.DnsPolicy);
        Assert.Equal("custom", spec.SchedulerName);
        Assert.False(spec.EnableServiceLinks);
    }

    [Fact]
    public void Apply_Container_TerminationMessageAndResourcesDefaulted()
    {
        var container = DefaultedPod(Samples.PodSpec()).Spec.Containers[0];

        Assert.Equal("/dev/termination-log", container.TerminationMessagePath);
        Assert.Equal("File", container.TerminationMessagePolicy);
        Assert.NotNull(container.Resources);
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("docker.io/library/nginx", "Always")]
    [InlineData("registry.local:5000/team/app", "Always")]
    [InlineData("registry.local:5000/team/app:latest", "Always")]
    [InlineData("nginx:1.25", "IfNotPresent")]
    [InlineData("registry.local:5000/team/app:v2", "IfNotPresent")]
    [InlineData("nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", "IfNotPresent")]
    [InlineData("", "IfNotPresent")]
    public void DefaultPullPolicy_ImageReference_AlwaysOnlyForLatestOrUntagged(string image, string expected)
    {
        Assert.Equal(expected, Defaults.DefaultPullPolicy(image));
    }

    [Fact]
    public void Apply_ContainerWithPullPolicy_Kept()
    {
        var container = DefaultedPod(Samples.PodSpec(Samples.Container(image: "nginx") with { ImagePullPolicy = "Never" })).Spec.Containers[0];

        Assert.Equal("Never", container.ImagePullPolicy);
    }

    [Fact]
    public void Apply_ContainersAndInitContainers_PullPolicyFromTheirImages()
    {
        var spec = DefaultedPod(Samples.PodSpec(Samples.Container("app", "nginx"), Samples.Container("side", "envoy:1.30")) with
        {
            InitContainers = [Samples.Container("init", "busybox:latest")],
        }).Spec;

        Assert.Equal(["Always", "IfNotPresent"], spec.Containers.Select(c => c.ImagePullPolicy));
        Assert.Equal("Always", spec.InitContainers![0].ImagePullPolicy);
        Assert.Equal("/dev/termination-log", spec.InitContainers[0].TerminationMessagePath);
    }

    [Fact]
    public void Apply_ContainerPortWithoutProtocol_Tcp()
    {
        var container = DefaultedPod(Samples.PodSpec(Samples.Container() with { Ports = [new ContainerPort { Number = 80 }, new ContainerPort { Number = 53, Protocol = "UDP" }] })).Spec.Containers[0];

        Assert.Equal(["TCP", "UDP"], container.Ports!.Select(p => p.Protocol));
    }

    [Fact]
    public void Apply_HttpProbe_KubernetesProbeDefaults()
    {
        var container = DefaultedPod(Samples.PodSpec(Samples.Container() with { ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Port = 8080 } } })).Spec.Containers[0];
        var probe = container.ReadinessProbe!;

        Assert.Equal((1, 10, 1, 3), (probe.TimeoutSeconds, probe.PeriodSeconds, probe.SuccessThreshold, probe.FailureThreshold));
        Assert.Equal("/", probe.HttpGet!.Path);
        Assert.Equal("HTTP", probe.HttpGet.Scheme);
        Assert.Null(container.LivenessProbe);
    }

    [Fact]
    public void Apply_ConfigMapAndSecretVolumes_DefaultMode420()
    {
        var spec = DefaultedPod(Samples.PodSpec() with
        {
            Volumes =
            [
                new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = "cfg" } },
                new Volume { Name = "creds", Secret = new SecretVolumeSource { SecretName = "creds", DefaultMode = 256 } },
                new Volume { Name = "scratch", EmptyDir = new EmptyDirVolumeSource() },
            ],
        }).Spec;

        Assert.Equal(420, spec.Volumes![0].ConfigMap!.DefaultMode);
        Assert.Equal(256, spec.Volumes[1].Secret!.DefaultMode);
        Assert.Null(spec.Volumes[2].ConfigMap);
    }

    [Fact]
    public void Apply_BareDeployment_RollingUpdate25PercentAndCounts()
    {
        var spec = ((Deployment)Defaults.Apply(Samples.Deployment(replicas: null))).Spec;

        Assert.Equal(1, spec.Replicas);
        Assert.Equal("RollingUpdate", spec.Strategy!.Type);
        Assert.Equal(IntOrString.FromString("25%"), spec.Strategy.RollingUpdate!.MaxSurge);
        Assert.Equal(IntOrString.FromString("25%"), spec.Strategy.RollingUpdate.MaxUnavailable);
        Assert.Equal(10, spec.RevisionHistoryLimit);
        Assert.Equal(600, spec.ProgressDeadlineSeconds);
    }

    [Fact]
    public void Apply_DeploymentTemplate_PodDefaultsApplied()
    {
        var template = ((Deployment)Defaults.Apply(Samples.Deployment())).Spec.Template.Spec;

        Assert.Equal("Always", template.RestartPolicy);
        Assert.Equal("IfNotPresent", template.Containers[0].ImagePullPolicy);
    }

    [Fact]
    public void Apply_DeploymentWithOnlyMaxSurge_MaxUnavailableDefaulted()
    {
        var deployment = Samples.Deployment() with
        {
            Spec = Samples.Deployment().Spec with { Strategy = new DeploymentStrategy { RollingUpdate = new RollingUpdateDeployment { MaxSurge = 1 } } },
        };

        var strategy = ((Deployment)Defaults.Apply(deployment)).Spec.Strategy!;

        Assert.Equal("RollingUpdate", strategy.Type);
        Assert.Equal(IntOrString.FromInt(1), strategy.RollingUpdate!.MaxSurge);
        Assert.Equal(IntOrString.FromString("25%"), strategy.RollingUpdate.MaxUnavailable);
    }

    [Fact]
    public void Apply_RecreateDeployment_NoRollingUpdateParameters()
    {
        var deployment = Samples.Deployment() with { Spec = Samples.Deployment().Spec with { Strategy = new DeploymentStrategy { Type = "Recreate" } } };

        var strategy = ((Deployment)Defaults.Apply(deployment)).Spec.Strategy!;

        Assert.Equal("Recreate", strategy.Type);
        Assert.Null(strategy.RollingUpdate);
    }

    [Fact]
    public void Apply_DeploymentWithReplicas_Kept()
    {
        Assert.Equal(0, ((Deployment)Defaults.Apply(Samples.Deployment(replicas: 0))).Spec.Replicas);
    }

    [Fact]
    public void Apply_ReplicaSetAndStatefulSet_OneReplicaAndTemplateDefaults()
    {
        var template = Samples.Deployment().Spec.Template;
        var rs = (ReplicaSet)Defaults.Apply(new ReplicaSet { Spec = new ReplicaSetSpec { Template = template } });
        var sts = (StatefulSet)Defaults.Apply(new StatefulSet { Spec = new StatefulSetSpec { Template = template } });

        Assert.Equal(1, rs.Spec.Replicas);
        Assert.Equal("Always", rs.Spec.Template!.Spec.RestartPolicy);
        Assert.Equal(1, sts.Spec.Replicas);
        Assert.Equal("OrderedReady", sts.Spec.PodManagementPolicy);
        Assert.Equal("RollingUpdate", sts.Spec.UpdateStrategy!.Type);
        Assert.Equal("ClusterFirst", sts.Spec.Template.Spec.DnsPolicy);
    }

    [Fact]
    public void Apply_ServicePort_TargetPortIsPortAndProtocolTcp()
    {
        var service = (Service)Defaults.Apply(Samples.Service(ports: new ServicePort { Port = 8080 }));

        var port = Assert.Single(service.Spec.Ports!);
        Assert.Equal(IntOrString.FromInt(8080), port.TargetPort);
        Assert.Equal("TCP", port.Protocol);
        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.Equal("None", service.Spec.SessionAffinity);
        Assert.Equal("Cluster", service.Spec.InternalTrafficPolicy);
        Assert.Equal(["IPv4"], service.Spec.IpFamilies!);
        Assert.Equal("SingleStack", service.Spec.IpFamilyPolicy);
        Assert.Null(service.Spec.ExternalTrafficPolicy);
    }

    [Fact]
    public void Apply_ServicePortWithNamedTargetPortAndUdp_Kept()
    {
        var service = (Service)Defaults.Apply(Samples.Service(ports: new ServicePort { Port = 53, TargetPort = "dns", Protocol = "UDP" }));

        var port = Assert.Single(service.Spec.Ports!);
        Assert.Equal(IntOrString.FromString("dns"), port.TargetPort);
        Assert.Equal("UDP", port.Protocol);
    }

    [Fact]
    public void Apply_NodePortService_ExternalTrafficPolicyCluster()
    {
        var service = Samples.Service();

        var defaulted = (Service)Defaults.Apply(service with { Spec = service.Spec with { Type = "NodePort" } });

        Assert.Equal("Cluster", defaulted.Spec.ExternalTrafficPolicy);
    }

    [Fact]
    public void Apply_ExternalNameService_NoIpFamilies()
    {
        var service = (Service)Defaults.Apply(Samples.Service() with { Spec = new ServiceSpec { Type = "ExternalName", ExternalName = "db.example.com" } });

        Assert.Null(service.Spec.IpFamilies);
        Assert.Null(service.Spec.IpFamilyPolicy);
        Assert.Null(service.Spec.InternalTrafficPolicy);
    }

    [Fact]
    public void Apply_SecretStringData_MergedIntoDataAndDropped()
    {
        var secret = new Secret
        {
            Metadata = new ObjectMeta { Name = "creds" },
            Data = new Dictionary<string, byte[]> { ["user"] = "admin"u8.ToArray(), ["password"] = "old"u8.ToArray() },
            StringData = new Dictionary<string, string> { ["password"] = "n€w", ["token"] = "t" },
        };

        var defaulted = (Secret)Defaults.Apply(secret);

        Assert.Null(defaulted.StringData);
        Assert.Equal(["password", "token", "user"], defaulted.Data!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("admin", Encoding.UTF8.GetString(defaulted.Data["user"]));
        Assert.Equal("n€w", Encoding.UTF8.GetString(defaulted.Data["password"]));
        Assert.Equal("Opaque", defaulted.Type);
    }

    [Fact]
    public void Apply_SecretWithTypeAndOnlyStringData_DataCreatedTypeKept()
    {
        var secret = new Secret { Type = "kubernetes.io/basic-auth", StringData = new Dictionary<string, string> { ["username"] = "u" } };

        var defaulted = (Secret)Defaults.Apply(secret);

        Assert.Equal("u", Encoding.UTF8.GetString(defaulted.Data!["username"]));
        Assert.Equal("kubernetes.io/basic-auth", defaulted.Type);
        Assert.Null(defaulted.StringData);
    }

    [Fact]
    public void Apply_SecretWithTypeAndEmptyStringData_StringDataDropped()
    {
        var secret = new Secret { Type = "Opaque", StringData = new Dictionary<string, string>(), Data = new Dictionary<string, byte[]> { ["a"] = [1] } };

        var defaulted = (Secret)Defaults.Apply(secret);

        Assert.Null(defaulted.StringData);
        Assert.Equal([(byte)1], defaulted.Data!["a"]);
    }

    [Fact]
    public void Apply_Namespace_ActiveWithKubernetesFinalizer()
    {
        var ns = (Namespace)Defaults.Apply(new Namespace { Metadata = new ObjectMeta { Name = "team-a" } });

        Assert.Equal("Active", ns.Status!.Phase);
        Assert.Equal(["kubernetes"], ns.Spec!.Finalizers!);
    }

    [Fact]
    public void Apply_DeletingNamespace_Terminating()
    {
        var ns = (Namespace)Defaults.Apply(new Namespace { Metadata = new ObjectMeta { Name = "team-a", DeletionTimestamp = DateTimeOffset.UnixEpoch } });

        Assert.Equal("Terminating", ns.Status!.Phase);
    }

    [Fact]
    public void Apply_ConfigMap_Unchanged()
    {
        var cm = new ConfigMap { Metadata = new ObjectMeta { Name = "cfg" }, Data = new Dictionary<string, string> { ["a"] = "b" } };

        Assert.Same(cm, Defaults.Apply(cm));
    }

    [Fact]
    public void Apply_Twice_SameAsOnce()
    {
        var once = Defaults.Apply(Samples.Deployment());

        var twice = Defaults.Apply(once);

        Assert.Equal(Contracts.Serialization.KubeJson.Serialize(once), Contracts.Serialization.KubeJson.Serialize(twice));
    }
}
