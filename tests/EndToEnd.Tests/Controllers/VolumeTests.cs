using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Controllers;

/// <summary>
/// Persistent volumes as kubectl 1.32 shows them, on simulated nodes (the volume controller and the scheduler are the
/// units under test; mounting is the agents'): the default local-path class, a claim provisioned on the node of its
/// first pod and followed there by the second, a claim in use waiting for its pods before it goes, reclaim Delete and
/// Retain, and hostPath refused to a user who is not an administrator.
/// </summary>
public sealed class VolumeTests : IAsyncLifetime
{
    private const string RootAnnotation = "orleans-orchestrator.io/local-path-root";

    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "2"]);

    public async Task InitializeAsync()
    {
        TokenFiles.WriteUsers(_silo);
        await _silo.Start();
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    private static string Writer(string name, int replicas, string claim) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{name}}
        spec:
          replicas: {{replicas}}
          selector:
            matchLabels: {app: {{name}}}
          template:
            metadata:
              labels: {app: {{name}}}
            spec:
              containers:
              - name: main
                image: example/writer:1
                volumeMounts:
                - {name: data, mountPath: /data}
              volumes:
              - name: data
                persistentVolumeClaim: {claimName: {{claim}}}
        """;

    private static string Claim(string name, string? storageClass = null) => $$"""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: {{name}}
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
        {{(storageClass is null ? "" : $"  storageClassName: {storageClass}")}}
        """;

    private async Task<JsonNode> Json(string what) => JsonNode.Parse(await Kubectl.Ok($"get {what} -o json"))!;

    private async Task<bool> Gone(string what) => (await Kubectl.Run($"get {what}")).All.Contains("NotFound");

    /// <summary>Simulated nodes have no disk; when their agent announces no folder for local volumes, say one as an administrator would.</summary>
    private async Task GiveNodesALocalPathRoot()
    {
        var nodes = await Eventually.Value(async () => (await Json("nodes"))["items"]!.AsArray() is { Count: 2 } items ? items : null, "two nodes");
        foreach (var node in nodes)
            if (node!["metadata"]!["annotations"]?[RootAnnotation] is null)
                await Kubectl.Ok($"annotate node {node["metadata"]!["name"]} {RootAnnotation}=/var/lib/orleans-orchestrator/local-path");
    }

    [Fact]
    public async Task LocalPathClaim_ProvisionedOnItsFirstPodsNode_FollowedByTheSecond_ProtectedWhileInUse_DeletedWithItsClaim()
    {
        var classes = await Kubectl.Ok("get sc");
        Assert.Contains("NAME", classes);
        Assert.Matches(@"local-path \(default\)\s+orleans-orchestrator\.io/local-path\s+Delete\s+WaitForFirstConsumer\s+false", classes);
        await GiveNodesALocalPathRoot();

        await Kubectl.Ok("apply -f -", Claim("data"));
        var pending = await Json("pvc data");
        Assert.Equal("local-path", pending["spec"]!["storageClassName"]!.GetValue<string>());
        Assert.Equal("Pending", pending["status"]!["phase"]!.GetValue<string>());
        Assert.Contains("kubernetes.io/pvc-protection", pending["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        await Eventually.True(async () => (await Kubectl.Ok("get events --field-selector involvedObject.name=data")).Contains("waiting for first consumer to be created before binding"),
            "the claim to say it waits for its first consumer");

        // Two replicas would be spread over the two nodes; the ReadWriteOnce claim they share keeps them on one.
        await Kubectl.Ok("apply -f -", Writer("writer", 2, "data"));
        var volumeName = await Eventually.Value(async () =>
            (await Json("pvc data"))["status"]?["phase"]?.GetValue<string>() == "Bound" ? (await Json("pvc data"))["spec"]!["volumeName"]!.GetValue<string>() : null,
            "the claim to be bound");
        var nodes = await Eventually.Value(async () =>
            (await Json("pods -l app=writer"))["items"]!.AsArray().Select(p => p!["spec"]!["nodeName"]?.GetValue<string>()).ToList() is { Count: 2 } placed && placed.All(n => n is not null)
                ? placed : null,
            "both pods placed");
        Assert.Single(nodes.Distinct());
        var volume = await Json($"pv {volumeName}");
        Assert.StartsWith("pvc-", volumeName);
        Assert.Equal(nodes[0], volume["spec"]!["nodeAffinity"]!["required"]!["nodeSelectorTerms"]![0]!["matchExpressions"]![0]!["values"]![0]!.GetValue<string>());
        Assert.EndsWith($"/default/{volumeName}", volume["spec"]!["local"]!["path"]!.GetValue<string>());
        Assert.Equal(nodes[0], (await Json("pvc data"))["metadata"]!["annotations"]!["volume.kubernetes.io/selected-node"]!.GetValue<string>());
        var volumes = await Kubectl.Ok("get pv");
        Assert.Contains("RECLAIM POLICY", volumes);
        Assert.Matches($@"{volumeName}\s+1Gi\s+RWO\s+Delete\s+Bound\s+default/data\s+local-path\s+<unset>", volumes);
        Assert.Matches($@"data\s+Bound\s+{volumeName}\s+1Gi\s+RWO\s+local-path\s+<unset>", await Kubectl.Ok("get pvc"));

        // In use: deleting the claim marks it and waits for its pods.
        await Kubectl.Ok("delete pvc data --wait=false");
        // A claim created after the deletion gets its own event only from a pass that has seen the deletion too.
        await Kubectl.Ok("apply -f -", Claim("witness"));
        await Eventually.True(async () => (await Kubectl.Ok("get events --field-selector involvedObject.name=witness")).Contains("waiting for first consumer"),
            "a pass of the volume controller after the deletion");
        Assert.Matches(@"data\s+Terminating", await Kubectl.Ok("get pvc data"));
        Assert.Matches($@"{volumeName}\s+1Gi\s+RWO\s+Delete\s+Bound", await Kubectl.Ok($"get pv {volumeName}"));

        await Kubectl.Ok("delete deployment writer");
        await Eventually.True(() => Gone("pvc data"), "the claim to go once its pods are gone", TimeSpan.FromSeconds(60));
        await Eventually.True(() => Gone($"pv {volumeName}"), "its volume (reclaim policy Delete) to go with it");
    }

    [Fact]
    public async Task RetainedVolume_ReleasedWithItsClaimRefWhenTheClaimGoes()
    {
        await Kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: PersistentVolume
            metadata:
              name: task-pv-volume
              labels: {type: local}
            spec:
              storageClassName: manual
              capacity: {storage: 10Gi}
              accessModes: [ReadWriteOnce]
              hostPath: {path: /mnt/data}
            """);
        await Kubectl.Ok("apply -f -", Claim("task-pv-claim", storageClass: "manual"));

        await Eventually.True(async () => (await Json("pvc task-pv-claim"))["status"]?["phase"]?.GetValue<string>() == "Bound", "the claim bound to the volume made by hand");
        Assert.Equal("task-pv-volume", (await Json("pvc task-pv-claim"))["spec"]!["volumeName"]!.GetValue<string>());
        Assert.Equal("Retain", (await Json("pv task-pv-volume"))["spec"]!["persistentVolumeReclaimPolicy"]!.GetValue<string>());

        await Kubectl.Ok("delete pvc task-pv-claim");
        await Eventually.True(async () => (await Json("pv task-pv-volume"))["status"]?["phase"]?.GetValue<string>() == "Released", "the volume released");
        Assert.Matches(@"task-pv-volume\s+10Gi\s+RWO\s+Retain\s+Released\s+default/task-pv-claim\s+manual", await Kubectl.Ok("get pv task-pv-volume"));
    }

    [Fact]
    public async Task PodOfAMissingClaim_UnschedulableAsKubernetesSays()
    {
        await Kubectl.Ok("run orphan --image=example/c:1 --overrides={\"spec\":{\"volumes\":[{\"name\":\"v\",\"persistentVolumeClaim\":{\"claimName\":\"nope\"}}]}}");

        var message = await Eventually.Value(async () =>
            (await Json("pod orphan"))["status"]?["conditions"]?.AsArray().FirstOrDefault(c => c!["type"]!.GetValue<string>() == "PodScheduled")?["message"]?.GetValue<string>(),
            "the pod's PodScheduled condition");
        Assert.Equal("0/2 nodes are available: persistentvolumeclaim \"nope\" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", message);
    }

    [Fact]
    public async Task NonAdministrator_HostPathPodAndVolumeForbidden_TenantsSeeOnlyTheirOwnVolumes()
    {
        var user = new Kubectl("1.32", _silo.KubeconfigPath, TokenFiles.OtherTenant);
        var pod = await user.Run("apply -f -", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: peek
            spec:
              containers:
              - name: c
                image: busybox
                volumeMounts: [{name: host, mountPath: /host}]
              volumes:
              - name: host
                hostPath: {path: /etc}
            """);
        Assert.NotEqual(0, pod.ExitCode);
        Assert.Contains("pods \"peek\" is forbidden: hostPath volumes are reserved for cluster administrators", pod.All);
        var deployment = await user.Run("apply -f -", Writer("sneaky", 1, "data").Replace("persistentVolumeClaim: {claimName: data}", "hostPath: {path: /}"));
        Assert.Contains("deployments.apps \"sneaky\" is forbidden: hostPath volumes are reserved for cluster administrators", deployment.All);

        // The administrator of tenant default may; the user of team-b sees neither that volume nor the other tenant's class changes.
        await Kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: PersistentVolume
            metadata:
              name: admin-only
            spec:
              capacity: {storage: 1Gi}
              accessModes: [ReadWriteOnce]
              hostPath: {path: /srv}
            """);
        Assert.DoesNotContain("admin-only", (await user.Run("get pv")).All);
        Assert.Contains("local-path (default)", await user.Ok("get sc"));
    }
}
