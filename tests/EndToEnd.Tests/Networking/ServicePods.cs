using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Networking;

/// <summary>The pods the Services tests run: web servers that answer with their own name, and clients to send from.</summary>
public static class ServicePods
{
    /// <summary>A pod labelled <c>app: APP</c> serving its own name over HTTP on <paramref name="port"/> (busybox httpd), ready while /tmp/ready exists.</summary>
    public static string Web(string node, string name, string app, int port = 8080, string portName = "http") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          labels:
            app: {{app}}
        spec:
          nodeName: {{node}}
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: {{TestImages.Busybox}}
            imagePullPolicy: Never
            command: ["sh", "-c", "mkdir -p /www && echo $POD_NAME > /www/index.html && touch /tmp/ready && exec httpd -f -p {{port}} -h /www"]
            env:
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            ports:
            - name: {{portName}}
              containerPort: {{port}}
            readinessProbe:
              exec:
                command: ["cat", "/tmp/ready"]
              periodSeconds: 1
              failureThreshold: 1
        """;

    /// <summary>A pod that only waits, to send requests from.</summary>
    public static string Client(string node, string name) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
        spec:
          nodeName: {{node}}
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: {{TestImages.Busybox}}
            imagePullPolicy: Never
            command: ["sh", "-c", "exec sleep 3600"]
        """;
}
