namespace OrleansOrchestrator.Silo.Admission;

public static class AdmissionServices
{
    /// <summary>
    /// The admission chain and its steps, in the order they run: mutations (defaults and initial status), then
    /// validations (the namespace must accept new objects before the object itself is judged).
    /// </summary>
    public static IServiceCollection AddAdmission(this IServiceCollection services)
    {
        services.AddSingleton<IMutatingAdmission, KindDefaults>();
        services.AddSingleton<IValidatingAdmission, NamespaceLifecycle>();
        services.AddSingleton<IValidatingAdmission, KindValidation>();
        services.AddSingleton<AdmissionChain>();
        return services;
    }
}
