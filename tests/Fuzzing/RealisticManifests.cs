using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// A valid, realistic manifest of every kind the API serves — the seeds that the fuzzer mutates. Rich on
/// purpose (probes, env, volumes, selectors, strategies), so that a mutation at a random path reaches deep into
/// defaulting and validation. A kind not written here (one added later) gets its skeleton from
/// <see cref="ManifestSkeleton"/>: every field of its record, so it is fuzzed all the same.
/// </summary>
public static class RealisticManifests
{
    private const string PodSpec = """
        {"containers":[{"name":"web","image":"nginx:1.25","command":["nginx"],"args":["-g","daemon off;"],
          "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],
          "env":[{"name":"MODE","value":"prod"},{"name":"KEY","valueFrom":{"configMapKeyRef":{"name":"fz-0","key":"mode"}}}],
          "envFrom":[{"configMapRef":{"name":"fz-0","optional":true}}],
          "resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"cpu":"500m","memory":"128Mi"}},
          "volumeMounts":[{"name":"cache","mountPath":"/cache"},{"name":"conf","mountPath":"/etc/conf","readOnly":true}],
          "livenessProbe":{"httpGet":{"path":"/healthz","port":"http"},"initialDelaySeconds":3,"periodSeconds":10},
          "readinessProbe":{"tcpSocket":{"port":80},"periodSeconds":5,"failureThreshold":3},
          "imagePullPolicy":"IfNotPresent"}],
         "initContainers":[{"name":"init","image":"busybox:1.36","command":["sh","-c","true"]}],
         "volumes":[{"name":"cache","emptyDir":{"sizeLimit":"64Mi"}},{"name":"conf","configMap":{"name":"fz-0","optional":true}}],
         "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst",
         "nodeSelector":{"disk":"ssd"},
         "tolerations":[{"key":"dedicated","operator":"Equal","value":"web","effect":"NoSchedule"}],
         "affinity":{"nodeAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":10,
           "preference":{"matchExpressions":[{"key":"zone","operator":"In","values":["a","b"]}]}}]}}}
        """;

    // The Event happens in 2099: events are collected an hour after they last happened, and the sentinel's must
    // outlive a long bench run.
    private static readonly Dictionary<string, string> ByKind = new(StringComparer.Ordinal)
    {
        ["Namespace"] = """{"metadata":{"labels":{"team":"fuzz"},"annotations":{"owner":"qa"}}}""",
        ["Node"] = """
            {"metadata":{"labels":{"disk":"ssd","zone":"a"}},
             "spec":{"podCIDR":"10.244.1.0/24","taints":[{"key":"dedicated","value":"web","effect":"NoSchedule"}]},
             "status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"},"allocatable":{"cpu":"4","memory":"8Gi","pods":"110"},
               "addresses":[{"type":"InternalIP","address":"10.0.0.9"}]}}
            """,
        ["Pod"] = """{"metadata":{"labels":{"app":"@","tier":"front"},"annotations":{"note":"fuzz"}},"spec":%PODSPEC%}""",
        // A new tenant of its own (never the fuzzed one): its quota is generous, its deletion empties only itself.
        ["Tenant"] = """{"metadata":{"labels":{"team":"fuzz"}},"spec":{"admins":["fz-admin"],"quota":{"hard":{"pods":"1000","requests.cpu":"100","requests.memory":"64Gi","namespaces":"50"}}}}""",
        ["Service"] = """
            {"metadata":{"labels":{"app":"web"}},
             "spec":{"type":"ClusterIP","selector":{"app":"@"},"sessionAffinity":"None",
               "ports":[{"name":"http","port":80,"targetPort":"http","protocol":"TCP"},{"name":"metrics","port":9090,"targetPort":9090}]}}
            """,
        ["Endpoints"] = """
            {"subsets":[{"addresses":[{"ip":"10.244.1.5","nodeName":"fz-0","targetRef":{"kind":"Pod","name":"fz-0"}}],
              "notReadyAddresses":[{"ip":"10.244.1.6"}],"ports":[{"name":"http","port":80,"protocol":"TCP"}]}]}
            """,
        ["EndpointSlice"] = """
            {"metadata":{"labels":{"kubernetes.io/service-name":"fz-0"}},"addressType":"IPv4",
             "endpoints":[{"addresses":["10.244.1.5"],"conditions":{"ready":true,"serving":true,"terminating":false},
               "hostname":"fz-0","nodeName":"fz-0","zone":"a","targetRef":{"kind":"Pod","namespace":"default","name":"fz-0"}}],
             "ports":[{"name":"http","port":80,"protocol":"TCP","appProtocol":"http"}]}
            """,
        ["ConfigMap"] = """{"metadata":{"labels":{"app":"web"}},"data":{"mode":"prod","nginx.conf":"worker_processes 1;\n"},"binaryData":{"blob":"AAEC"}}""",
        ["Secret"] = """{"type":"Opaque","data":{"password":"c2VjcmV0"},"stringData":{"user":"admin"}}""",
        ["ServiceAccount"] = """{"metadata":{"labels":{"app":"web"}},"automountServiceAccountToken":false,"imagePullSecrets":[{"name":"registry"}]}""",
        ["Event"] = """
            {"involvedObject":{"kind":"Pod","name":"fz-0","apiVersion":"v1"},"reason":"Started","message":"Started container web",
             "type":"Normal","count":1,"source":{"component":"kubelet","host":"fz-0"},
             "firstTimestamp":"2099-01-01T00:00:00Z","lastTimestamp":"2099-01-01T00:00:00Z"}
            """,
        ["PersistentVolumeClaim"] = """
            {"spec":{"accessModes":["ReadWriteOnce"],"storageClassName":"standard","volumeMode":"Filesystem",
              "resources":{"requests":{"storage":"1Gi"}},"selector":{"matchLabels":{"tier":"db"}}}}
            """,
        ["PersistentVolume"] = """
            {"metadata":{"labels":{"type":"local"}},
             "spec":{"storageClassName":"manual","capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce"],
               "persistentVolumeReclaimPolicy":"Retain","volumeMode":"Filesystem","local":{"path":"/mnt/disks/ssd1"},
               "nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":["node-1"]}]}]}}}}
            """,
        ["StorageClass"] = """
            {"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"false"}},
             "provisioner":"example.com/nfs","parameters":{"type":"pd-standard"},"reclaimPolicy":"Retain",
             "volumeBindingMode":"WaitForFirstConsumer","allowVolumeExpansion":true,"mountOptions":["nfsvers=4.1"]}
            """,
        ["ReplicaSet"] = """
            {"metadata":{"labels":{"app":"rs"}},
             "spec":{"replicas":0,"minReadySeconds":0,"selector":{"matchLabels":{"app":"@"}},
               "template":{"metadata":{"labels":{"app":"@"}},"spec":%PODSPEC%}}}
            """,
        ["Deployment"] = """
            {"metadata":{"labels":{"app":"dep"}},
             "spec":{"replicas":0,"revisionHistoryLimit":5,"progressDeadlineSeconds":600,"selector":{"matchLabels":{"app":"@"}},
               "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
               "template":{"metadata":{"labels":{"app":"@"}},"spec":%PODSPEC%}}}
            """,
        ["StatefulSet"] = """
            {"spec":{"replicas":0,"serviceName":"web","podManagementPolicy":"OrderedReady","selector":{"matchLabels":{"app":"@"}},
               "updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}},
               "template":{"metadata":{"labels":{"app":"@"}},"spec":%PODSPEC%},
               "volumeClaimTemplates":[{"metadata":{"name":"www"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}
            """,
    };

