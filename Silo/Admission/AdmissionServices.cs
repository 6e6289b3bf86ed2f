using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansOrchestrator.Silo.Admission;

public static class AdmissionServices
{
    /// <summary>
    /// The admission chain and its steps, in the order they run: mutations (a LimitRange's defaults, the kind's defaults and initial status, a user's password hashed), allocations (a Service's cluster IP and node ports, then the namespace's quotas), then
    /// validations (the namespace must accept new objects, and a node's agent write only what is its own, before the
    /// object itself is judged; then who may ask for host paths, whether a claim may grow, and a new pod within the LimitRanges' bounds).
    /// </summary>
    public static IServiceCollection AddAdmission(this IServiceCollection services)
    {
        services.AddSingleton<IMutatingAdmission, LimitRangeDefaults>();
        services.AddSingleton<IMutatingAdmission, KindDefaults>();
        services.AddSingleton<IMutatingAdmission, DefaultStorageClass>();
        services.AddSingleton<IMutatingAdmission, ServiceAccountDefaults>();
        // The seconds come from the controllers' options; a host without them (a test's) gets Kubernetes' 300.
        services.AddSingleton<IMutatingAdmission>(sp => new DefaultTolerationSeconds(sp.GetService<Controllers.ControllerOptions>() ?? new()));
        // A user is given its tenant's namespace among the users when the tenant exists.
        services.TryAddSingleton<Tenancy.KnownTenants>();
        services.AddSingleton<IdentityAdmission>();
        services.AddSingleton<IMutatingAdmission>(sp => sp.GetRequiredService<IdentityAdmission>());
        services.AddSingleton<IAllocatingAdmission, ServiceAllocation>();
        services.AddSingleton<IAllocatingAdmission, ResourceQuotaAdmission>();
        services.AddSingleton<IAllocatingAdmission, TenantQuotaAdmission>();
        services.AddSingleton<IValidatingAdmission, NamespaceLifecycle>();
        services.AddSingleton<IValidatingAdmission, NodeRestriction>();
        services.AddSingleton<IValidatingAdmission, KindValidation>();
        // No user's Endpoints or EndpointSlice may name a loopback, link-local or unspecified address for the proxy to forward to.
        services.AddSingleton<IValidatingAdmission, EndpointAddressRestriction>();
        services.AddSingleton<IValidatingAdmission>(sp => sp.GetRequiredService<IdentityAdmission>());
        services.AddSingleton<IValidatingAdmission, HostPathRestriction>();
        services.AddSingleton<IValidatingAdmission, ServiceAccountExists>();
        services.AddSingleton<IValidatingAdmission, PersistentVolumeClaimResize>();
        services.AddSingleton<IValidatingAdmission, LimitRangeValidation>();
        services.AddSingleton<AdmissionChain>();
        return services;
    }
}
