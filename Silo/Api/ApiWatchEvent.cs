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

    /// <summary>The version is older than the history kept: the client must list again (410, as Kubernetes).</summary>
    public static ApiWatchEvent Expired(string version) =>
        new(ErrorType, null, version, new ApiStatus { Code = 410, Reason = "Expired", Message = $"too old resource version: {version}" });

    /// <summary>The watch cannot go on (its store call failed): the client must watch, or list, again.</summary>
    public static ApiWatchEvent Failed(string message) =>
        new(ErrorType, null, "", new ApiStatus { Code = 500, Reason = "InternalError", Message = $"Internal error occurred: {message}" });
}
