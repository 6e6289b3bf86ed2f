namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>
/// One request of the tenant's audit trail as the dashboard shows it: who did what to which object, when, and what the
/// API answered. <paramref name="UserAgent"/> is <c>dashboard</c> for actions taken in the dashboard; <paramref name="Started"/>
/// marks a long-running request (watch, exec) recorded as it opened.
/// </summary>
public sealed record AuditEntry(
    DateTimeOffset Time,
    string User,
    string Verb,
    string Resource,
    string? Namespace,
    string? Name,
    string? Subresource,
    int Code,
    string? UserAgent,
    TimeSpan Latency,
    bool Started = false);
