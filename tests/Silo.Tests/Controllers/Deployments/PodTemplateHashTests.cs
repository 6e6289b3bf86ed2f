using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Controllers.Deployments;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Deployments;

public class PodTemplateHashTests
{
    /// <summary>Kubernetes' <c>generatePodTemplateSpec(name, nodeName, annotations, labels)</c>.</summary>
    private static PodTemplateSpec Template(string name, string nodeName, Dictionary<string, string> annotations, Dictionary<string, string> labels) => new()
    {
        Metadata = new ObjectMeta { Name = name, Annotations = annotations, Labels = labels },
        Spec = new PodSpec { NodeName = nodeName },
    };

    private static Dictionary<string, string> Labels(params string[] pairs) =>
        pairs.Select(pair => pair.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);

    // former labels, latter labels, same spec (otherwise names and nodes differ as in Kubernetes' table), expected.
    [Theory]
    [InlineData("pod-template-hash=value-1,something=else", "pod-template-hash=value-1,something=else", "same", true)]
    [InlineData("pod-template-hash=value-1,something=else", "pod-template-hash=value-2,something=else", "same", true)]
    [InlineData("something=else", "pod-template-hash=value-2,something=else", "same", true)]
    [InlineData("something=else", "pod-template-hash=value-2", "same", false)]
    [InlineData("pod-template-hash=value-1", "something=else", "same", false)]
    [InlineData("pod-template-hash=value-1", "pod-template-hash=value-1,something=else", "same", false)]
    [InlineData("pod-template-hash=value-1,something=else", "pod-template-hash=value-1,something=else", "annotations", false)]
    [InlineData("pod-template-hash=value-1,something=else", "pod-template-hash=value-2,something=else", "name", false)]
    [InlineData("something=else", "pod-template-hash=value-2,something=else", "name and node", false)]
    [InlineData("something=else", "nothing=else", "node", false)]
    public void Equivalent_KubernetesTestEqualIgnoreHash_BothWays(string formerLabels, string latterLabels, string difference, bool expected)
    {
        var former = Template("foo", "foo-node", [], Labels(formerLabels.Split(',')));
        var latter = Template("foo", "foo-node", [], Labels(latterLabels.Split(',')));
        latter = difference switch
        {
            "annotations" => latter with { Metadata = latter.Metadata! with { Annotations = Labels("latter=value") } },
            "name" => latter with { Metadata = latter.Metadata! with { Name = "foo-2" } },
            "name and node" => latter with { Metadata = latter.Metadata! with { Name = "foo-2" }, Spec = latter.Spec with { NodeName = "foo-node-2" } },
            "node" => latter with { Spec = latter.Spec with { NodeName = "foo-node-2" } },
            _ => latter,
        };

        Assert.Equal(expected, PodTemplateHash.Equivalent(former, latter));
        Assert.Equal(expected, PodTemplateHash.Equivalent(latter, former));
        Assert.Equal(expected, PodTemplateHash.Compute(former, null) == PodTemplateHash.Compute(latter, null));
    }

    [Fact]
    public void Equivalent_RolloutUndoTemplateAgainstDefaultedReplicaSetTemplate_SameTemplateAndHash()
    {
        // The stored Deployment (and so its ReplicaSet's template) went through the API's defaulting.
        var deployment = (Deployment)Defaults.Apply(Samples.Deployment(spec: Samples.PodSpec(Samples.Container("web", "nginx:1.25") with
        {
            Ports = [new ContainerPort { Number = 80 }],
        })));
        var template = deployment.Spec.Template;
        var hash = PodTemplateHash.Compute(template, null);
        var replicaSetTemplate = template with
        {
            Metadata = template.Metadata! with { Labels = new Dictionary<string, string>(template.Metadata.Labels!) { [PodTemplateHash.LabelKey] = hash } },
        };

        // kubectl rollout undo reads that ReplicaSet, drops the hash label and sends the template back as Go serialises it
        // (KUBE_API.md): creationTimestamp: null, resources: {}. The API server defaults it again before storing.
        var sent = JsonSerializer.SerializeToNode(replicaSetTemplate, KubeJson.Options)!.AsObject();
        sent["metadata"]!["labels"]!.AsObject().Remove(PodTemplateHash.LabelKey);
        sent["metadata"]!["creationTimestamp"] = null;
        sent["spec"]!["containers"]![0]!["resources"] = new JsonObject();
        var undone = sent.Deserialize<PodTemplateSpec>(KubeJson.Options)!;
        undone = undone with { Spec = Defaults.PodSpec(undone.Spec) };

        Assert.True(PodTemplateHash.Equivalent(undone, replicaSetTemplate));
        Assert.Equal(hash, PodTemplateHash.Compute(undone, null));
        Assert.Equal(hash, PodTemplateHash.Compute(replicaSetTemplate, null));
    }

    [Fact]
    public void Equivalent_RolloutUndoBodyFromKubeApiDoc_MatchesTheStoredTemplate()
    {
        const string undoTemplate = """
            {"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
             "spec":{"containers":[{"name":"web","image":"nginx:1.25","ports":[{"containerPort":80}],"resources":{}}]}}
            """;
        var stored = new PodTemplateSpec
        {
            Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web", [PodTemplateHash.LabelKey] = "5d4f8" } },
            Spec = Samples.PodSpec(Samples.Container("web", "nginx:1.25") with { Ports = [new ContainerPort { Number = 80 }] }),
        };

        var sent = JsonSerializer.Deserialize<PodTemplateSpec>(undoTemplate, KubeJson.Options)!;

        Assert.True(PodTemplateHash.Equivalent(Defaulted(sent), Defaulted(stored)));
        Assert.True(PodTemplateHash.Equivalent(sent, stored));
    }

