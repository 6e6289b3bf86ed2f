using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Tables;

namespace OrleansOrchestrator.Silo.Tests.Api.Tables;

public class TableColumnsTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, object?> Cells(KubeObject obj) =>
        TableColumns.For(ResourceKinds.Of(obj)).ToDictionary(c => c.Name, c => c.Cell(obj, Now));

    /// <summary>Compares the named cells only, showing every compared cell on failure.</summary>
    private static void AssertCells(KubeObject obj, params (string Column, object? Value)[] expected)
    {
        var cells = Cells(obj);
        Assert.Equal(expected, expected.Select(e => (e.Column, cells[e.Column])));
    }

    private static IEnumerable<string> Names(ResourceKind kind, int priority) =>
        TableColumns.For(kind).Where(c => c.Priority == priority).Select(c => c.Name);

    private static ContainerStatus Status(string name, bool ready, int restarts = 0, DateTimeOffset? lastFinished = null) => new()
    {
        Name = name,
        Ready = ready,
        RestartCount = restarts,
        State = new ContainerState { Running = new ContainerStateRunning { StartedAt = Now.AddMinutes(-1) } },
        LastState = lastFinished is null ? null : new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = 1, Reason = "Error", FinishedAt = lastFinished } },
    };

    private static Pod TwoContainerPod(params ContainerStatus[] statuses) => new()
    {
        Metadata = new ObjectMeta { Name = "web-1", Namespace = "default", CreationTimestamp = Now.AddMinutes(-5) },
        Spec = new PodSpec { NodeName = "n1", Containers = [new Container { Name = "app" }, new Container { Name = "proxy" }] },
        Status = new PodStatus { Phase = "Running", PodIP = "10.1.0.7", ContainerStatuses = statuses },
    };

    [Fact]
    public void For_Pod_KubectlGetPodsColumnsAndWideColumns()
    {
        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age"], Names(ResourceKinds.Pod, 0));
        Assert.Equal(["IP", "Node", "Nominated Node", "Readiness Gates"], Names(ResourceKinds.Pod, 1));
    }

    [Fact]
    public void For_Deployment_KubectlColumnsAndWideColumns()
    {
        Assert.Equal(["Name", "Ready", "Up-to-date", "Available", "Age"], Names(ResourceKinds.Deployment, 0));
        Assert.Equal(["Containers", "Images", "Selector"], Names(ResourceKinds.Deployment, 1));
    }

    [Fact]
    public void For_Service_KubectlColumnsAndWideSelector()
    {
        Assert.Equal(["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age"], Names(ResourceKinds.Service, 0));
        Assert.Equal(["Selector"], Names(ResourceKinds.Service, 1));
    }

    [Fact]
    public void For_Node_KubectlColumnsAndWideColumns()
    {
        Assert.Equal(["Name", "Status", "Roles", "Age", "Version"], Names(ResourceKinds.Node, 0));
        Assert.Equal(["Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"], Names(ResourceKinds.Node, 1));
    }

    [Fact]
    public void For_EveryKind_UniqueNamesPriorityZeroOrOneAndAName()
    {
        foreach (var kind in ResourceKinds.All)
        {
            var columns = TableColumns.For(kind);

            Assert.Equal(columns.Count, columns.Select(c => c.Name).Distinct().Count());
            Assert.All(columns, c => Assert.InRange(c.Priority, 0, 1));
            Assert.Contains(columns, c => c.Name == "Name");
            Assert.Contains(columns, c => c.Priority == 0);
        }
    }

    [Fact]
    public void For_EveryKind_CellsOfAnEmptyObjectDoNotThrow()
    {
        foreach (var kind in ResourceKinds.All)
        {
            var empty = (KubeObject)Activator.CreateInstance(kind.ClrType)!;

            foreach (var column in TableColumns.For(kind))
                Assert.Null(Record.Exception(() => column.Cell(empty, Now)));
        }
    }

    [Fact]
    public void Cell_PodOneOfTwoReady_ReadyOneOfTwo()
    {
        AssertCells(
            TwoContainerPod(Status("app", ready: true), Status("proxy", ready: false)),
            ("Ready", "1/2"),
            ("Status", "Running"),
            ("Name", "web-1"),
            ("Age", "5m"),
            ("IP", "10.1.0.7"),
            ("Node", "n1"),
            ("Nominated Node", "<none>"));
    }

    [Fact]
    public void Cell_PodWithoutStatus_ZeroReadyAndNoneForIp()
    {
        var pod = new Pod { Metadata = new ObjectMeta { Name = "p" }, Spec = new PodSpec { Containers = [new Container { Name = "app" }] } };

        AssertCells(
            pod,
            ("Ready", "0/1"),
            ("Status", "Pending"),
            ("Restarts", "0"),
            ("IP", "<none>"),
            ("Node", "<none>"),
            ("Age", "<unknown>"));
    }

    [Fact]
    public void Cell_PodWaitingInCrashLoop_StatusCrashLoopBackOff()
    {
        var crashing = new ContainerStatus { Name = "app", RestartCount = 4, State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = "CrashLoopBackOff" } } };

        Assert.Equal("CrashLoopBackOff", Cells(TwoContainerPod(crashing, Status("proxy", ready: true)))["Status"]);
    }

    [Fact]
    public void Cell_PodBeingDeleted_StatusTerminating()
    {
        var pod = TwoContainerPod(Status("app", true), Status("proxy", true));

        Assert.Equal("Terminating", Cells(pod with { Metadata = pod.Metadata with { DeletionTimestamp = Now } })["Status"]);
    }

    [Fact]
    public void Cell_PodInitializing_StatusInitZeroOfOne()
    {
        var pod = TwoContainerPod() with
        {
            Spec = TwoContainerPod().Spec with { InitContainers = [new Container { Name = "init" }] },
            Status = new PodStatus { Phase = "Pending", InitContainerStatuses = [new ContainerStatus { Name = "init", State = new ContainerState { Running = new ContainerStateRunning() } }] },
        };

        Assert.Equal("Init:0/1", Cells(pod)["Status"]);
    }

    [Fact]
    public void Cell_PodRestartsWithoutLastTermination_SumOfContainers()
    {
        Assert.Equal("3", Cells(TwoContainerPod(Status("app", true, restarts: 1), Status("proxy", true, restarts: 2)))["Restarts"]);
    }

    [Fact]
    public void Cell_PodRestartsWithLastTermination_CountAndHowLongAgo()
    {
        // kubectl (1.24+) prints the time since the most recent container termination: "3 (2m ago)".
        var pod = TwoContainerPod(Status("app", true, restarts: 1, lastFinished: Now.AddMinutes(-10)), Status("proxy", true, restarts: 2, lastFinished: Now.AddMinutes(-2)));

        Assert.Equal("3 (2m ago)", Cells(pod)["Restarts"]);
    }

    [Fact]
    public void Cell_PodWithCrashingInitContainer_RestartsOfTheInitContainer()
    {
        // While a pod initializes, kubectl counts the restarts of its init containers.
        var pod = TwoContainerPod() with
        {
            Spec = TwoContainerPod().Spec with { InitContainers = [new Container { Name = "init" }] },
            Status = new PodStatus
            {
                Phase = "Pending",
                InitContainerStatuses = [new ContainerStatus { Name = "init", RestartCount = 4, State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = "CrashLoopBackOff" } } }],
            },
        };

        AssertCells(
            pod,
            ("Status", "Init:CrashLoopBackOff"),
            ("Restarts", "4"));
    }

    [Fact]
    public void Cell_DeploymentStatus_ReadyOfDesiredAndCounts()
    {
        var deployment = Samples.Deployment(replicas: 3, spec: Samples.PodSpec(Samples.Container("app", "nginx:1.25"), Samples.Container("proxy", "envoy:1.30"))) with
        {
            Status = new DeploymentStatus { ReadyReplicas = 2, UpdatedReplicas = 3, AvailableReplicas = 2 },
        };

        AssertCells(
            deployment,
            ("Ready", "2/3"),
            ("Up-to-date", 3),
            ("Available", 2),
            ("Containers", "app,proxy"),
            ("Images", "nginx:1.25,envoy:1.30"),
            ("Selector", "app=web"));
    }

    [Fact]
    public void Cell_NewDeployment_ZerosNotBlanks()
    {
        AssertCells(
            Samples.Deployment(replicas: 2),
            ("Ready", "0/2"),
            ("Up-to-date", 0),
            ("Available", 0));
    }

    [Fact]
    public void For_DeploymentCountColumns_IntegerType()
    {
        var columns = TableColumns.For(ResourceKinds.Deployment).ToDictionary(c => c.Name);

        Assert.Equal("integer", columns["Up-to-date"].Type);
        Assert.Equal("integer", columns["Available"].Type);
        Assert.Equal("string", columns["Ready"].Type);
        Assert.Equal("name", columns["Name"].Format);
    }

    [Fact]
    public void Cell_ClusterIpService_PortsWithProtocolAndNoExternalIp()
    {
        var service = Samples.Service(ports: [new ServicePort { Name = "http", Port = 80, Protocol = "TCP" }, new ServicePort { Name = "dns", Port = 53, Protocol = "UDP" }]);
        service = service with { Spec = service.Spec with { Type = "ClusterIP", ClusterIP = "10.96.0.10" } };

        AssertCells(
            service,
            ("Type", "ClusterIP"),
            ("Cluster-IP", "10.96.0.10"),
            ("External-IP", "<none>"),
            ("Port(s)", "80/TCP,53/UDP"),
            ("Selector", "app=web"));
    }

    [Fact]
    public void Cell_NodePortService_PortColonNodePort()
    {
        var service = Samples.Service(ports: new ServicePort { Port = 443, NodePort = 30443, Protocol = "TCP" });

        Assert.Equal("443:30443/TCP", Cells(service with { Spec = service.Spec with { Type = "NodePort" } })["Port(s)"]);
    }

    [Fact]
    public void Cell_LoadBalancerServiceWithoutIngress_Pending()
    {
        var service = Samples.Service();

        Assert.Equal("<pending>", Cells(service with { Spec = service.Spec with { Type = "LoadBalancer" } })["External-IP"]);
    }

    [Fact]
    public void Cell_LoadBalancerServiceWithIngress_IngressAddresses()
    {
        var service = Samples.Service();
        service = service with
        {
            Spec = service.Spec with { Type = "LoadBalancer" },
            Status = new ServiceStatus { LoadBalancer = new LoadBalancerStatus { Ingress = [new LoadBalancerIngress { Ip = "203.0.113.5" }, new LoadBalancerIngress { Hostname = "lb.example.com" }] } },
        };

        Assert.Equal("203.0.113.5,lb.example.com", Cells(service)["External-IP"]);
    }

    [Fact]
    public void Cell_ExternalNameService_ExternalNameAsExternalIp()
    {
        var service = Samples.Service() with { Spec = new ServiceSpec { Type = "ExternalName", ExternalName = "db.example.com" } };

        AssertCells(
            service,
            ("External-IP", "db.example.com"),
            ("Port(s)", "<none>"),
            ("Selector", "<none>"));
    }

    private static Node Node(string? ready, bool unschedulable = false, params string[] roleLabels) => new()
    {
        Metadata = new ObjectMeta { Name = "n1", CreationTimestamp = Now.AddDays(-3), Labels = roleLabels.ToDictionary(l => l, _ => "") },
        Spec = new NodeSpec { Unschedulable = unschedulable },
        Status = new NodeStatus
        {
            Conditions = ready is null ? [] : [new Condition { Type = "MemoryPressure", Status = "False" }, new Condition { Type = "Ready", Status = ready }],
            Addresses = [new NodeAddress { Type = "InternalIP", Address = "192.168.1.10" }, new NodeAddress { Type = "Hostname", Address = "n1" }],
            NodeInfo = new NodeSystemInfo { KubeletVersion = "v1.32.0", OsImage = "Ubuntu 24.04", KernelVersion = "6.8.0", ContainerRuntimeVersion = "docker://27.0.1" },
        },
    };

    [Theory]
    [InlineData("True", false, "Ready")]
    [InlineData("False", false, "NotReady")]
    [InlineData("Unknown", false, "NotReady")]
    [InlineData(null, false, "Unknown")]
    [InlineData("True", true, "Ready,SchedulingDisabled")]
    public void Cell_NodeReadyCondition_StatusText(string? ready, bool unschedulable, string expected)
    {
        Assert.Equal(expected, Cells(Node(ready, unschedulable))["Status"]);
    }

    [Fact]
    public void Cell_NodeRoleLabels_SortedRoleNames()
    {
        AssertCells(
            Node("True", false, "node-role.kubernetes.io/worker", "node-role.kubernetes.io/control-plane", "kubernetes.io/hostname"),
            ("Roles", "control-plane,worker"));
    }

    [Fact]
    public void Cell_NodeWithoutRoles_None()
    {
        Assert.Equal("<none>", Cells(Node("True"))["Roles"]);
    }

    [Fact]
    public void Cell_NodeInfo_VersionAgeAndWideColumns()
    {
        AssertCells(
            Node("True"),
            ("Version", "v1.32.0"),
            ("Age", "3d"),
            ("Internal-IP", "192.168.1.10"),
            ("External-IP", "<none>"),
            ("OS-Image", "Ubuntu 24.04"),
            ("Kernel-Version", "6.8.0"),
            ("Container-Runtime", "docker://27.0.1"));
    }

    [Fact]
    public void Cell_ReplicaSet_DesiredCurrentReady()
    {
        var rs = new ReplicaSet { Metadata = new ObjectMeta { Name = "web-5d4f" }, Spec = new ReplicaSetSpec { Replicas = 3 }, Status = new ReplicaSetStatus { Replicas = 3, ReadyReplicas = 1 } };

        AssertCells(rs, ("Desired", 3), ("Current", 3), ("Ready", 1));
    }

    [Fact]
    public void Cell_NamespaceConfigMapSecret_StatusAndDataCounts()
    {
        Assert.Equal("Active", Cells(new Namespace { Status = new NamespaceStatus { Phase = "Active" } })["Status"]);
        Assert.Equal("Terminating", Cells(new Namespace { Status = new NamespaceStatus { Phase = "Terminating" } })["Status"]);
        Assert.Equal(3, Cells(new ConfigMap { Data = new Dictionary<string, string> { ["a"] = "", ["b"] = "" }, BinaryData = new Dictionary<string, byte[]> { ["c"] = [] } })["Data"]);
        var secretCells = Cells(new Secret { Type = "Opaque", Data = new Dictionary<string, byte[]> { ["a"] = [1] } });
        Assert.Equal("Opaque", secretCells["Type"]);
        Assert.Equal(1, secretCells["Data"]);
    }

    [Fact]
    public void Cell_EndpointsWithMoreThanThree_FirstThreeAndCount()
    {
        var endpoints = new Endpoints
        {
            Subsets =
            [
                new EndpointSubset
                {
                    Addresses = new[] { "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4" }.Select(ip => new EndpointAddress { Ip = ip }).ToList(),
                    Ports = [new EndpointPort { Port = 8080 }],
                },
            ],
        };

        Assert.Equal("10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 1 more...", Cells(endpoints)["Endpoints"]);
        Assert.Equal("<none>", Cells(new Endpoints())["Endpoints"]);
    }

    [Fact]
    public void Cell_Event_ObjectKindLowercaseSlashName()
    {
        var ev = new Event
        {
            InvolvedObject = new ObjectReference { Kind = "Pod", Name = "web-1", FieldPath = "spec.containers{app}" },
            Type = "Warning",
            Reason = "BackOff",
            Message = "Back-off restarting failed container",
            LastTimestamp = Now.AddSeconds(-30),
            FirstTimestamp = Now.AddMinutes(-4),
            Count = 5,
        };

        AssertCells(
            ev,
            ("Last Seen", "30s"),
            ("Type", "Warning"),
            ("Reason", "BackOff"),
            ("Object", "pod/web-1"),
            ("Message", "Back-off restarting failed container"),
            ("First Seen", "4m"),
            ("Count", 5));
    }
}
