using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// One event of a watch stream as Kubernetes sends it: ADDED/MODIFIED/DELETED with the object,
/// BOOKMARK with only a resourceVersion to resume from, or ERROR with a Status (410 when too old).
/// </summary>
public sealed record ApiWatchEvent(string Type, KubeObject? Object, string ResourceVersion, ApiStatus? Error = null)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string ErrorType = "ERROR";
}
