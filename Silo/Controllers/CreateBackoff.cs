namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>
/// How long a controller whose pod creates are refused (a quota's <c>exceeded quota: …</c>, a template the API
/// refuses) waits before trying again: each pass in a row with a refusal waits twice as long as the last, up to
/// <see cref="Max"/>, so that a namespace at its quota is not asked once a second forever. Pure; one per controller grain.
/// </summary>
public sealed class CreateBackoff
{
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    private int _refusedPasses;

    /// <summary>Records how a pass ended: the wait before the next try, or null when no create was refused (which starts over).</summary>
    public TimeSpan? After(bool refused)
    {
        _refusedPasses = refused ? _refusedPasses + 1 : 0;
        return refused ? TimeSpan.FromSeconds(Math.Min(Max.TotalSeconds, Math.Pow(2, Math.Min(_refusedPasses - 1, 10)))) : null;
    }
}
