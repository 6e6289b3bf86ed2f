using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Dashboard.Model;
using OrleansOrchestrator.Silo.Api.Patching;

namespace OrleansOrchestrator.Silo.Tests.Api.Patching;

/// <summary>
/// The dashboard's roll back of a StatefulSet or DaemonSet (what <c>kubectl rollout undo</c> sends: the revision's data as a
/// strategic merge patch) applied as the API applies it: the saved template replaces the live one, so a container or an
/// environment variable added since that revision goes, rather than being merged with the old template.
/// </summary>
public class DashboardRollbackPatchTests
{
    private const string LiveStatefulSet = """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"default"},
         "spec":{"replicas":3,"serviceName":"db","selector":{"matchLabels":{"app":"db"}},
           "template":{"metadata":{"labels":{"app":"db"},"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-03-01T12:00:00Z"}},
             "spec":{"containers":[
               {"name":"db","image":"mysql:8.1","env":[{"name":"MODE","value":"new"},{"name":"ADDED","value":"1"}]},
               {"name":"exporter","image":"exporter:2"}]}}}}
        """;

    [Fact]
    public void Rollback_RevisionsTemplateReplacesTheLiveOne_RestOfTheSpecKept()
    {
        var revision = new ControllerRevision
        {
            Metadata = new ObjectMeta { Name = "db-aaa" },
            Revision = 1,
            Data = new ControllerRevisionData
            {
                Spec = new ControllerRevisionSpec
                {
                    Template = new RevisionPodTemplate
                    {
                        Patch = "replace",
                        Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "db" } },
                        Spec = new PodSpec { Containers = [new Container { Name = "db", Image = "mysql:8", Env = [new EnvVar { Name = "MODE", Value = "old" }] }] },
                    },
                },
            },
        };

        var result = StrategicMergePatch.Apply(JsonNode.Parse(LiveStatefulSet), WorkloadPatches.Rollback(revision), KubernetesMergeKeys.Instance);

        var set = result.Deserialize<StatefulSet>(KubeJson.Options)!;
        var container = Assert.Single(set.Spec.Template.Spec.Containers);
        Assert.Equal(("db", "mysql:8"), (container.Name, container.Image));
        Assert.Equal([("MODE", "old")], container.Env!.Select(e => (e.Name, e.Value)));
        Assert.Null(set.Spec.Template.Metadata!.Annotations);
        Assert.Equal((3, "db"), (set.Spec.Replicas, set.Spec.ServiceName));
        Assert.False(result["spec"]!["template"]!.AsObject().ContainsKey("$patch"));
    }
}
