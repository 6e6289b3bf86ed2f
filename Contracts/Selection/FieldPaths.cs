using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Selection;

/// <summary>
/// The fields Kubernetes lets clients select on (and that kubectl uses): every kind's
/// <c>metadata.name</c>/<c>metadata.namespace</c>, plus a few per kind.
/// </summary>
public static class FieldPaths
{
    public static bool IsSupported(ResourceKind kind, string field) =>
        field is "metadata.name" or "metadata.namespace" || KindFields(kind).Contains(field);

    public static IReadOnlyList<string> KindFields(ResourceKind kind) => kind.Kind switch
    {
        "Pod" => ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP", "status.nominatedNodeName"],
        "Event" => ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
        "Secret" => ["type"],
        "Node" => ["spec.unschedulable"],
        "Namespace" => ["status.phase"],
        "ReplicaSet" or "StatefulSet" => ["status.replicas"],
        _ => [],
    };

    /// <summary>The value of a selectable field as Kubernetes compares it (a string; "" when unset).</summary>
    public static string Get(KubeObject obj, string field)
    {
        switch (field)
        {
            case "metadata.name": return obj.Metadata.Name ?? "";
            case "metadata.namespace": return obj.Metadata.Namespace ?? "";
        }
        return obj switch
        {
            Pod pod => field switch
            {
                "spec.nodeName" => pod.Spec.NodeName ?? "",
                "spec.restartPolicy" => pod.Spec.RestartPolicy ?? "",
                "spec.schedulerName" => pod.Spec.SchedulerName ?? "",
                "spec.serviceAccountName" => pod.Spec.ServiceAccountName ?? "",
                "status.phase" => pod.Status?.Phase ?? "",
                "status.podIP" => pod.Status?.PodIP ?? "",
                "status.nominatedNodeName" => pod.Status?.NominatedNodeName ?? "",
                _ => "",
            },
            Event ev => field switch
            {
                "involvedObject.kind" => ev.InvolvedObject.Kind ?? "",
                "involvedObject.namespace" => ev.InvolvedObject.Namespace ?? "",
                "involvedObject.name" => ev.InvolvedObject.Name ?? "",
                "involvedObject.uid" => ev.InvolvedObject.Uid ?? "",
                "involvedObject.apiVersion" => ev.InvolvedObject.ApiVersion ?? "",
                "involvedObject.resourceVersion" => ev.InvolvedObject.ResourceVersion ?? "",
                "involvedObject.fieldPath" => ev.InvolvedObject.FieldPath ?? "",
                "reason" => ev.Reason ?? "",
                "reportingComponent" => ev.ReportingComponent ?? "",
                "source" => ev.Source?.Component ?? "",
                "type" => ev.Type ?? "",
                _ => "",
            },
            Secret secret when field == "type" => secret.Type ?? "",
            Node node when field == "spec.unschedulable" => (node.Spec.Unschedulable ?? false) ? "true" : "false",
            Namespace ns when field == "status.phase" => ns.Status?.Phase ?? "",
            ReplicaSet rs when field == "status.replicas" => (rs.Status?.Replicas ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            StatefulSet sts when field == "status.replicas" => (sts.Status?.Replicas ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => "",
        };
    }
}
