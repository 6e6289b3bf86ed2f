using System.Reflection;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth.Rbac;

namespace OrleansOrchestrator.Silo.Tests.Api.Auth;

/// <summary>The RBAC cache over a store whose first lists fail, as a store that is not reachable yet.</summary>
public sealed class RbacPolicyCacheTests
{
    /// <summary>Collections whose lists fail until <see cref="Reachable"/> is set; they never report a change.</summary>
    private sealed class FlakyCollection(FlakyStore store) : ICollectionGrain
    {
        public Task<ListResult> List(ListOptions options) =>
            store.Reachable ? Task.FromResult(new ListResult([], 1, null, null)) : throw new TimeoutException("the store did not answer");

        public Task<WatchBatch> Watch(long afterVersion, ObjectFilter filter, TimeSpan maxWait) => new TaskCompletionSource<WatchBatch>().Task;

        public Task<VersionReservation> Reserve(string name) => throw new NotSupportedException();
        public Task<bool> Commit(VersionReservation reservation, WatchEvent change) => throw new NotSupportedException();
        public Task Abort(VersionReservation reservation) => throw new NotSupportedException();
    }

    public class FlakyStore : DispatchProxy
    {
        public volatile bool Reachable;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && targetMethod.GetGenericArguments()[0] == typeof(ICollectionGrain)
                ? new FlakyCollection(this)
                : throw new NotSupportedException(targetMethod?.Name);
    }

    [Fact]
    public async Task FailedFirstList_LeavesNothingFollowed_AndTheNextRequestListsAgain()
    {
        var grains = DispatchProxy.Create<IGrainFactory, FlakyStore>();
        using var cache = new RbacPolicyCache(grains);

        await Assert.ThrowsAsync<TimeoutException>(async () => await cache.Namespace("team-a", "invented-1"));
        await Assert.ThrowsAsync<TimeoutException>(async () => await cache.Cluster("team-a"));
        Assert.Equal(0, cache.FollowedCount);

        ((FlakyStore)(object)grains).Reachable = true;
        Assert.Empty((await cache.Namespace("team-a", "dev")).Bindings);
        Assert.Equal(2, cache.FollowedCount);
    }
}
