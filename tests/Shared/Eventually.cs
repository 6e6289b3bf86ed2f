namespace OrleansOrchestrator.Tests.Shared;

/// <summary>
/// Waits on a condition (never a fixed sleep), failing with a message when it does not come true in time.
/// Polls with a growing interval: the one place tests pause, and only between checks. Shared by the test
/// projects (linked into each).
/// </summary>
public static class Eventually
{
    public static async Task<T> Value<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    public static Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Value<object>(async () => await condition() ? new object() : null, what, timeout);

    public static Task True(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        True(() => Task.FromResult(condition()), what, timeout);
}
