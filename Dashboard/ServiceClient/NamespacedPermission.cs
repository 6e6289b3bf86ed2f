using System.Collections.Concurrent;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>
/// One action (a verb on a kind) asked per namespace, for a list whose rows span namespaces: a user bound in one namespace
/// may scale the deployments there and not elsewhere, so each row's button follows its own namespace's answer. Each
/// namespace is asked once, without waiting: until its answer comes the button is hidden, and when it comes
/// <paramref name="changed"/> is called (the page renders again). Rendering never blocks on a decision.
/// </summary>
public sealed class NamespacedPermission(Func<string, Task<bool>> ask, Action changed)
{
    private readonly ConcurrentDictionary<string, Task<bool>> _answers = new(StringComparer.Ordinal);

    /// <summary>Whether the action is allowed in <paramref name="ns"/>, as far as known now (false until the answer is in).</summary>
    public bool In(string ns)
    {
        var answer = _answers.GetOrAdd(ns, Ask);
        return answer.IsCompletedSuccessfully && answer.Result;
    }

    private Task<bool> Ask(string ns)
    {
        var answer = Safely(ns);
        // An answer at once (a decision from memory) needs no second render; a later one does.
        if (!answer.IsCompleted) _ = answer.ContinueWith(_ => changed(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return answer;
    }

    private async Task<bool> Safely(string ns)
    {
        try
        {
            return await ask(ns).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A question that failed hides the button, as a refusal would; the action itself would show the API's error.
            return false;
        }
    }
}
