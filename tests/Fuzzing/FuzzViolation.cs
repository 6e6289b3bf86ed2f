using System.Text.RegularExpressions;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// One broken promise of the API: which (<paramref name="Rule"/>), the request that broke it (null for a
/// check between requests), and what was seen.
/// </summary>
public sealed partial record FuzzViolation(string Rule, FuzzRequest? Request, string Seen)
{
    /// <summary>
    /// What makes two violations the same failure: the rule, the request's shape and mutation class, and the
    /// answer's message with names and numbers blanked.
    /// </summary>
    public string Signature => $"{Rule} | {Request?.Shape} | {Request?.MutationClass} | {Digits().Replace(Message().Match(Seen) is { Success: true } m ? m.Groups[1].Value : Seen[..Math.Min(Seen.Length, 80)], "#")}";

    public string Describe() => $"{Rule}\n{(Request is null ? "" : Request.Describe() + "\n")}{Seen}";

    [GeneratedRegex("\"message\":\"([^\"]{0,80})")]
    private static partial Regex Message();

    [GeneratedRegex("[0-9]+|\\\\\"[^\\\\]*\\\\\"")]
    private static partial Regex Digits();
}
