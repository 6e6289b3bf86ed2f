using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Tests.Admission;

public class HostPathRestrictionTests
{
    private static readonly Actor User = new("bob", []);
    private static readonly Actor Admin = new("alice", [Caller.AdminGroup]);

    private static readonly Volume HostVolume = new() { Name = "host", HostPath = new HostPathVolumeSource { Path = "/var/log" } };

    private static Pod PodWith(params Volume[] volumes) => new()
    {
        Metadata = new ObjectMeta { Name = "x", Namespace = "default" },
        Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "busybox" }], Volumes = volumes },
    };

    private static async Task<StoreError?> Validate(KubeObject obj, Actor actor, KubeObject? old = null) =>
        await new HostPathRestriction().Validate(new AdmissionRequest(
            old is null ? AdmissionOperation.Create : AdmissionOperation.Update, ResourceKinds.Of(obj), Subresource.Main, "t", obj, old, actor));

    [Fact]
    public async Task User_HostPathPod_ForbiddenAsKubernetesWords()
    {
        var refusal = await Validate(PodWith(HostVolume), User);

        Assert.Equal((403, "Forbidden", "pods \"x\" is forbidden: hostPath volumes are reserved for cluster administrators"),
            (refusal?.Code, refusal?.Reason, refusal?.Message));
    }

    [Fact]
    public async Task User_WorkloadTemplateWithHostPath_Forbidden_ReadThroughTheRegistry()
    {
        var deployment = Samples.Deployment();
        deployment = deployment with
        {
            Spec = deployment.Spec with { Template = deployment.Spec.Template with { Spec = deployment.Spec.Template.Spec with { Volumes = [HostVolume] } } },
        };

        Assert.Equal("deployments.apps \"" + deployment.Metadata.Name + "\" is forbidden: hostPath volumes are reserved for cluster administrators",
            (await Validate(deployment, User))?.Message);
    }

    [Fact]
    public async Task User_HostPathVolumeObject_Forbidden()
    {
        var volume = new PersistentVolume
        {
            Metadata = new ObjectMeta { Name = "pv0001" },
            Spec = new PersistentVolumeSpec { HostPath = new HostPathVolumeSource { Path = "/mnt/data" } },
        };

        Assert.Equal(403, (await Validate(volume, User))?.Code);
        Assert.Null(await Validate(volume, Admin));
    }

    [Fact]
    public async Task AdminsControllersAndUnchangedHostPaths_Pass()
    {
        var pod = PodWith(HostVolume);

        Assert.Null(await Validate(pod, Admin));
        Assert.Null(await Validate(pod, SystemActors.ReplicaSets));
        Assert.Null(await Validate(pod with { Metadata = pod.Metadata with { Labels = new Dictionary<string, string> { ["a"] = "b" } } }, User, old: pod));
        Assert.Null(await Validate(PodWith(new Volume { Name = "scratch", EmptyDir = new EmptyDirVolumeSource() }), User));
    }
}
