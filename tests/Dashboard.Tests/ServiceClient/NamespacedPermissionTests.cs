using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Dashboard.Tests.ServiceClient;

/// <summary>A list's per-namespace question: asked once per namespace, never waited on, a late answer re-renders the page.</summary>
public sealed class NamespacedPermissionTests
{
    [Fact]
    public void AnswerAtOnce_IsUsedAtOnce_AndEachNamespaceIsAskedOnce()
    {
        var asked = new List<string>();
        var changes = 0;
        var permission = new NamespacedPermission(ns =>
        {
            asked.Add(ns);
            return Task.FromResult(ns == "dev");
        }, () => changes++);

        Assert.True(permission.In("dev"));
        Assert.False(permission.In("prod"));
        Assert.True(permission.In("dev"));

        Assert.Equal(["dev", "prod"], asked);
        Assert.Equal(0, changes);
    }

    [Fact]
    public async Task PendingAnswer_HidesTheAction_UntilItComes_ThenAsksForARender()
    {
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var permission = new NamespacedPermission(_ => answer.Task, () => changed.TrySetResult());

        Assert.False(permission.In("dev"));
        answer.SetResult(true);

        await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(permission.In("dev"));
    }

    [Fact]
    public async Task FailedQuestion_HidesTheAction_AsARefusalWould()
    {
        var failure = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var permission = new NamespacedPermission(ns => ns == "now" ? Task.FromException<bool>(new InvalidOperationException("store down")) : failure.Task,
            () => changed.TrySetResult());

        Assert.False(permission.In("now"));
        Assert.False(permission.In("later"));
        failure.SetException(new InvalidOperationException("store down"));

        await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(permission.In("later"));
    }
}
