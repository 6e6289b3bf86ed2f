using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Tests.Admission;

public class AdmissionChainTests
{
    private static readonly Actor ReplicaSetController = SystemActors.ReplicaSets;

    private static Pod PodWith(Dictionary<string, string>? requests = null, Dictionary<string, string>? limits = null) => new()
    {
        Metadata = new ObjectMeta { Name = "web-1", Namespace = "default" },
        Spec = new PodSpec
        {
            Containers = [new Container { Name = "c", Image = "example/c:1", Resources = new ResourceRequirements { Requests = requests, Limits = limits } }],
        },
        Status = new PodStatus { Phase = "Running", PodIP = "10.0.0.1" },
    };

    private static AdmissionRequest Create(KubeObject obj, Actor actor) =>
        new(AdmissionOperation.Create, ResourceKinds.Of(obj), Subresource.Main, "t", obj, null, actor);

    private static AdmissionChain BuiltIn() => new([new KindDefaults()], [new KindValidation()]);

    [Fact]
    public async Task Admit_PodCreatedByAController_DefaultedAndGivenItsQosClassAsAnApiCreateIs()
    {
        var guaranteed = new Dictionary<string, string> { ["cpu"] = "1", ["memory"] = "64Mi" };
        var result = await BuiltIn().Admit(Create(PodWith(guaranteed, guaranteed), ReplicaSetController));

        var pod = Assert.IsType<Pod>(result.Object);
        Assert.Equal("Guaranteed", pod.Status!.QosClass);
        Assert.Equal("Pending", pod.Status.Phase);
        Assert.Null(pod.Status.PodIP);
        Assert.Equal("Always", pod.Spec.RestartPolicy);
        Assert.Equal("IfNotPresent", pod.Spec.Containers[0].ImagePullPolicy);
    }

