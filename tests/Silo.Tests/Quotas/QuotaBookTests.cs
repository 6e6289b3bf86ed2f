using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Quotas;

namespace OrleansOrchestrator.Silo.Tests.Quotas;

public sealed class QuotaBookTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");

    private static ResourceQuota Quota(string name, params (string Name, string Hard)[] hard) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new ResourceQuotaSpec { Hard = hard.ToDictionary(h => h.Name, h => h.Hard) },
    };

    private static Pod Pod(string name, string? cpu = null, string? memory = null, string? cpuLimit = null, string? phase = null)
    {
        var requests = new Dictionary<string, string>();
        if (cpu is not null) requests["cpu"] = cpu;
        if (memory is not null) requests["memory"] = memory;
        var limits = cpuLimit is null ? null : new Dictionary<string, string> { ["cpu"] = cpuLimit };
        var pod = Samples.Pod(name, Samples.PodSpec(Samples.Container("web") with { Resources = new ResourceRequirements { Requests = requests, Limits = limits } }));
        return pod with { Metadata = pod.Metadata with { Uid = "uid-" + name }, Status = phase is null ? null : new PodStatus { Phase = phase } };
    }

    private static string Key(KubeObject obj) => StoreKeys.Object("t1", ResourceKinds.Of(obj), "default", obj.Metadata.Name!);

    private static QuotaBook Book(IReadOnlyList<ResourceQuota> quotas, params KubeObject[] stored)
    {
        var book = new QuotaBook();
        book.SetQuotas(quotas);
        book.Reset(quotas, stored.Select(o => (Key(o), o)), Now);
        return book;
    }

    [Fact]
    public void ThirdPod_UnderAQuotaOfTwo_IsRefusedWithKubernetesMessage()
    {
        var book = Book([Quota("pod-quota", ("pods", "2"))], Pod("a"), Pod("b"));

        Assert.Equal("exceeded quota: pod-quota, requested: pods=1, used: pods=2, limited: pods=2", book.Reserve(Key(Pod("c")), Pod("c"), Now));
    }

    [Fact]
    public void TwoCreatesRacingForTheLastSlot_OnlyTheFirstReserves_UntilTheFirstIsAbandoned()
    {
        var book = Book([Quota("pod-quota", ("pods", "2"))], Pod("a"));

        Assert.Null(book.Reserve(Key(Pod("b")), Pod("b"), Now));
        Assert.StartsWith("exceeded quota: pod-quota", book.Reserve(Key(Pod("c")), Pod("c"), Now));

        book.Abandon(Key(Pod("b")), "uid-b");
        Assert.Null(book.Reserve(Key(Pod("c")), Pod("c"), Now));
    }

    [Fact]
    public void RecountFromAListingThatLagsTheCommits_ForgetsNothingCommitted()
    {
        var quota = Quota("pod-quota", ("pods", "2"));
        var book = Book([quota]);
        Assert.Null(book.Reserve(Key(Pod("a")), Pod("a"), Now));
        book.Commit(Key(Pod("a")), Pod("a"), Now);

        // The recount's listing does not show a yet: a still counts, so only one more pod fits.
        book.Reset([quota], [], Now + TimeSpan.FromSeconds(1));
        Assert.Equal(1m, book.Used(quota)["pods"]);

        // a is deleted, and the next listing still shows it: it no longer counts.
        book.Commit(Key(Pod("a")), null, Now + TimeSpan.FromSeconds(2));
        book.Reset([quota], [(Key(Pod("a")), Pod("a"))], Now + TimeSpan.FromSeconds(3));
        Assert.Equal(0m, book.Used(quota)["pods"]);

        // Long after, the listing is the truth again.
        book.Reset([quota], [(Key(Pod("x")), Pod("x"))], Now + QuotaBook.ListLag + TimeSpan.FromSeconds(3));
        Assert.Equal(1m, book.Used(quota)["pods"]);
    }

    [Fact]
    public void WritesAdmittedWhileARecountListed_SurviveItsReset()
    {
        // The recount listed the store (a, b stored) and then waited; meanwhile c was reserved, d committed and a deleted.
        var quota = Quota("pod-quota", ("pods", "3"));
        var book = Book([quota], Pod("a"), Pod("b"));
        var listing = new[] { (Key(Pod("a")), (KubeObject)Pod("a")), (Key(Pod("b")), Pod("b")) };
        Assert.Null(book.Reserve(Key(Pod("c")), Pod("c"), Now));
        book.Commit(Key(Pod("a")), null, Now);
        Assert.Null(book.Reserve(Key(Pod("d")), Pod("d"), Now));
        book.Commit(Key(Pod("d")), Pod("d"), Now);

        book.Reset([quota], listing, Now + TimeSpan.FromSeconds(1));

        // b and d stored, c reserved: the quota is full, as it was before the recount applied its older listing.
        Assert.Equal(3, book.Used(quota)["pods"]);
        Assert.StartsWith("exceeded quota: pod-quota", book.Reserve(Key(Pod("e")), Pod("e"), Now + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void APodLeavingAnEndedPhase_TakesItsSlotAndComputeAgain_AndIsRefusedWithoutRoom()
    {
        var quota = Quota("compute", ("pods", "2"), ("requests.cpu", "2"));
        var failed = Pod("back", cpu: "1", phase: "Failed");
        var book = Book([quota], Pod("a", cpu: "1"), failed);
        var running = failed with { Status = new PodStatus { Phase = "Running" } };

        Assert.Null(book.ReserveChange(Key(failed), failed, running, Now));
        Assert.Equal(2, book.Used(quota)["pods"]);
        Assert.Equal(2, book.Used(quota)["requests.cpu"]);
        book.Commit(Key(failed), running, Now);
        Assert.Equal(2, book.Used(quota)["pods"]);

        var other = Pod("other", cpu: "1", phase: "Succeeded");
        book.Commit(Key(other), other, Now);
        Assert.Equal("exceeded quota: compute, requested: pods=1,requests.cpu=1, used: pods=2,requests.cpu=2, limited: pods=2,requests.cpu=2",
            book.ReserveChange(Key(other), other, other with { Status = new PodStatus { Phase = "Pending" } }, Now));
    }

    [Fact]
    public void HugePagesAndPerStorageClassNames_AreCounted()
    {
        var quota = Quota("q", ("hugepages-2Mi", "4Mi"), ("requests.hugepages-2Mi", "4Mi"), ("gold.storageclass.storage.k8s.io/requests.storage", "10Gi"),
            ("gold.storageclass.storage.k8s.io/persistentvolumeclaims", "1"));
        var pages = new ResourceRequirements { Requests = new Dictionary<string, string> { ["hugepages-2Mi"] = "2Mi" }, Limits = new Dictionary<string, string> { ["hugepages-2Mi"] = "2Mi" } };
        var pod = Samples.Pod("pages", Samples.PodSpec(Samples.Container("a") with { Resources = pages }));
        var gold = Claim("gold-data", "gold", "4Gi");
        var book = Book([quota], pod, gold, Claim("plain-data", "silver", "100Gi"));

        var used = book.Used(quota);
        Assert.Equal(2 * 1024 * 1024, used["hugepages-2Mi"]);
        Assert.Equal(2 * 1024 * 1024, used["requests.hugepages-2Mi"]);
        Assert.Equal(4m * 1024 * 1024 * 1024, used["gold.storageclass.storage.k8s.io/requests.storage"]);
        Assert.Equal(1, used["gold.storageclass.storage.k8s.io/persistentvolumeclaims"]);
        Assert.StartsWith("exceeded quota: q, requested: gold.storageclass.storage.k8s.io/persistentvolumeclaims=1,",
            book.Reserve(Key(Claim("more", "gold", "1Gi")), Claim("more", "gold", "1Gi"), Now));
        Assert.Null(book.Reserve(Key(Claim("elsewhere", "silver", "1Gi")), Claim("elsewhere", "silver", "1Gi"), Now));
    }

    private static PersistentVolumeClaim Claim(string name, string storageClass, string size) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Uid = "uid-" + name },
        Spec = new PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = storageClass,
            Resources = new ResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = size } },
        },
    };

    [Fact]
    public void EveryNamespacedKindWeServe_IsCountedByItsCountName_ExceptEventsAndQuotas()
    {
        foreach (var kind in ResourceKinds.All.Where(k => k.Namespaced))
        {
            var name = QuotaUsage.CountName(kind);
            var counted = kind != ResourceKinds.Event && kind != ResourceKinds.ResourceQuota;
            Assert.True(counted == QuotaUsage.Enforces(name), name);
            Assert.Equal(kind, QuotaUsage.KindCounted(name));
            if (counted && Kinds.KindSamples.Has(kind)) Assert.Equal(1, QuotaUsage.Of(Kinds.KindSamples.For(kind))[name]);
        }
        Assert.False(QuotaUsage.Enforces("count/widgets.example.com"));
        Assert.False(QuotaUsage.Enforces("count/nodes"));
    }

    [Fact]
    public void AnotherWriteOfTheSameName_AbandoningItsReservation_DoesNotFreeTheFirstOne()
    {
        var book = Book([Quota("pod-quota", ("pods", "2"))], Pod("a"));
        var real = Pod("b");
        var other = real with { Metadata = real.Metadata with { Uid = "uid-other" } };

        Assert.Null(book.Reserve(Key(real), real, Now));
        book.Reserve(Key(other), other, Now);
        book.Abandon(Key(other), "uid-other");

        Assert.StartsWith("exceeded quota: pod-quota", book.Reserve(Key(Pod("c")), Pod("c"), Now));
    }

    [Fact]
    public void ACheck_AnswersAsAReservationWould_AndReservesNothing()
    {
        var quota = Quota("pod-quota", ("pods", "2"));
        var book = Book([quota], Pod("a"));

        Assert.Null(book.Check(Key(Pod("b")), null, Pod("b"), Now));
        Assert.Null(book.Check(Key(Pod("b")), null, Pod("b"), Now));
        Assert.Equal(1, book.Used(quota)["pods"]);
        Assert.Null(book.Reserve(Key(Pod("c")), Pod("c"), Now));
        Assert.StartsWith("exceeded quota: pod-quota", book.Check(Key(Pod("d")), null, Pod("d"), Now));
    }

    [Fact]
    public void APodWhoseRequestsSumBeyondWhatADecimalHolds_IsRefusedByTheQuota_NotThrown()
    {
        var huge = new ResourceRequirements { Requests = new Dictionary<string, string> { ["cpu"] = "79000000000E" } };
        var pod = Samples.Pod("greedy", Samples.PodSpec(Samples.Container("a") with { Resources = huge }, Samples.Container("b") with { Resources = huge }));
        var quota = Quota("compute", ("requests.cpu", "10"));
        var book = Book([quota], Pod("a", cpu: "1"));

        Assert.StartsWith("exceeded quota: compute, requested: requests.cpu=", book.Reserve(Key(pod), pod, Now));
        book.Commit(Key(pod), pod, Now);
        Assert.Equal(decimal.MaxValue, book.Used(quota)["requests.cpu"]);
        Assert.NotNull(book.StatusOf(quota).Used!["requests.cpu"]);

        // The sum that held at the largest decimal comes back to what is stored once the pod is gone.
        book.Commit(Key(pod), null, Now);
        Assert.Equal(1, book.Used(quota)["requests.cpu"]);
    }

    [Fact]
    public void TheKeptSums_FollowEveryCommit_AsARecountWouldFindThem()
    {
        var quota = Quota("q", ("pods", "100"), ("requests.cpu", "100"), ("count/pods", "100"));
        var book = Book([quota], Pod("a", cpu: "1"), Pod("b", cpu: "500m"));
        Assert.Equal(1.5m, book.Used(quota)["requests.cpu"]);

        book.Commit(Key(Pod("c")), Pod("c", cpu: "250m"), Now);
        book.Commit(Key(Pod("a")), Pod("a", cpu: "1", phase: "Succeeded"), Now);
        book.Commit(Key(Pod("b")), null, Now);
        book.Commit(Key(Pod("b")), null, Now);

        var kept = book.Used(quota);
        book.Reset([quota], [(Key(Pod("a")), Pod("a", cpu: "1", phase: "Succeeded")), (Key(Pod("c")), Pod("c", cpu: "250m"))], Now);
        Assert.Equal(book.Used(quota), kept);
        Assert.Equal(0.25m, kept["requests.cpu"]);
        Assert.Equal(1, kept["pods"]);
        Assert.Equal(2, kept["count/pods"]);
    }

    [Fact]
    public void ACommittedCreate_IsCountedOnce_AndADeleteFreesItsSlot()
    {
        var quota = Quota("pod-quota", ("pods", "2"));
        var book = Book([quota], Pod("a"));
        Assert.Null(book.Reserve(Key(Pod("b")), Pod("b"), Now));
        book.Commit(Key(Pod("b")), Pod("b"), Now);
        Assert.Equal(2, book.Used(quota)["pods"]);

        book.Commit(Key(Pod("a")), null, Now);
        Assert.Equal(1, book.Used(quota)["pods"]);
        Assert.Null(book.Reserve(Key(Pod("c")), Pod("c"), Now));
    }

    [Fact]
    public void AReservationTheRecountAlreadyFoundStored_IsNotCountedTwice()
    {
        var quota = Quota("pod-quota", ("pods", "2"));
        var book = Book([quota]);
        Assert.Null(book.Reserve(Key(Pod("a")), Pod("a"), Now));
        // The recount from the store saw the pod before its writer reported the commit.
        book.Reset([quota], [(Key(Pod("a")), Pod("a"))], Now);

        Assert.Equal(1, book.Used(quota)["pods"]);
    }

    [Fact]
    public void EndedPods_StopCountingPodsAndCompute_ButStillCountAsObjects()
    {
        var quota = Quota("q", ("pods", "1"), ("requests.cpu", "1"), ("count/pods", "5"));
        var book = Book([quota], Pod("done", cpu: "1", phase: "Succeeded"), Pod("failed", cpu: "1", phase: "Failed"));

        var used = book.Used(quota);
        Assert.Equal(0, used["pods"]);
        Assert.Equal(0, used["requests.cpu"]);
        Assert.Equal(2, used["count/pods"]);
        Assert.Null(book.Reserve(Key(Pod("new")), Pod("new", cpu: "1"), Now));
    }

    [Fact]
    public void ComputeQuantities_AddUpInTheirUnits_AndPrintAsKubernetes()
    {
        var quota = Quota("compute", ("requests.cpu", "1"), ("requests.memory", "1Gi"), ("limits.cpu", "2"));
        var book = Book([quota], Pod("a", cpu: "250m", memory: "256Mi", cpuLimit: "500m"), Pod("b", cpu: "0.5", memory: "512Mi", cpuLimit: "1"));

        var status = book.StatusOf(quota);
        Assert.Equal("750m", status.Used!["requests.cpu"]);
        Assert.Equal("768Mi", status.Used["requests.memory"]);
        Assert.Equal("1500m", status.Used["limits.cpu"]);

        Assert.Equal("exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=750m, limited: requests.cpu=1",
            book.Reserve(Key(Pod("c")), Pod("c", cpu: "500m", memory: "1Mi", cpuLimit: "500m"), Now));
    }

    [Fact]
    public void APodWithoutRequests_UnderAComputeQuota_IsToldWhatToSpecify()
    {
        var book = Book([Quota("compute", ("requests.cpu", "1"), ("limits.memory", "1Gi"))]);

        Assert.Equal("failed quota: compute: must specify limits.memory for: web; requests.cpu for: web",
            book.Reserve(Key(Pod("bare")), Pod("bare"), Now));
    }

    [Fact]
    public void ALimitWithoutARequest_RequestsTheLimit()
    {
        var quota = Quota("compute", ("requests.cpu", "1"));
        var book = Book([quota], Pod("a", cpuLimit: "300m"));

        Assert.Equal(0.3m, book.Used(quota)["requests.cpu"]);
    }

    [Fact]
    public void ObjectCounts_OfServicesConfigMapsAndDeployments()
    {
        var quota = Quota("objects", ("services", "1"), ("services.nodeports", "2"), ("services.loadbalancers", "0"), ("configmaps", "1"), ("count/deployments.apps", "1"));
        var nodePort = Samples.Service("np", new ServicePort { Port = 80 }, new ServicePort { Port = 443 });
        nodePort = nodePort with { Spec = nodePort.Spec with { Type = "NodePort" }, Metadata = nodePort.Metadata with { Uid = "np" } };
        var book = Book([quota], nodePort, Samples.Deployment("web"));

        var used = book.Used(quota);
        Assert.Equal(1, used["services"]);
        Assert.Equal(2, used["services.nodeports"]);
        Assert.Equal(1, used["count/deployments.apps"]);

        var balancer = Samples.Service("lb", new ServicePort { Port = 80 });
        balancer = balancer with { Spec = balancer.Spec with { Type = "LoadBalancer" } };
        Assert.Equal("exceeded quota: objects, requested: services=1,services.loadbalancers=1,services.nodeports=1, used: services=1,services.loadbalancers=0,services.nodeports=2, limited: services=1,services.loadbalancers=0,services.nodeports=2",
            book.Reserve(Key(balancer), balancer, Now));
        Assert.Equal("exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1",
            book.Reserve(Key(Samples.Deployment("api")), Samples.Deployment("api"), Now));
        var config = new ConfigMap { Metadata = new ObjectMeta { Name = "settings", Namespace = "default" } };
        Assert.Null(book.Reserve(Key(config), config, Now));
    }

    [Fact]
    public void ScopedQuotas_CountOnlyThePodsInScope()
    {
        var bestEffort = Quota("best-effort", ("pods", "1")) with { Spec = new ResourceQuotaSpec { Hard = new Dictionary<string, string> { ["pods"] = "1" }, Scopes = ["BestEffort"] } };
        var book = Book([bestEffort], Pod("bare"));

        Assert.StartsWith("exceeded quota: best-effort", book.Reserve(Key(Pod("bare2")), Pod("bare2"), Now));
        Assert.Null(book.Reserve(Key(Pod("sized")), Pod("sized", cpu: "100m"), Now));
    }

    [Fact]
    public void KindsNoQuotaCounts_AreAdmittedWithoutAReservation()
    {
        var quota = Quota("pod-quota", ("pods", "1"));
        var book = Book([quota]);
        var config = new ConfigMap { Metadata = new ObjectMeta { Name = "settings", Namespace = "default", Uid = "c" } };

        Assert.Null(book.Reserve(Key(config), config, Now));
        Assert.DoesNotContain(ResourceKinds.ConfigMap, book.CountedKinds);
    }

    [Fact]
    public void AServiceTurnedNodePort_ReservesOnlyWhatTheChangeAdds_AndIsRefusedWithoutRoom()
    {
        var quota = Quota("ports", ("services", "2"), ("services.nodeports", "1"));
        var plain = Samples.Service("web", new ServicePort { Port = 80 });
        plain = plain with { Metadata = plain.Metadata with { Uid = "web" } };
        var book = Book([quota], plain);
        var nodePort = plain with { Spec = plain.Spec with { Type = "NodePort" } };

        Assert.Null(book.ReserveChange(Key(plain), plain, nodePort, Now));
        Assert.Equal(1, book.Used(quota)["services"]);
        Assert.Equal(1, book.Used(quota)["services.nodeports"]);
        book.Commit(Key(plain), nodePort, Now);
        Assert.Equal(1, book.Used(quota)["services.nodeports"]);

        var other = Samples.Service("api", new ServicePort { Port = 80 });
        other = other with { Metadata = other.Metadata with { Uid = "api" } };
        book.Commit(Key(other), other, Now);
        Assert.Equal("exceeded quota: ports, requested: services.nodeports=1, used: services.nodeports=1, limited: services.nodeports=1",
            book.ReserveChange(Key(other), other, other with { Spec = other.Spec with { Type = "NodePort" } }, Now));
    }

    [Theory]
    [InlineData(0.75, false, "750m")]
    [InlineData(2, false, "2")]
    [InlineData(2000, false, "2k")]
    [InlineData(268435456, true, "256Mi")]
    [InlineData(1000000, true, "1M")]
    [InlineData(0, true, "0")]
    public void Quantities_PrintAsKubernetesPrintsThem(double value, bool binary, string expected) =>
        Assert.Equal(expected, QuotaQuantities.Format((decimal)value, binary));
}