    /// <summary>
    /// Stands for the kind and name in label values, so that each workload selects only its own pods: two
    /// Deployments with one selector would fight over their ReplicaSets, and a ReplicaSet would adopt the pods.
    /// </summary>
    private const string NameMark = "\"@\"";

    /// <summary>Whether the kind has a hand-written manifest here (the others are fuzzed from their skeleton).</summary>
    public static bool HasHandWritten(ResourceKind kind) => ByKind.ContainsKey(kind.Kind);

    /// <summary>A fresh manifest of <paramref name="kind"/> named <paramref name="name"/> (the namespace comes from the path).</summary>
    public static JsonObject For(ResourceKind kind, string name) =>
        Normalise(kind, name, ByKind.TryGetValue(kind.Kind, out var json)
            ? JsonNode.Parse(json.Replace("%PODSPEC%", PodSpec, StringComparison.Ordinal).Replace(NameMark, $"\"{kind.Singular}-{name}\"", StringComparison.Ordinal))!.AsObject()
            : ManifestSkeleton.For(kind.ClrType));

    /// <summary>Every field of the kind's record set (see <see cref="ManifestSkeleton"/>), named <paramref name="name"/>.</summary>
    public static JsonObject Skeleton(ResourceKind kind, string name) => Normalise(kind, name, ManifestSkeleton.For(kind.ClrType));

    /// <summary>Type information first, the name set, and no field that only the server writes.</summary>
    private static JsonObject Normalise(ResourceKind kind, string name, JsonObject manifest)
    {
        manifest.Remove("apiVersion");
        manifest.Remove("kind");
        var metadata = manifest["metadata"] as JsonObject ?? new JsonObject();
        manifest.Remove("metadata");
        foreach (var server in new[] { "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "managedFields", "ownerReferences", "finalizers", "generateName" })
            metadata.Remove(server);
        metadata["name"] = name;
        var result = new JsonObject { ["apiVersion"] = kind.ApiVersion, ["kind"] = kind.Kind, ["metadata"] = metadata };
        foreach (var (key, value) in manifest.ToList())
        {
            manifest.Remove(key);
            result[key] = value;
        }
        return result;
    }
}
