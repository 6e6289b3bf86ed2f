namespace OrleansOrchestrator.Silo.Api.Audit;

/// <summary>Kubernetes' request verbs, as its request info derives them from the method and the path.</summary>
public static class AuditVerbs
{
    public static string Of(string method, bool named, bool watch) => method switch
    {
        "GET" or "HEAD" when watch => "watch",
        "GET" or "HEAD" => named ? "get" : "list",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => named ? "delete" : "deletecollection",
        _ => (method.Length > 16 ? method[..16] : method).ToLowerInvariant(),
    };
}
