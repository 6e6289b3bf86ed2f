using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Controllers;

/// <summary>
/// The one admission chain, seen from outside: what a control loop writes reads back exactly as what a user
/// writes with kubectl (simulated nodes: the container engine is outside the unit under test).
/// </summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "1"]);

    public Task InitializeAsync() => _silo.Start();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    [Fact]
    public async Task ControllerCreatedPod_HasTheSameQosClassAsAKubectlCreatedOne()
    {
        await Kubectl.Ok("apply -f -", Manifests.ReplicaSet("qos", 1, cpu: "100m"));
        await Kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: bare
            spec:
              containers:
              - name: c
                image: "example/c:1"
                resources:
                  requests:
                    cpu: 100m
            """);

        var byController = await Eventually.Value(async () =>
            JsonNode.Parse(await Kubectl.Ok("get pods -l app=qos -o json"))!["items"]!.AsArray().FirstOrDefault(), "the ReplicaSet's pod");
        var byKubectl = JsonNode.Parse(await Kubectl.Ok("get pod bare -o json"))!;

        Assert.Equal("Burstable", byKubectl["status"]!["qosClass"]!.GetValue<string>());
        Assert.Equal("Burstable", byController!["status"]!["qosClass"]?.GetValue<string>());
        // Defaults too: both carry what the API server fills in.
        Assert.Equal(byKubectl["spec"]!["containers"]![0]!["terminationMessagePath"]!.GetValue<string>(),
            byController["spec"]!["containers"]![0]!["terminationMessagePath"]!.GetValue<string>());
    }
}