    [Fact]
    public async Task Admit_InvalidPodFromAController_RefusedWith422NamingTheField()
    {
        var pod = PodWith() with { Spec = new PodSpec { Containers = [new Container { Name = "Bad_Name", Image = "x" }] } };

        var result = await BuiltIn().Admit(Create(pod, ReplicaSetController));

        Assert.Equal(422, result.Error!.Code);
        Assert.Equal("spec.containers[0].name", Assert.Single(result.Error.Causes!).Field);
        Assert.StartsWith("Pod \"web-1\" is invalid: spec.containers[0].name", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mutate_StatusWrite_LeavesTheObjectAsSent()
    {
        var pod = PodWith();
        var request = new AdmissionRequest(AdmissionOperation.Update, ResourceKinds.Pod, Subresource.Status, "t", pod, pod, Actor.Node("n1"));

        Assert.Same(pod, (await BuiltIn().Mutate(request)).Object);
    }

    [Fact]
    public async Task Admit_RunsEveryMutationBeforeAnyValidation_AndTellsEachStepTheWriter()
    {
        var seen = new List<string>();
        var chain = new AdmissionChain(
            [new Step("mutate-1", seen), new Step("mutate-2", seen)],
            [new Step("validate-1", seen), new Step("validate-2", seen)]);

        var result = await chain.Admit(Create(PodWith(), Actor.Node("n1")));

        Assert.True(result.Succeeded);
        Assert.Equal(["mutate-1 system:node:n1", "mutate-2 system:node:n1", "validate-1 system:node:n1 labelled", "validate-2 system:node:n1 labelled"], seen);
    }

    [Fact]
    public async Task Validate_FirstRefusal_StopsTheChain()
    {
        var seen = new List<string>();
        var chain = new AdmissionChain([], [new Step("refuse", seen, refuse: true), new Step("after", seen)]);

        var result = await chain.Admit(Create(PodWith(), ReplicaSetController));

        Assert.Equal(403, result.Error!.Code);
        Assert.Equal(["refuse system:controller:replicaset"], seen);
    }

    [Fact]
    public async Task Admit_AllocationsRunAfterMutations_AndAreGivenBackWhenAValidationRefuses()
    {
        var seen = new List<string>();
        var chain = new AdmissionChain([new Step("mutate", seen)], [new Step("refuse", seen, refuse: true)], [new Allocation("ip", seen)]);

        var result = await chain.Admit(Create(PodWith(), ReplicaSetController));

        Assert.Equal(403, result.Error!.Code);
        Assert.Equal(["mutate system:controller:replicaset", "ip takes, labelled", "refuse system:controller:replicaset labelled", "ip gives back what it took"], seen);
    }

    [Fact]
    public async Task Mutate_ARefusedAllocation_GivesBackWhatEarlierOnesTook_AndNothingIsValidated()
    {
        var seen = new List<string>();
        var chain = new AdmissionChain([], [new Step("validate", seen)], [new Allocation("ip", seen), new Allocation("port", seen, refuse: true)]);

        var result = await chain.Admit(Create(PodWith(), ReplicaSetController));

        Assert.Equal(422, result.Error!.Code);
        Assert.Equal(["ip takes", "port takes", "ip gives back what it took"], seen);
    }

    [Fact]
    public async Task Mutate_AFailingAllocation_GivesBackWhatEarlierOnesTook_AndTheFailureGoesOn()
    {
        var seen = new List<string>();
        var chain = new AdmissionChain([], [new Step("validate", seen)], [new Allocation("ip", seen), new Allocation("quota", seen, fail: true)]);

        var error = await Assert.ThrowsAsync<TimeoutException>(async () => await chain.Admit(Create(PodWith(), ReplicaSetController)));

        Assert.Equal("quota did not answer", error.Message);
        Assert.Equal(["ip takes", "quota takes", "ip gives back what it took"], seen);
    }

    [Fact]
    public async Task Admit_AnAdmittedWrite_KeepsWhatWasTaken()
    {
        var seen = new List<string>();
        var chain = new AdmissionChain([], [new Step("validate", seen)], [new Allocation("ip", seen)]);

        Assert.True((await chain.Admit(Create(PodWith(), ReplicaSetController))).Succeeded);
        Assert.DoesNotContain("ip gives back what it took", seen);
    }

    /// <summary>Takes a value for the object (marks it), or refuses; records what it is told.</summary>
    private sealed class Allocation(string name, List<string> seen, bool refuse = false, bool fail = false) : IAllocatingAdmission
    {
        public ValueTask<WriteResult> Allocate(AdmissionRequest request)
        {
            seen.Add($"{name} takes{(request.Object.Metadata.Labels?.ContainsKey("mutated") == true ? ", labelled" : "")}");
            if (fail) throw new TimeoutException($"{name} did not answer");
            return ValueTask.FromResult(refuse
                ? WriteResult.Fail(new StoreError(422, "Invalid", "taken"))
                : WriteResult.Ok(request.Object with { Metadata = request.Object.Metadata with { Annotations = new Dictionary<string, string> { [name] = "taken" } } }));
        }

        public ValueTask Abandon(AdmissionRequest request)
        {
            if (request.Object.Metadata.Annotations?.ContainsKey(name) == true) seen.Add($"{name} gives back what it took");
            return ValueTask.CompletedTask;
        }

        public ValueTask Committed(ResourceKind kind, string tenant, KubeObject? before, KubeObject? after) => ValueTask.CompletedTask;
    }

    /// <summary>Records that it ran and as whom; mutations add a label that later steps must see.</summary>
    private sealed class Step(string name, List<string> seen, bool refuse = false) : IMutatingAdmission, IValidatingAdmission
    {
        public ValueTask<KubeObject> Mutate(AdmissionRequest request)
        {
            seen.Add($"{name} {request.Actor}");
            return ValueTask.FromResult(request.Object with
            {
                Metadata = request.Object.Metadata with { Labels = new Dictionary<string, string> { ["mutated"] = "yes" } },
            });
        }

        public ValueTask<StoreError?> Validate(AdmissionRequest request)
        {
            seen.Add($"{name} {request.Actor}{(request.Object.Metadata.Labels?.ContainsKey("mutated") == true ? " labelled" : "")}");
            return ValueTask.FromResult(refuse ? new StoreError(403, "Forbidden", "no") : null);
        }
    }
}
