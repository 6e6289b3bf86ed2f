using System.Diagnostics;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Streaming;

/// <summary>
/// A silo with its agent on the Docker engine, three users (an administrator, a read-only user, a user of another
/// tenant) and the pods the streaming tests go into: <c>shell</c> (web servers bound to the pod's own loopback on
/// 8080 and 8081, behind Service <c>shell</c> port 80), <c>tty</c> (an interactive shell, stdin and tty), <c>reader</c>
/// (reads stdin without a tty), <c>done</c> (completed) and Deployment <c>web</c>.
/// </summary>
public sealed class StreamingFixture : IAsyncLifetime
{
    /// <summary>The streaming tests share one silo and its pods.</summary>
    public const string Collection = "streaming";

    public DockerNodeFixture Node { get; } = new();

    public Kubectl Kubectl(string version) => Node.Kubectl(version);

    /// <summary>kubectl of <paramref name="version"/> as another user (the kubeconfig's server and CA, another token).</summary>
    public Kubectl As(string version, string token) => new(version, Node.Silo.KubeconfigPath, token);

    public async Task InitializeAsync()
    {
        TokenFiles.WriteUsers(Node.Silo);
        await Node.InitializeAsync();
        var kubectl = Kubectl("1.32");
        await kubectl.Ok("apply -f -", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: shell, labels: {app: shell}}
            spec:
              nodeName: {{{Node.NodeName}}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: {{{TestImages.Busybox}}}
                imagePullPolicy: Never
                command: [sh, -c, "echo hello-from-8080 > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www"]
              - name: side
                image: {{{TestImages.Busybox}}}
                imagePullPolicy: Never
                command: [sh, -c, "mkdir -p /www2 && echo hello-from-8081 > /www2/index.html && exec httpd -f -p 127.0.0.1:8081 -h /www2"]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: shell}
            spec:
              selector: {app: shell}
              ports: [{port: 80, targetPort: 8080}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  nodeName: {{{Node.NodeName}}}
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: {{{TestImages.Busybox}}}
                    imagePullPolicy: Never
                    command: [sh, -c, "echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www"]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: tty}
            spec:
              nodeName: {{{Node.NodeName}}}
              terminationGracePeriodSeconds: 1
              containers:
              - {name: main, image: "{{{TestImages.Busybox}}}", imagePullPolicy: Never, command: [sh], stdin: true, tty: true}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: reader}
            spec:
              nodeName: {{{Node.NodeName}}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: {{{TestImages.Busybox}}}
                imagePullPolicy: Never
                command: [sh, -c, 'while read line; do echo "got $line"; done; sleep 3600']
                stdin: true
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: done}
            spec:
              nodeName: {{{Node.NodeName}}}
              restartPolicy: Never
              containers:
              - {name: main, image: "{{{TestImages.Busybox}}}", imagePullPolicy: Never, command: ["true"]}
            """);
        await kubectl.Ok("wait --for=condition=Ready pod/shell pod/tty pod/reader --timeout=120s");
        await kubectl.Ok("rollout status deploy/web --timeout=120s");
        await kubectl.Ok("wait --for=jsonpath={.status.phase}=Succeeded pod/done --timeout=120s");
    }

    /// <summary>The silo's resident memory in bytes (its local agent runs in the same process).</summary>
    public long SiloResidentBytes()
    {
        using var process = Process.GetProcessById(Node.Silo.ProcessId);
        process.Refresh();
        return process.WorkingSet64;
    }

    public Task DisposeAsync() => Node.DisposeAsync();
}

[CollectionDefinition(StreamingFixture.Collection)]
public sealed class StreamingCollection : ICollectionFixture<StreamingFixture>;
