using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;

namespace OrleansOrchestrator.Silo.Tests.Api.Admission;

public class ValidationTests
{
    private const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private static IReadOnlyList<FieldCause> Causes(KubeObject obj) => Validation.Validate(obj, ResourceKinds.Of(obj));

    private static FieldCause SingleCause(KubeObject obj) => Assert.Single(Causes(obj));

    private static Pod PodWith(Func<Container, Container> change, Func<PodSpec, PodSpec>? specChange = null)
    {
        var spec = Samples.PodSpec(change(Samples.Container()));
        return Samples.Pod(spec: specChange is null ? spec : specChange(spec));
    }

    private static Deployment DeploymentWith(Func<DeploymentSpec, DeploymentSpec> change)
    {
        var deployment = Samples.Deployment();
        return deployment with { Spec = change(deployment.Spec) };
    }

    private static Deployment DeploymentWithStrategy(IntOrString? maxSurge, IntOrString? maxUnavailable) =>
        DeploymentWith(s => s with { Strategy = new DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable } } });

    [Fact]
    public void Validate_MinimalObjects_NoCauses()
    {
        Assert.Empty(Causes(Samples.Pod()));
        Assert.Empty(Causes(Samples.Deployment()));
        Assert.Empty(Causes(Samples.Service()));
        Assert.Empty(Causes(new ConfigMap { Metadata = new ObjectMeta { Name = "cfg" }, Data = new Dictionary<string, string> { ["app.properties"] = "x=1" } }));
    }

    [Theory]
    [InlineData("79000000000E")]
    [InlineData("9223372036854775808")]
    public void Validate_QuantityBeyondAnInt64_RefusedWithTheBound(string huge)
    {
        var pod = PodWith(c => c with { Resources = new ResourceRequirements { Requests = new Dictionary<string, string> { ["cpu"] = huge } } });
        var quota = new ResourceQuota
        {
            Metadata = new ObjectMeta { Name = "compute", Namespace = "default" },
            Spec = new ResourceQuotaSpec { Hard = new Dictionary<string, string> { ["requests.cpu"] = huge } },
        };
        var range = new LimitRange
        {
            Metadata = new ObjectMeta { Name = "bounds", Namespace = "default" },
            Spec = new LimitRangeSpec { Limits = [new LimitRangeItem { Type = "Container", Max = new Dictionary<string, string> { ["cpu"] = huge } }] },
        };

        var expected = $"Invalid value: \"{huge}\": must be less than or equal to 9223372036854775807";
        Assert.Equal(new FieldCause("spec.containers[0].resources.requests[cpu]", "FieldValueInvalid", expected), SingleCause(pod));
        Assert.Equal(new FieldCause("spec.hard[requests.cpu]", "FieldValueInvalid", expected), SingleCause(quota));
        Assert.Contains(Causes(range), c => c.Field == "spec.limits[0].max[cpu]" && c.Message == expected);
    }

    [Fact]
    public void Validate_LargestInt64Quantity_Admitted() =>
        Assert.Empty(Causes(PodWith(c => c with { Resources = new ResourceRequirements { Requests = new Dictionary<string, string> { ["memory"] = "9223372036854775807" } } })));

    [Fact]
    public void Validate_DefaultedObjects_NoCauses()
    {
        Assert.Empty(Causes(Defaults.Apply(Samples.Pod())));
        Assert.Empty(Causes(Defaults.Apply(Samples.Deployment())));
        Assert.Empty(Causes(Defaults.Apply(Samples.Service())));
        Assert.Empty(Causes(Defaults.Apply(new Namespace { Metadata = new ObjectMeta { Name = "team-a" } })));
    }

    public static TheoryData<string, string> ValidNames => new()
    {
        { "Pod", "web-1" },
        { "Pod", "web.v1" },
        { "Pod", "1web" },
        { "Pod", new string('a', 253) },
        { "Deployment", "api.example.com" },
        { "ConfigMap", "kube-root-ca.crt" },
        { "Namespace", "team-a" },
        { "Namespace", "1team" },
        { "Namespace", new string('a', 63) },
        { "Service", "web" },
        { "Service", "web-2" },
        { "Service", new string('a', 63) },
    };

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void NameProblem_ValidNameForKind_Null(string kind, string name)
    {
        Assert.Null(Validation.NameProblem(ResourceKinds.All.Single(k => k.Kind == kind), name));
    }

    public static TheoryData<string, string, string> InvalidNames => new()
    {
        // Most kinds: DNS-1123 subdomain.
        { "Pod", "Web", "RFC 1123 subdomain" },
        { "Pod", "-web", "RFC 1123 subdomain" },
        { "Pod", "web-", "RFC 1123 subdomain" },
        { "Pod", "web_1", "RFC 1123 subdomain" },
        { "Pod", "web..v1", "RFC 1123 subdomain" },
        { "Deployment", "web/1", "RFC 1123 subdomain" },
        { "Pod", new string('a', 254), "must be no more than 253 characters" },
        // Namespaces: DNS-1123 label (no dots).
        { "Namespace", "team.a", "RFC 1123 label" },
        { "Namespace", "Team", "RFC 1123 label" },
        { "Namespace", new string('a', 64), "must be no more than 63 characters" },
        // Services: DNS-1035 label (starts with a letter, no dots).
        { "Service", "1web", "DNS-1035 label" },
        { "Service", "web.v1", "DNS-1035 label" },
        { "Service", "Web", "DNS-1035 label" },
        { "Service", new string('a', 64), "must be no more than 63 characters" },
    };

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void NameProblem_InvalidNameForKind_KubernetesMessage(string kind, string name, string expected)
    {
        var problem = Validation.NameProblem(ResourceKinds.All.Single(k => k.Kind == kind), name);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoName_RequiredOnMetadataName()
    {
        var cause = SingleCause(Samples.Pod() with { Metadata = new ObjectMeta { GenerateName = "web-" } });

        Assert.Equal(new FieldCause("metadata.name", "FieldValueRequired", "Required value: name or generateName is required"), cause);
    }

    [Fact]
    public void Validate_UppercaseName_InvalidWithQuotedValueAndRegex()
    {
        var cause = SingleCause(Samples.Deployment(name: "Web_1"));

        Assert.Equal(new FieldCause("metadata.name", "FieldValueInvalid", $"Invalid value: \"Web_1\": {SubdomainMessage}"), cause);
    }

    [Fact]
    public void Validate_NameWithPlus_ValueQuotedVerbatimAsGoDoes()
    {
        var cause = SingleCause(Samples.Pod(name: "web+1"));

        Assert.StartsWith("Invalid value: \"web+1\": ", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ServiceNameStartingWithDigit_Dns1035Message()
    {
        var cause = SingleCause(Samples.Service(name: "1web"));

        Assert.Equal("metadata.name", cause.Field);
        Assert.StartsWith("Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PodContainerWithoutImage_RequiredOnImage()
    {
        var cause = SingleCause(PodWith(c => c with { Image = null }));

        Assert.Equal(new FieldCause("spec.containers[0].image", "FieldValueRequired", "Required value"), cause);
    }

    [Fact]
    public void Validate_DeploymentContainerWithBlankImage_FieldPathThroughTemplate()
    {
        var deployment = Samples.Deployment(spec: Samples.PodSpec(Samples.Container("app"), Samples.Container("sidecar", image: " ")));

        var cause = Assert.Single(Causes(deployment));

        Assert.Equal(new FieldCause("spec.template.spec.containers[1].image", "FieldValueRequired", "Required value"), cause);
    }

    [Fact]
    public void Validate_NoContainers_RequiredOnContainers()
    {
        var cause = SingleCause(Samples.Pod(spec: new PodSpec()));

        Assert.Equal(new FieldCause("spec.containers", "FieldValueRequired", "Required value"), cause);
    }

    [Fact]
    public void Validate_ContainerWithoutName_RequiredOnName()
    {
        Assert.Equal(new FieldCause("spec.containers[0].name", "FieldValueRequired", "Required value"), SingleCause(PodWith(c => c with { Name = "" })));
    }

    [Fact]
    public void Validate_ContainerNameNotALabel_Invalid()
    {
        var cause = SingleCause(PodWith(c => c with { Name = "App" }));

        Assert.Equal("spec.containers[0].name", cause.Field);
        Assert.Equal("FieldValueInvalid", cause.Reason);
        Assert.StartsWith("Invalid value: \"App\": a lowercase RFC 1123 label", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateContainerNames_DuplicateOnTheSecond()
    {
        var pod = Samples.Pod(spec: Samples.PodSpec(Samples.Container("app"), Samples.Container("app", "busybox")));

        Assert.Equal(new FieldCause("spec.containers[1].name", "FieldValueDuplicate", "Duplicate value: \"app\""), SingleCause(pod));
    }

    [Fact]
    public void Validate_InitContainerSharesNameWithContainer_Duplicate()
    {
        var pod = Samples.Pod(spec: Samples.PodSpec() with { InitContainers = [Samples.Container("app", "busybox")] });

        Assert.Equal(new FieldCause("spec.containers[0].name", "FieldValueDuplicate", "Duplicate value: \"app\""), SingleCause(pod));
    }

    [Fact]
    public void Validate_InitContainerWithoutImage_InitContainersPath()
    {
        var pod = Samples.Pod(spec: Samples.PodSpec() with { InitContainers = [Samples.Container("init", image: null)] });

        Assert.Equal("spec.initContainers[0].image", SingleCause(pod).Field);
    }

    [Fact]
    public void Validate_SelectorDoesNotMatchTemplateLabels_InvalidOnTemplateLabels()
    {
        var deployment = DeploymentWith(s => s with { Template = s.Template with { Metadata = new ObjectMeta { Labels = Samples.Labels(("app", "api")) } } });

        var cause = SingleCause(deployment);

        Assert.Equal("spec.template.metadata.labels", cause.Field);
        Assert.Equal("FieldValueInvalid", cause.Reason);
        Assert.Equal("Invalid value: map[string]string{\"app\":\"api\"}: `selector` does not match template `labels`", cause.Message);
    }

    [Fact]
    public void Validate_TemplateWithoutLabels_SelectorMismatch()
    {
        var deployment = DeploymentWith(s => s with { Template = s.Template with { Metadata = null } });

        Assert.Equal("spec.template.metadata.labels", SingleCause(deployment).Field);
    }

    [Fact]
    public void Validate_TemplateHasExtraLabels_SelectorStillMatches()
    {
        var deployment = DeploymentWith(s => s with { Template = s.Template with { Metadata = new ObjectMeta { Labels = Samples.Labels(("app", "web"), ("tier", "front")) } } });

        Assert.Empty(Causes(deployment));
    }

    [Fact]
    public void Validate_MatchExpressionsViolatedByTemplate_SelectorMismatch()
    {
        var deployment = DeploymentWith(s => s with
        {
            Selector = new LabelSelector
            {
                MatchLabels = Samples.Labels(("app", "web")),
                MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = "In", Values = ["front"] }],
            },
        });

        Assert.Equal("spec.template.metadata.labels", SingleCause(deployment).Field);
    }

    [Fact]
    public void Validate_NoSelector_RequiredOnSelector()
    {
        Assert.Equal(new FieldCause("spec.selector", "FieldValueRequired", "Required value"), SingleCause(DeploymentWith(s => s with { Selector = null })));
        Assert.Equal("spec.selector", SingleCause(DeploymentWith(s => s with { Selector = new LabelSelector() })).Field);
    }

    [Fact]
    public void Validate_NegativeReplicas_InvalidOnReplicas()
    {
        Assert.Equal(
            new FieldCause("spec.replicas", "FieldValueInvalid", "Invalid value: -1: must be greater than or equal to 0"),
            SingleCause(Samples.Deployment(replicas: -1)));
    }

    [Fact]
    public void Validate_ZeroReplicas_Valid()
    {
        Assert.Empty(Causes(Samples.Deployment(replicas: 0)));
    }

    [Fact]
    public void Validate_NegativeReplicasOnReplicaSetAndStatefulSet_InvalidOnReplicas()
    {
        var template = Samples.Deployment().Spec.Template;
        var selector = Samples.Deployment().Spec.Selector;
        var rs = new ReplicaSet { Metadata = new ObjectMeta { Name = "web-abc" }, Spec = new ReplicaSetSpec { Replicas = -2, Selector = selector, Template = template } };
        var sts = new StatefulSet { Metadata = new ObjectMeta { Name = "db" }, Spec = new StatefulSetSpec { Replicas = -2, Selector = selector, Template = template } };

        Assert.Equal("spec.replicas", SingleCause(rs).Field);
        Assert.Equal("spec.replicas", SingleCause(sts).Field);
    }

    [Fact]
    public void Validate_ReplicaSetWithoutTemplate_RequiredOnTemplate()
    {
        var rs = new ReplicaSet { Metadata = new ObjectMeta { Name = "web-abc" }, Spec = new ReplicaSetSpec { Replicas = 1, Selector = Samples.Deployment().Spec.Selector } };

        Assert.Equal(new FieldCause("spec.template", "FieldValueRequired", "Required value"), SingleCause(rs));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(80)]
    [InlineData(65535)]
    public void Validate_ContainerPortInRange_Valid(int port)
    {
        Assert.Empty(Causes(PodWith(c => c with { Ports = [new ContainerPort { Number = port }] })));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Validate_ContainerPortOutOfRange_InvalidOnContainerPort(int port)
    {
        var cause = SingleCause(PodWith(c => c with { Ports = [new ContainerPort { Number = 80 }, new ContainerPort { Number = port }] }));

        Assert.Equal(new FieldCause("spec.containers[0].ports[1].containerPort", "FieldValueInvalid", $"Invalid value: {port}: must be between 1 and 65535, inclusive"), cause);
    }

    [Fact]
    public void Validate_HostPortOutOfRange_InvalidOnHostPort()
    {
        Assert.Equal("spec.containers[0].ports[0].hostPort", SingleCause(PodWith(c => c with { Ports = [new ContainerPort { Number = 80, HostPort = 70000 }] })).Field);
    }

    [Fact]
    public void Validate_UnknownPortProtocol_NotSupported()
    {
        var cause = SingleCause(PodWith(c => c with { Ports = [new ContainerPort { Number = 80, Protocol = "HTTP" }] }));

        Assert.Equal(new FieldCause("spec.containers[0].ports[0].protocol", "FieldValueNotSupported", "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""), cause);
    }

    [Fact]
    public void Validate_UnparsableQuantity_InvalidOnTheResourceKey()
    {
        var cause = SingleCause(PodWith(c => c with { Resources = new ResourceRequirements { Limits = new Dictionary<string, string> { ["cpu"] = "lots" } } }));

        Assert.Equal("spec.containers[0].resources.limits[cpu]", cause.Field);
        Assert.Equal("FieldValueInvalid", cause.Reason);
        Assert.StartsWith("Invalid value: \"lots\": quantities must match the regular expression", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NegativeQuantity_InvalidOnTheResourceKey()
    {
        var cause = SingleCause(PodWith(c => c with { Resources = new ResourceRequirements { Requests = new Dictionary<string, string> { ["memory"] = "-1Gi" } } }));

        Assert.Equal(new FieldCause("spec.containers[0].resources.requests[memory]", "FieldValueInvalid", "Invalid value: \"-1Gi\": must be greater than or equal to 0"), cause);
    }

    [Fact]
    public void Validate_RequestAboveLimit_InvalidOnRequests()
    {
        var cause = SingleCause(PodWith(c => c with
        {
            Resources = new ResourceRequirements
            {
                Limits = new Dictionary<string, string> { ["cpu"] = "500m" },
                Requests = new Dictionary<string, string> { ["cpu"] = "1" },
            },
        }));

        Assert.Equal(new FieldCause("spec.containers[0].resources.requests", "FieldValueInvalid", "Invalid value: \"1\": must be less than or equal to cpu limit of 500m"), cause);
    }

    [Fact]
    public void Validate_RequestEqualToLimitInOtherUnits_Valid()
    {
        Assert.Empty(Causes(PodWith(c => c with
        {
            Resources = new ResourceRequirements
            {
                Limits = new Dictionary<string, string> { ["cpu"] = "1", ["memory"] = "1Gi" },
                Requests = new Dictionary<string, string> { ["cpu"] = "1000m", ["memory"] = "1024Mi" },
            },
        })));
    }

    [Fact]
    public void Validate_DnsPolicyNone_WithoutNameservers_RequiredAsKubernetesSays()
    {
        Assert.Equal(new FieldCause("spec.dnsConfig", "FieldValueRequired", "Required value: must provide `dnsConfig` when `dnsPolicy` is None"),
            SingleCause(PodWith(c => c, s => s with { DnsPolicy = "None" })));
        Assert.Equal(new FieldCause("spec.dnsConfig.nameservers", "FieldValueRequired", "Required value: must provide at least one DNS nameserver when `dnsPolicy` is None"),
            SingleCause(PodWith(c => c, s => s with { DnsPolicy = "None", DnsConfig = new PodDNSConfig { Searches = ["example.test"] } })));
        Assert.Empty(Causes(PodWith(c => c, s => s with { DnsPolicy = "None", DnsConfig = new PodDNSConfig { Nameservers = ["192.0.2.1"] } })));
    }

    [Fact]
    public void Validate_DnsSettings_UnknownPolicyTooManyOrBadNameserversAndBadHostname_Invalid()
    {
        Assert.Equal(new FieldCause("spec.dnsPolicy", "FieldValueNotSupported", "Unsupported value: \"Cluster\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""),
            SingleCause(PodWith(c => c, s => s with { DnsPolicy = "Cluster" })));
        Assert.Equal(new FieldCause("spec.dnsConfig.nameservers", "FieldValueInvalid", "Invalid value: []string{\"192.0.2.1\", \"192.0.2.2\", \"192.0.2.3\", \"192.0.2.4\"}: must not have more than 3 nameservers"),
            SingleCause(PodWith(c => c, s => s with { DnsConfig = new PodDNSConfig { Nameservers = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"] } })));
        Assert.Equal(new FieldCause("spec.dnsConfig.nameservers[0]", "FieldValueInvalid", "Invalid value: \"dns.example\": must be valid IP address"),
            SingleCause(PodWith(c => c, s => s with { DnsConfig = new PodDNSConfig { Nameservers = ["dns.example"] } })));
        Assert.Equal("spec.hostname", SingleCause(PodWith(c => c, s => s with { Hostname = "Web_0" })).Field);
    }

    [Fact]
    public void Validate_UnknownRestartPolicy_NotSupportedWithTheThreeValues()
    {
        var cause = SingleCause(PodWith(c => c, s => s with { RestartPolicy = "Sometimes" }));

        Assert.Equal(new FieldCause("spec.restartPolicy", "FieldValueNotSupported", "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""), cause);
    }

    [Theory]
    [InlineData("Always")]
    [InlineData("OnFailure")]
    [InlineData("Never")]
    public void Validate_KnownRestartPolicyOnPod_Valid(string policy)
    {
        Assert.Empty(Causes(PodWith(c => c, s => s with { RestartPolicy = policy })));
    }

    [Fact]
    public void Validate_DeploymentTemplateRestartPolicyNever_OnlyAlwaysSupported()
    {
        var deployment = DeploymentWith(s => s with { Template = s.Template with { Spec = s.Template.Spec with { RestartPolicy = "Never" } } });

        Assert.Equal(new FieldCause("spec.template.spec.restartPolicy", "FieldValueNotSupported", "Unsupported value: \"Never\": supported values: \"Always\""), SingleCause(deployment));
    }

    [Fact]
    public void Validate_VolumeMountOfMissingVolume_NotFoundOnMountName()
    {
        var cause = SingleCause(PodWith(c => c with { VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }] }));

        Assert.Equal(new FieldCause("spec.containers[0].volumeMounts[0].name", "FieldValueNotFound", "Not found: \"data\""), cause);
    }

    [Fact]
    public void Validate_VolumeMountOfDeclaredVolume_Valid()
    {
        var pod = PodWith(
            c => c with { VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }] },
            s => s with { Volumes = [new Volume { Name = "data", EmptyDir = new EmptyDirVolumeSource() }] });

        Assert.Empty(Causes(pod));
    }

    [Fact]
    public void Validate_VolumeMountWithoutPath_RequiredOnMountPath()
    {
        var pod = PodWith(
            c => c with { VolumeMounts = [new VolumeMount { Name = "data", MountPath = "" }] },
            s => s with { Volumes = [new Volume { Name = "data", EmptyDir = new EmptyDirVolumeSource() }] });

        Assert.Equal("spec.containers[0].volumeMounts[0].mountPath", SingleCause(pod).Field);
    }

    [Fact]
    public void Validate_VolumeWithoutSource_RequiredVolumeType()
    {
        var cause = SingleCause(PodWith(c => c, s => s with { Volumes = [new Volume { Name = "data" }] }));

        Assert.Equal(new FieldCause("spec.volumes[0]", "FieldValueRequired", "Required value: must specify a volume type"), cause);
    }

    [Fact]
    public void Validate_VolumeWithTwoSources_Forbidden()
    {
        var cause = SingleCause(PodWith(c => c, s => s with { Volumes = [new Volume { Name = "data", EmptyDir = new EmptyDirVolumeSource(), HostPath = new HostPathVolumeSource { Path = "/tmp" } }] }));

        Assert.Equal(new FieldCause("spec.volumes[0]", "FieldValueForbidden", "Forbidden: may not specify more than 1 volume type"), cause);
    }

    [Fact]
    public void Validate_DuplicateVolumeNames_DuplicateOnTheSecond()
    {
        var volume = new Volume { Name = "data", EmptyDir = new EmptyDirVolumeSource() };

        Assert.Equal(new FieldCause("spec.volumes[1].name", "FieldValueDuplicate", "Duplicate value: \"data\""), SingleCause(PodWith(c => c, s => s with { Volumes = [volume, volume] })));
    }

    [Fact]
    public void Validate_UnknownImagePullPolicy_NotSupported()
    {
        var cause = SingleCause(PodWith(c => c with { ImagePullPolicy = "Sometimes" }));

        Assert.Equal(new FieldCause("spec.containers[0].imagePullPolicy", "FieldValueNotSupported", "Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\""), cause);
    }

    [Fact]
    public void Validate_ProbeWithoutHandler_RequiredHandlerType()
    {
        var cause = SingleCause(PodWith(c => c with { ReadinessProbe = new Probe { PeriodSeconds = 5 } }));

        Assert.Equal(new FieldCause("spec.containers[0].readinessProbe", "FieldValueRequired", "Required value: must specify a handler type"), cause);
    }

    [Fact]
    public void Validate_ProbeWithTwoHandlers_Forbidden()
    {
        var probe = new Probe { Exec = new ExecAction { Command = ["true"] }, TcpSocket = new TcpSocketAction { Port = 80 } };

        Assert.Equal("spec.containers[0].livenessProbe", SingleCause(PodWith(c => c with { LivenessProbe = probe })).Field);
    }

    [Fact]
    public void Validate_EnvVarWithoutName_RequiredOnName()
    {
        Assert.Equal("spec.containers[0].env[1].name", SingleCause(PodWith(c => c with { Env = [new EnvVar { Name = "A", Value = "1" }, new EnvVar { Value = "2" }] })).Field);
    }

    [Fact]
    public void Validate_NegativeTerminationGracePeriod_Invalid()
    {
        Assert.Equal(
            new FieldCause("spec.terminationGracePeriodSeconds", "FieldValueInvalid", "Invalid value: -5: must be greater than or equal to 0"),
            SingleCause(PodWith(c => c, s => s with { TerminationGracePeriodSeconds = -5 })));
    }

    [Fact]
    public void Validate_UnknownTolerationOperatorAndEffect_NotSupported()
    {
        var pod = PodWith(c => c, s => s with { Tolerations = [new Toleration { Key = "k", Operator = "Contains", Effect = "NoRun" }] });

        Assert.Equal(["spec.tolerations[0].operator", "spec.tolerations[0].effect"], Causes(pod).Select(c => c.Field));
    }

    [Fact]
    public void Validate_SeveralProblems_AllReported()
    {
        var pod = Samples.Pod(name: "Bad", spec: Samples.PodSpec(
            Samples.Container("app", image: null) with { Ports = [new ContainerPort { Number = 0 }] },
            Samples.Container("app")));

        Assert.Equal(
            ["metadata.name", "spec.containers[0].image", "spec.containers[0].ports[0].containerPort", "spec.containers[1].name"],
            Causes(pod).Select(c => c.Field));
    }

    [Theory]
    [InlineData("-bad", "web")]
    [InlineData("bad key", "web")]
    [InlineData("example.com/", "web")]
    [InlineData("Example_Com/app", "web")]
    public void Validate_InvalidLabelKey_InvalidOnLabels(string key, string value)
    {
        var pod = Samples.Pod() with { Metadata = Samples.Pod().Metadata with { Labels = Samples.Labels((key, value)) } };

        var cause = SingleCause(pod);

        Assert.Equal("metadata.labels", cause.Field);
        Assert.StartsWith($"Invalid value: \"{key}\": ", cause.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("-web")]
    [InlineData("web/v1")]
    public void Validate_InvalidLabelValue_InvalidOnLabels(string value)
    {
        var pod = Samples.Pod() with { Metadata = Samples.Pod().Metadata with { Labels = Samples.Labels(("app", value)) } };

        var cause = SingleCause(pod);

        Assert.Equal("metadata.labels", cause.Field);
        Assert.StartsWith($"Invalid value: \"{value}\": a valid label must be an empty string", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LabelValueOf64Characters_Invalid()
    {
        var pod = Samples.Pod() with { Metadata = Samples.Pod().Metadata with { Labels = Samples.Labels(("app", new string('a', 64))) } };

        Assert.Equal("metadata.labels", SingleCause(pod).Field);
    }

    [Fact]
    public void Validate_ValidLabels_NoCauses()
    {
        var labels = Samples.Labels(("app.kubernetes.io/name", "web"), ("tier", ""), ("Version_2", "v1.2.3"), ("a", new string('a', 63)));

        Assert.Empty(Causes(Samples.Pod() with { Metadata = Samples.Pod().Metadata with { Labels = labels } }));
    }

    [Fact]
    public void Validate_InvalidAnnotationKeyButAnyValue_OnlyTheKeyIsInvalid()
    {
        var annotations = new Dictionary<string, string> { ["a/b/c"] = "x", ["kubectl.kubernetes.io/last-applied-configuration"] = "{\"any\": \"json /value\"}" };

        var cause = SingleCause(Samples.Pod() with { Metadata = Samples.Pod().Metadata with { Annotations = annotations } });

        Assert.Equal("metadata.annotations", cause.Field);
        Assert.StartsWith("Invalid value: \"a/b/c\"", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InvalidTemplateLabelKey_TemplateMetadataPath()
    {
        var deployment = DeploymentWith(s => s with { Template = s.Template with { Metadata = new ObjectMeta { Labels = Samples.Labels(("app", "web"), ("-x", "y")) } } });

        Assert.Equal("spec.template.metadata.labels", SingleCause(deployment).Field);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, "0%")]
    [InlineData("0%", 0)]
    public void Validate_MaxSurgeAndMaxUnavailableBothZero_InvalidOnMaxUnavailable(object maxSurge, object maxUnavailable)
    {
        var deployment = DeploymentWithStrategy(ToIntOrString(maxSurge), ToIntOrString(maxUnavailable));

        var cause = SingleCause(deployment);

        Assert.Equal("spec.strategy.rollingUpdate.maxUnavailable", cause.Field);
        Assert.EndsWith("may not be 0 when `maxSurge` is 0", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MaxUnavailableAbove100Percent_Invalid()
    {
        var cause = SingleCause(DeploymentWithStrategy(1, "150%"));

        Assert.Equal(new FieldCause("spec.strategy.rollingUpdate.maxUnavailable", "FieldValueInvalid", "Invalid value: \"150%\": must not be greater than 100%"), cause);
    }

    [Fact]
    public void Validate_MaxSurgeAbove100Percent_Valid()
    {
        // Kubernetes caps only maxUnavailable at 100%; a surge of 200% (triple capacity during a rollout) is legal.
        Assert.Empty(Causes(DeploymentWithStrategy("200%", 0)));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("25")]
    [InlineData("-5%")]
    [InlineData("%")]
    public void Validate_MalformedPercent_PercentMessage(string value)
    {
        var cause = SingleCause(DeploymentWithStrategy(value, 1));

        Assert.Equal("spec.strategy.rollingUpdate.maxSurge", cause.Field);
        Assert.Contains("a valid percent string must be a numeric string followed by an ending '%'", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NegativeMaxSurge_Invalid()
    {
        Assert.Equal(
            new FieldCause("spec.strategy.rollingUpdate.maxSurge", "FieldValueInvalid", "Invalid value: -1: must be greater than or equal to 0"),
            SingleCause(DeploymentWithStrategy(-1, 1)));
    }

    [Fact]
    public void Validate_UnknownStrategyType_NotSupported()
    {
        var cause = SingleCause(DeploymentWith(s => s with { Strategy = new DeploymentStrategy { Type = "BlueGreen" } }));

        Assert.Equal(new FieldCause("spec.strategy.type", "FieldValueNotSupported", "Unsupported value: \"BlueGreen\": supported values: \"Recreate\", \"RollingUpdate\""), cause);
    }

    [Fact]
    public void Validate_RecreateWithRollingUpdateParameters_Forbidden()
    {
        var cause = SingleCause(DeploymentWith(s => s with { Strategy = new DeploymentStrategy { Type = "Recreate", RollingUpdate = new RollingUpdateDeployment { MaxSurge = 1 } } }));

        Assert.Equal("spec.strategy.rollingUpdate", cause.Field);
        Assert.Equal("FieldValueForbidden", cause.Reason);
    }

    [Fact]
    public void Validate_ServiceWithoutPorts_RequiredOnPorts()
    {
        var service = Samples.Service() with { Spec = Samples.Service().Spec with { Ports = null } };

        Assert.Equal(new FieldCause("spec.ports", "FieldValueRequired", "Required value"), SingleCause(service));
    }

    [Fact]
    public void Validate_HeadlessOrExternalNameServiceWithoutPorts_Valid()
    {
        Assert.Empty(Causes(Samples.Service() with { Spec = new ServiceSpec { ClusterIP = "None", Selector = Samples.Labels(("app", "db")) } }));
        Assert.Empty(Causes(Samples.Service() with { Spec = new ServiceSpec { Type = "ExternalName", ExternalName = "db.example.com" } }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Validate_ServicePortOutOfRange_InvalidOnPort(int port)
    {
        Assert.Equal(
            new FieldCause("spec.ports[0].port", "FieldValueInvalid", $"Invalid value: {port}: must be between 1 and 65535, inclusive"),
            SingleCause(Samples.Service(ports: new ServicePort { Port = port })));
    }

    [Fact]
    public void Validate_ServiceTargetPortOutOfRange_InvalidOnTargetPort()
    {
        Assert.Equal("spec.ports[0].targetPort", SingleCause(Samples.Service(ports: new ServicePort { Port = 80, TargetPort = 70000 })).Field);
    }

    [Fact]
    public void Validate_ServiceNamedTargetPort_Valid()
    {
        Assert.Empty(Causes(Samples.Service(ports: new ServicePort { Port = 80, TargetPort = "http" })));
    }

    [Fact]
    public void Validate_TwoUnnamedServicePorts_NameRequiredOnEach()
    {
        var service = Samples.Service(ports: [new ServicePort { Port = 80 }, new ServicePort { Port = 443 }]);

        Assert.Equal(["spec.ports[0].name", "spec.ports[1].name"], Causes(service).Select(c => c.Field));
    }

    [Fact]
    public void Validate_DuplicateServicePortNames_DuplicateOnTheSecond()
    {
        var service = Samples.Service(ports: [new ServicePort { Name = "web", Port = 80 }, new ServicePort { Name = "web", Port = 443 }]);

        Assert.Equal(new FieldCause("spec.ports[1].name", "FieldValueDuplicate", "Duplicate value: \"web\""), SingleCause(service));
    }

    [Fact]
    public void Validate_NodePortOnClusterIpService_Forbidden()
    {
        var cause = SingleCause(Samples.Service(ports: new ServicePort { Port = 80, NodePort = 30080 }));

        Assert.Equal("spec.ports[0].nodePort", cause.Field);
        Assert.Equal("FieldValueForbidden", cause.Reason);
    }

    [Fact]
    public void Validate_NodePortOnNodePortService_Valid()
    {
        var service = Samples.Service(ports: new ServicePort { Port = 80, NodePort = 30080 });

        Assert.Empty(Causes(service with { Spec = service.Spec with { Type = "NodePort" } }));
    }

    [Fact]
    public void Validate_UnknownServiceType_NotSupported()
    {
        var service = Samples.Service();

        Assert.Equal("spec.type", SingleCause(service with { Spec = service.Spec with { Type = "Internal" } }).Field);
    }

    [Fact]
    public void Validate_ConfigMapKeyWithSpace_InvalidOnDataKey()
    {
        var cm = new ConfigMap { Metadata = new ObjectMeta { Name = "cfg" }, Data = new Dictionary<string, string> { ["bad key"] = "x", ["good_key.txt"] = "y" } };

        var cause = SingleCause(cm);

        Assert.Equal("data[bad key]", cause.Field);
        Assert.StartsWith("Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConfigMapBinaryDataKeyWithSpace_InvalidOnBinaryDataKey()
    {
        var cm = new ConfigMap { Metadata = new ObjectMeta { Name = "cfg" }, BinaryData = new Dictionary<string, byte[]> { ["bad key"] = [1] } };

        Assert.Equal("binaryData[bad key]", SingleCause(cm).Field);
    }

    [Fact]
    public void Validate_SecretKeyWithSlash_InvalidOnDataKey()
    {
        var secret = new Secret { Metadata = new ObjectMeta { Name = "creds" }, Data = new Dictionary<string, byte[]> { ["a/b"] = [1] } };

        Assert.Equal("data[a/b]", SingleCause(secret).Field);
    }

    private static IntOrString ToIntOrString(object value) => value is int i ? IntOrString.FromInt(i) : IntOrString.FromString((string)value);

    public static TheoryData<string, string> DotNamesOfEveryKind()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in ResourceKinds.All)
            foreach (var name in new[] { ".", ".." })
                data.Add(kind.Kind, name);
        return data;
    }

    [Theory, MemberData(nameof(DotNamesOfEveryKind))]
    public void NameProblem_DotOrDotDot_RefusedForEveryKind(string kind, string name)
    {
        Assert.NotNull(Validation.NameProblem(ResourceKinds.All.Single(k => k.Kind == kind), name));
    }
}
