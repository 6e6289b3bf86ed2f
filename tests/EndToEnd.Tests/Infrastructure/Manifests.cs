namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The workloads the end-to-end tests apply with kubectl: pods of one container, selected by <c>app: name</c>.
/// One source, so that each test states only what it varies.
/// </summary>
public static class Manifests
{
    /// <param name="strategy">YAML of <c>spec.strategy</c>, indented two spaces (empty: the default strategy).</param>
    /// <param name="cpu">The container's CPU request (none when null); likewise <paramref name="memory"/>.</param>
    public static string Deployment(string name, int replicas, string image, string container = "main", string strategy = "",
        string? cpu = null, string? memory = null) =>
        Workload("Deployment", name, replicas, image, container, strategy, cpu, memory);

    public static string ReplicaSet(string name, int replicas, string cpu, string image = "example/c:1", string container = "c") =>
        Workload("ReplicaSet", name, replicas, image, container, strategy: "", cpu, memory: null);

    /// <summary>A headless Service and a StatefulSet <paramref name="name"/> of one container, each pod with a claim from template <c>data</c>.</summary>
    public static string StatefulSet(string name, int replicas, string image, string extraSpec = "") => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {{name}}
        spec:
          clusterIP: None
          selector:
            app: {{name}}
          ports:
          - port: 80
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: {{name}}
        spec:
          serviceName: {{name}}
          replicas: {{replicas}}
          selector:
            matchLabels:
              app: {{name}}
        {{extraSpec}}
          template:
            metadata:
              labels:
                app: {{name}}
            spec:
              containers:
              - name: main
                image: "{{image}}"
                volumeMounts:
                - name: data
                  mountPath: /data
          volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: ["ReadWriteOnce"]
              resources:
                requests:
                  storage: 1Gi
        """;

    private static string Workload(string kind, string name, int replicas, string image, string container, string strategy, string? cpu, string? memory)
    {
        var requests = cpu is null && memory is null ? "" : "\n        resources:\n          requests:"
            + (cpu is null ? "" : $"\n            cpu: {cpu}")
            + (memory is null ? "" : $"\n            memory: {memory}");
        return $$"""
            apiVersion: apps/v1
            kind: {{kind}}
            metadata:
              name: {{name}}
            spec:
              replicas: {{replicas}}
              selector:
                matchLabels:
                  app: {{name}}
            {{strategy}}
              template:
                metadata:
                  labels:
                    app: {{name}}
                spec:
                  containers:
                  - name: {{container}}
                    image: "{{image}}"{{requests}}
            """;
    }
}
