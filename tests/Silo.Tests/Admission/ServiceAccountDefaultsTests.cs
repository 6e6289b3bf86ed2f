using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Admission;

namespace OrleansOrchestrator.Silo.Tests.Admission;

/// <summary>A new pod runs as <c>default</c> unless it names an account; only creates are defaulted.</summary>
public class ServiceAccountDefaultsTests
{
    private static readonly Actor User = new("bob", []);

    private static async Task<Pod> Mutated(Pod pod, AdmissionOperation operation = AdmissionOperation.Create) =>
        (Pod)await new ServiceAccountDefaults().Mutate(new AdmissionRequest(operation, ResourceKinds.Pod, Subresource.Main, "t", pod, operation == AdmissionOperation.Create ? null : pod, User));

    [Fact]
    public async Task NoAccount_RunsAsDefault_InBothFields()
    {
        var pod = await Mutated(Samples.Pod());
        Assert.Equal("default", pod.Spec.ServiceAccountName);
        Assert.Equal("default", pod.Spec.ServiceAccount);
    }

    [Fact]
    public async Task ANamedAccount_IsKept_AndTheOlderFieldAloneIsTaken()
    {
        var named = await Mutated(Samples.Pod() with { Spec = Samples.Pod().Spec with { ServiceAccountName = "builder" } });
        Assert.Equal(("builder", "builder"), (named.Spec.ServiceAccountName, named.Spec.ServiceAccount));
        var older = await Mutated(Samples.Pod() with { Spec = Samples.Pod().Spec with { ServiceAccount = "legacy" } });
        Assert.Equal(("legacy", "legacy"), (older.Spec.ServiceAccountName, older.Spec.ServiceAccount));
    }

    [Fact]
    public async Task AnUpdate_IsLeftAlone()
    {
        var pod = Samples.Pod();
        Assert.Same(pod, await Mutated(pod, AdmissionOperation.Update));
    }
}
