using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace OrleansOrchestrator.Silo.Api.OpenApi;

/// <summary>
/// The descriptions <c>kubectl explain</c> prints, read from the XML documentation of the model records (the
/// compiler writes it beside the Contracts assembly), so that a field is described where it is declared.
/// The <c>summary</c> speaks to users; <c>remarks</c> are for developers and never shown.
/// </summary>
public sealed partial class ModelDocumentation
{
    private readonly Dictionary<string, string> _summaries;

    private ModelDocumentation(Dictionary<string, string> summaries) => _summaries = summaries;

    public static ModelDocumentation Empty { get; } = new([]);

    /// <summary>The documentation of <paramref name="assembly"/>, or <see cref="Empty"/> when its XML file was not deployed.</summary>
    public static ModelDocumentation Load(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        return File.Exists(path) ? Parse(XDocument.Load(path)) : Empty;
    }

    public static ModelDocumentation Parse(XDocument document) => new(
        document.Descendants("member")
            .Select(m => (Id: (string?)m.Attribute("name"), Summary: m.Element("summary")))
            .Where(m => m.Id is not null && m.Summary is not null)
            .ToDictionary(m => m.Id!, m => Flatten(m.Summary!), StringComparer.Ordinal));

    /// <summary>What the type's own documentation says, or null.</summary>
    public string? Of(Type type) => _summaries.GetValueOrDefault("T:" + MemberName(type));

    /// <summary>What the property's documentation says; a neutral sentence built from its JSON name when it has none.</summary>
    public string Of(PropertyInfo property, string jsonName) =>
        _summaries.GetValueOrDefault($"P:{MemberName(property.DeclaringType!)}.{property.Name}") ?? Neutral(jsonName);

    private static string MemberName(Type type) => type.FullName!.Replace('+', '.');

    /// <summary><c>terminationGracePeriodSeconds</c> → "Termination grace period seconds."; acronyms keep their capitals (<c>podCIDRs</c> → "Pod CIDRs.").</summary>
    private static string Neutral(string jsonName)
    {
        var words = WordBoundary().Split(jsonName).Select(w => w.Count(char.IsUpper) > 1 ? w : w.ToLowerInvariant()).ToArray();
        var text = string.Join(' ', words);
        return char.ToUpperInvariant(text[0]) + text[1..] + ".";
    }

    /// <summary>
    /// One line of plain text: kubectl re-wraps descriptions and drops line breaks without adding a space,
    /// so every run of white space becomes one space; <c>&lt;c&gt;</c> and <c>&lt;see&gt;</c> become their text.
    /// </summary>
    private static string Flatten(XElement summary)
    {
        var text = new StringBuilder();
        foreach (var node in summary.DescendantNodes())
        {
            if (node is XText t && t.Parent is { } parent && parent.Name != "see") text.Append(t.Value);
            else if (node is XElement { Name.LocalName: "see" } see) text.Append(SeeText(see));
            else if (node is XElement { Name.LocalName: "paramref" or "typeparamref" } reference) text.Append((string?)reference.Attribute("name"));
        }
        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    private static string SeeText(XElement see)
    {
        if (see.Value.Length > 0) return see.Value;
        if ((string?)see.Attribute("langword") is { } word) return word;
        var cref = (string?)see.Attribute("cref") ?? "";
        var name = cref[(cref.LastIndexOf('.') + 1)..];
        // A property is named as it is on the wire (camelCase); a type keeps its name.
        return cref.StartsWith("P:", StringComparison.Ordinal) && name.Length > 0 ? char.ToLowerInvariant(name[0]) + name[1..] : name;
    }

    [GeneratedRegex(@"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2})")]
    private static partial Regex WordBoundary();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
