namespace OrleansOrchestrator.Silo.Kinds;

/// <summary>Which of Kubernetes' name formats a kind's object names must follow.</summary>
public enum NameRule
{
    /// <summary>An RFC 1123 subdomain (most kinds): up to 253 characters, dots allowed.</summary>
    Subdomain,

    /// <summary>An RFC 1123 label (namespaces): up to 63 characters, no dots.</summary>
    Label,

    /// <summary>An RFC 1035 label (services, whose names become DNS names): starts with a letter.</summary>
    Dns1035Label,

    /// <summary>Any name that can be a URL path segment (roles and bindings: <c>system:aggregate-to-edit</c>).</summary>
    PathSegment,
}
