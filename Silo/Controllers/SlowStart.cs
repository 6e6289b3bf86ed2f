namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>
/// Kubernetes' <c>slowStartBatch</c> (pkg/controller/replicaset): many creations run concurrently, in batches
/// of 1, 2, 4, … so that a template the API refuses costs one failed call, not hundreds; a batch with a
/// failure stops the rest (the next pass tries again).
/// </summary>
public static class SlowStart
{
    /// <summary>The batch sizes for <paramref name="count"/> operations starting at <paramref name="initial"/>: each double the last, the last what remains.</summary>
    public static IEnumerable<int> Batches(int count, int initial = 1)
    {
        var size = Math.Max(1, initial);
        for (var remaining = count; remaining > 0; remaining -= size, size *= 2)
        {
            size = Math.Min(size, remaining);
            yield return size;
        }
    }

    /// <summary>Runs <paramref name="operation"/> <paramref name="count"/> times in slow-start batches; returns how many succeeded.</summary>
    public static async Task<int> Run(int count, Func<int, Task<bool>> operation)
    {
        var done = 0;
        foreach (var size in Batches(count))
        {
            var results = await Task.WhenAll(Enumerable.Range(done, size).Select(operation));
            var succeeded = results.Count(r => r);
            done += size;
            if (succeeded < size) return done - (size - succeeded);
        }
        return done;
    }
}
