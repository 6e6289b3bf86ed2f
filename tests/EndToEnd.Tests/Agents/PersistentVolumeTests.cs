using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Agents;

/// <summary>
/// A local-path claim on the real Docker node, with kubectl 1.32: provisioned on the node of its first pod, its folder
/// under the node's announced root; a pod deleted and made again under its name finds what it wrote; the folder goes
/// once the claim (and with it, reclaim policy Delete, its volume) is gone; a pod whose claim does not exist waits with
/// the kubelet's FailedMount. Needs the silo's side of volumes (PersistentVolume kind, binder, local-path provisioner).
/// </summary>
public sealed class PersistentVolumeTests(DockerNodeFixture node) : IClassFixture<DockerNodeFixture>
{
    private const string RootAnnotation = "orleans-orchestrator.io/local-path-root";

    private string Writer(string name, string claim, bool pinned = false) => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}} }
        spec:
          {{(pinned ? $"nodeName: {node.NodeName}" : "")}}
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: {{TestImages.Busybox}}
            imagePullPolicy: Never
            command: [sh, -c, "cat /proc/sys/kernel/hostname >> /data/hostnames && cat /data/hostnames && exec sleep 100000"]
            volumeMounts: [{name: data, mountPath: /data}]
          volumes:
          - name: data
            persistentVolumeClaim:
              claimName: {{claim}}
        """;

    private async Task<JsonNode> Json(string what) => JsonNode.Parse(await node.Kubectl().Ok($"get {what} -o json"))!;

    [Fact]
    public async Task ClaimedFolder_OutlivesItsPod_TheNextPodOfTheNameFindsItsData_GoneWithItsClaim()
    {
        var kubectl = node.Kubectl();
        await kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
            """);
        await kubectl.Ok("apply -f -", Writer("writer", "data"));
        await Eventually.True(async () => (await kubectl.Run("logs writer")).Stdout == "writer\n", "the first writer's line", TimeSpan.FromSeconds(90));

        var claim = await Json("pvc data");
        Assert.Equal("Bound", claim["status"]!["phase"]!.GetValue<string>());
        var volumeName = claim["spec"]!["volumeName"]!.GetValue<string>();
        var root = (await Json($"node {node.NodeName}"))["metadata"]!["annotations"]![RootAnnotation]!.GetValue<string>();
        var folder = (await Json($"pv {volumeName}"))["spec"]!["local"]!["path"]!.GetValue<string>();
        Assert.StartsWith(root + "/", folder);
        Assert.Equal("writer\n", await File.ReadAllTextAsync(Path.Combine(folder, "hostnames")));

        await kubectl.Ok("delete pod writer");
        Assert.True(Directory.Exists(folder));
        await kubectl.Ok("apply -f -", Writer("writer", "data"));
        await Eventually.True(async () => (await kubectl.Run("logs writer")).Stdout == "writer\nwriter\n", "the second writer sees the first one's line", TimeSpan.FromSeconds(90));

        await kubectl.Ok("delete pod writer");
        await kubectl.Ok("delete pvc data");
        await Eventually.True(async () => (await kubectl.Run($"get pv {volumeName}")).All.Contains("NotFound"), "the volume deleted with its claim", TimeSpan.FromSeconds(60));
        await Eventually.True(() => !Directory.Exists(folder), "the node removes the folder", TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task PodWhoseClaimDoesNotExist_WaitsInContainerCreating_WithFailedMount()
    {
        var kubectl = node.Kubectl();
        await kubectl.Ok("apply -f -", Writer("stranded", "absent", pinned: true));
        var message = await Eventually.Value(async () =>
            (await Json("events --field-selector involvedObject.name=stranded,reason=FailedMount"))["items"]!.AsArray().FirstOrDefault()?["message"]?.GetValue<string>(),
            "a FailedMount event", TimeSpan.FromSeconds(60));
        Assert.Equal("Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: "
            + "error processing PVC default/absent: failed to fetch PVC from API server: persistentvolumeclaims \"absent\" not found", message);
        Assert.Contains("ContainerCreating", await kubectl.Ok("get pod stranded"));
        await kubectl.Ok("delete pod stranded");
    }
}
