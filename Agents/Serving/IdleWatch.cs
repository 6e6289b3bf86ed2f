namespace OrleansOrchestrator.Agents.Serving;

/// <summary>
/// The kubelet's streaming-connection idle timeout for one session: every byte that moves either way counts as
/// activity (<see cref="Touch"/>, cheap enough for each message); <see cref="UntilIdle"/> completes once nothing has
/// moved for the whole timeout.
/// </summary>
internal sealed class IdleWatch(TimeSpan timeout, TimeProvider time)
{
    private long _lastActivity = time.GetTimestamp();

    public void Touch() => Volatile.Write(ref _lastActivity, time.GetTimestamp());

    public async Task UntilIdle(CancellationToken cancellationToken)
    {
        while (true)
        {
            var quiet = time.GetElapsedTime(Volatile.Read(ref _lastActivity));
            if (quiet >= timeout)
            {
                return;
            }

            await Task.Delay(timeout - quiet, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