public sealed class TenantQuotaBookTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");

    private static ResourceQuota TenantQuota(params (string Name, string Hard)[] hard) => new()
    {
        Metadata = new ObjectMeta { Name = "acme" },
        Spec = new ResourceQuotaSpec { Hard = hard.ToDictionary(h => h.Name, h => h.Hard) },
    };

    private static Pod Pod(string ns, string name, string? cpu = null)
    {
        var requests = cpu is null ? null : new Dictionary<string, string> { ["cpu"] = cpu };
        var pod = Samples.Pod(name, Samples.PodSpec(Samples.Container("web") with { Resources = new ResourceRequirements { Requests = requests } }));
        return pod with { Metadata = pod.Metadata with { Namespace = ns, Uid = $"uid-{ns}-{name}" } };
    }

    private static Namespace Ns(string name) => new() { Metadata = new ObjectMeta { Name = name, Uid = "uid-ns-" + name } };

    private static string Key(KubeObject obj) =>
        StoreKeys.Object("acme", ResourceKinds.Of(obj), obj.Metadata.Namespace, obj.Metadata.Name!);

    private static QuotaBook Book(ResourceQuota quota, params KubeObject[] stored)
    {
        var book = new QuotaBook(QuotaCounting.Tenant);
        book.SetQuotas([quota]);
        book.Reset([quota], stored.Select(o => (Key(o), o)), Now);
        return book;
    }

    [Fact]
    public void PodsOfEveryNamespace_CountTogether_AndTheRefusalNamesTheTenantQuota()
    {
        var book = Book(TenantQuota(("pods", "3")), Pod("default", "a"), Pod("dev", "b"), Pod("prod", "c"));

        Assert.Equal("exceeded tenant quota: acme, requested: pods=1, used: pods=3, limited: pods=3",
            book.Reserve(Key(Pod("dev", "d")), Pod("dev", "d"), Now));
    }

    [Fact]
    public void Namespaces_AreCounted_UnderEitherName()
    {
        foreach (var name in new[] { "namespaces", "count/namespaces" })
        {
            var book = Book(TenantQuota((name, "2")), Ns("default"), Ns("dev"));

            Assert.Equal($"exceeded tenant quota: acme, requested: {name}=1, used: {name}=2, limited: {name}=2", book.Reserve(Key(Ns("prod")), Ns("prod"), Now));
            book.Commit(Key(Ns("dev")), null, Now);
            Assert.Null(book.Reserve(Key(Ns("prod")), Ns("prod"), Now));
        }
    }

    [Fact]
    public void CpuRequests_AddUpAcrossNamespaces_AndADeletedPodGivesItsShareBack()
    {
        var book = Book(TenantQuota(("requests.cpu", "1")), Pod("default", "a", "500m"), Pod("dev", "b", "300m"));

        Assert.Equal("exceeded tenant quota: acme, requested: requests.cpu=300m, used: requests.cpu=800m, limited: requests.cpu=1",
            book.Reserve(Key(Pod("prod", "c", "300m")), Pod("prod", "c", "300m"), Now));
        book.Commit(Key(Pod("default", "a")), null, Now);
        Assert.Null(book.Reserve(Key(Pod("prod", "c", "300m")), Pod("prod", "c", "300m"), Now));
        Assert.Equal("600m", book.StatusOf(book.Quotas[0]).Used!["requests.cpu"]);
    }

    [Fact]
    public void NamespaceQuotas_StillCountNoNamespaces()
    {
        Assert.Empty(QuotaUsage.Of(Ns("dev")));
        Assert.Equal(1, QuotaUsage.OfTenant(Ns("dev"))["namespaces"]);
    }
}
