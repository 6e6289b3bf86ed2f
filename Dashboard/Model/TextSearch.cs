namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>The lists' search box: a row matches when any of its shown texts contains the search, ignoring case.</summary>
public static class TextSearch
{
    public static bool Matches(string? search, params IEnumerable<string?> texts) =>
        string.IsNullOrWhiteSpace(search) || texts.Any(t => t?.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase) == true);
}
