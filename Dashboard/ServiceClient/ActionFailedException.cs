namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>One field the API rejected, as a Kubernetes Status cause.</summary>
public sealed record FieldProblem(string? Field, string Message);

/// <summary>
/// The API refused what the user asked (the code and message of its Status): shown to the user next to
/// the action, never swallowed.
/// </summary>
public sealed class ActionFailedException(int code, string message, IReadOnlyList<FieldProblem>? problems = null) : Exception(message)
{
    public int Code { get; } = code;
    public IReadOnlyList<FieldProblem> Problems { get; } = problems ?? [];
}

/// <summary>The feed's watch position is older than the store keeps; the feed lists again.</summary>
public sealed class FeedExpiredException(string message) : Exception(message);
