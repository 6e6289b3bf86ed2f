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

    /// <summary>
    /// The watch cannot go on (its store call failed): the client must list again. A lost silo is told as 410 Expired,
    /// which client-go's informers and kubectl answer by relisting; anything else as ControlPlaneFailure's bounded 500.
    /// </summary>
    public static ApiWatchEvent Stopped(Exception failure, string lastVersion) =>
        ControlPlaneFailure.IsUnavailable(failure)
            ? new(ErrorType, null, lastVersion, new ApiStatus
            {
                Code = 410,
                Reason = "Expired",
                Message = $"the watch from resource version {lastVersion} was lost with a silo of the control plane; list again",
            })
            : new(ErrorType, null, lastVersion, ControlPlaneFailure.StatusOf(failure));
}