    [Fact]
    public void Equivalent_ChangedImage_Different()
    {
        var a = Defaulted(new PodTemplateSpec { Spec = Samples.PodSpec(Samples.Container("web", "nginx:1.25")) });
        var b = Defaulted(new PodTemplateSpec { Spec = Samples.PodSpec(Samples.Container("web", "nginx:1.26")) });

        Assert.False(PodTemplateHash.Equivalent(a, b));
        Assert.NotEqual(PodTemplateHash.Compute(a, null), PodTemplateHash.Compute(b, null));
    }

    [Fact]
    public void Compute_LabelsInAnotherOrder_SameHash()
    {
        var a = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = Labels("app=web", "tier=front") }, Spec = Samples.PodSpec() };
        var b = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = Labels("tier=front", "app=web") }, Spec = Samples.PodSpec() };

        Assert.Equal(PodTemplateHash.Compute(a, null), PodTemplateHash.Compute(b, null));
    }

    [Fact]
    public void Compute_AnyTemplate_SafeCharactersOnly()
    {
        var hash = PodTemplateHash.Compute(Defaulted(new PodTemplateSpec { Spec = Samples.PodSpec() }), null);

        Assert.InRange(hash.Length, 1, 10);
        Assert.All(hash, c => Assert.Contains(c, "bcdfghjklmnpqrstvwxz2456789"));
    }

    [Fact]
    public void Compute_CollisionCount_ChangesTheHashDeterministically()
    {
        var template = new PodTemplateSpec { Spec = Samples.PodSpec() };

        var none = PodTemplateHash.Compute(template, null);
        var zero = PodTemplateHash.Compute(template, 0);
        var one = PodTemplateHash.Compute(template, 1);

        Assert.Equal(3, new[] { none, zero, one }.Distinct().Count());
        Assert.Equal(one, PodTemplateHash.Compute(template, 1));
    }

    [Fact]
    public void Compute_CollisionCount_HashedAsKubernetesFeedsIt()
    {
        var template = new PodTemplateSpec { Spec = Samples.PodSpec() };
        var bytes = Encoding.UTF8.GetBytes(PodTemplateHash.CanonicalJson(template)).Concat(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0 }).ToArray();

        Assert.Equal(PodTemplateHash.SafeEncode(PodTemplateHash.Fnv1a32(bytes).ToString()), PodTemplateHash.Compute(template, 2));
    }

    [Theory]
    [InlineData("", 0x811c9dc5u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void Fnv1a32_StandardVectors(string text, uint expected)
    {
        Assert.Equal(expected, PodTemplateHash.Fnv1a32(Encoding.ASCII.GetBytes(text)));
    }

    [Theory]
    [InlineData("0123456789", "456789bcdf")]
    [InlineData("2166136261", "65bb57b6b5")]
    public void SafeEncode_Digits_KubernetesAlphabet(string digits, string expected)
    {
        Assert.Equal(expected, PodTemplateHash.SafeEncode(digits));
    }

    [Fact]
    public void CanonicalJson_HashLabelNullsAndEmpties_Dropped()
    {
        var template = new PodTemplateSpec
        {
            Metadata = new ObjectMeta { Labels = Labels("pod-template-hash=abc") },
            Spec = Samples.PodSpec(Samples.Container("web", "nginx") with { Resources = new ResourceRequirements() }),
        };

        Assert.Equal("""{"spec":{"containers":[{"image":"nginx","name":"web"}]}}""", PodTemplateHash.CanonicalJson(template));
    }

    [Fact]
    public void NewReplicaSetName_Deployment_NameDashHash()
    {
        var deployment = Samples.Deployment("web");

        Assert.Equal($"web-{PodTemplateHash.Compute(deployment.Spec.Template, null)}", RolloutPlanner.NewReplicaSetName(deployment));
    }

    [Fact]
    public void FindNewReplicaSet_SeveralMatch_OldestWins()
    {
        var deployment = (Deployment)Defaults.Apply(Samples.Deployment("web"));
        ReplicaSet Make(string name, DateTimeOffset created, PodTemplateSpec template) => new()
        {
            Metadata = new ObjectMeta { Name = name, CreationTimestamp = created },
            Spec = new ReplicaSetSpec { Template = template },
        };
        var other = deployment.Spec.Template with { Spec = Samples.PodSpec(Samples.Container("app", "nginx:1.26")) };
        var withHash = deployment.Spec.Template with
        {
            Metadata = deployment.Spec.Template.Metadata! with { Labels = Labels("app=web", "pod-template-hash=x") },
        };

        var found = RolloutPlanner.FindNewReplicaSet(deployment.Spec.Template,
        [
            Make("web-b", Rs.New, withHash),
            Make("web-a", Rs.Old, deployment.Spec.Template),
            Make("web-c", Rs.Older, other),
        ]);

        Assert.Equal("web-a", found?.Metadata.Name);
    }

    private static PodTemplateSpec Defaulted(PodTemplateSpec template) => template with { Spec = Defaults.PodSpec(template.Spec) };
}
