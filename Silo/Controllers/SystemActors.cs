using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>The identities the silo's own components write as (node agents write as <see cref="Actor.Node"/>).</summary>
public static class SystemActors
{
    public static readonly Actor Scheduler = Actor.Controller("scheduler");
    public static readonly Actor ReplicaSets = Actor.Controller("replicaset");
    public static readonly Actor Deployments = Actor.Controller("deployment");
    public static readonly Actor CronJobs = Actor.Controller("cronjob");
    public static readonly Actor DaemonSets = Actor.Controller("daemon-set-controller");
    public static readonly Actor Jobs = Actor.Controller("job");
    public static readonly Actor GarbageCollector = Actor.Controller("garbagecollector");
    public static readonly Actor NodeLifecycle = Actor.Controller("nodelifecycle");
    public static readonly Actor Endpoints = Actor.Controller("endpoint-controller");
    public static readonly Actor EndpointSlices = Actor.Controller("endpointslice-controller");
    public static readonly Actor ResourceQuotas = Actor.Controller("resourcequota-controller");

    /// <summary>Binds claims to volumes, provisions local-path volumes and reclaims released ones (Kubernetes' PV controller).</summary>
    public static readonly Actor VolumeBinder = Actor.Controller("persistent-volume-binder");

    /// <summary>Writes LoadBalancer Services' status (k3s' ServiceLB has this role).</summary>
    public static readonly Actor ServiceLoadBalancer = Actor.Controller("service-lb-controller");

    /// <summary>What the silo writes at start-up (each tenant's <c>default</c> namespace).</summary>
    public static readonly Actor Bootstrap = Actor.Controller("bootstrap");
}
