using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>One line of the audit page: the request's object as kubectl would name it (<c>deployments.apps default/web</c>).</summary>
public sealed record AuditRow(DateTimeOffset Time, string User, string Verb, string Object, int Code, string Client, string Latency, bool Started)
{
    public static AuditRow Of(AuditEntry e)
    {
        var resource = e.Subresource is null ? e.Resource : $"{e.Resource}/{e.Subresource}";
        var target = (e.Namespace, e.Name) switch
        {
            (null, null) => "",
            (null, { } name) => name,
            ({ } ns, null) => ns,
            ({ } ns, { } name) when ns == name => name, // a namespace's own object
            ({ } ns, { } name) => $"{ns}/{name}",
        };
        var latency = e.Latency.TotalMilliseconds < 1000 ? $"{e.Latency.TotalMilliseconds:0} ms" : $"{e.Latency.TotalSeconds:0.0} s";
        return new AuditRow(e.Time, e.User, e.Verb, target.Length == 0 ? resource : $"{resource} {target}", e.Code, ClientOf(e.UserAgent), latency, e.Started);
    }

    /// <summary>The client's name without its build details: <c>kubectl/v1.32.0 (linux/amd64) kubernetes/abc</c> is <c>kubectl/v1.32.0</c>.</summary>
    private static string ClientOf(string? userAgent) => userAgent is null ? "" : userAgent.Split(' ', 2)[0];
}
