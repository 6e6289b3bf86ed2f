namespace OrleansOrchestrator.Fuzzing;

/// <summary>How the API answered one request: the status code (0: no complete answer), the time, and the body's start.</summary>
public sealed record FuzzOutcome(int Code, TimeSpan Elapsed, string Body, string? Failure)
{
    public string Describe() =>
        $"  answered {(Code == 0 ? "nothing" : Code.ToString(System.Globalization.CultureInfo.InvariantCulture))} after {Elapsed.TotalMilliseconds:F0} ms{(Failure is null ? "" : $" ({Failure})")}: {Body switch { "" => "(no body)", { Length: > 600 } => Body[..600] + "…", _ => Body }}";
}
