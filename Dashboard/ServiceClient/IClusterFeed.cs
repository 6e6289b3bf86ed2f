using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>Live objects for the dashboard's pages: a snapshot and the changes after it, per kind.</summary>
public interface IClusterFeed
{
    /// <summary>Throws <see cref="ActionFailedException"/> (403) when the user may not list the kind.</summary>
    Task<FeedSubscription> Subscribe(DashboardUser user, ResourceKind kind, CancellationToken cancellationToken);
}
