using System.Text;

namespace OrleansOrchestrator.Silo.Api.Patching;

/// <summary>A parsed JSON Pointer (RFC 6901): the unescaped reference tokens of a path such as <c>/metadata/labels/app.kubernetes.io~1name</c>.</summary>
internal sealed class JsonPointer
{
    private JsonPointer(string text, IReadOnlyList<string> tokens)
    {
        Text = text;
        Tokens = tokens;
    }

    /// <summary>The pointer as written, for error messages.</summary>
    public string Text { get; }

    /// <summary>Reference tokens with <c>~1</c> and <c>~0</c> already decoded; empty for the whole document.</summary>
    public IReadOnlyList<string> Tokens { get; }

    public bool IsRoot => Tokens.Count == 0;

    public static JsonPointer Parse(string text)
    {
        if (text.Length == 0)
        {
            return new JsonPointer(text, []);
        }

        if (text[0] != '/')
        {
            throw new PatchException($"JSON pointer \"{text}\" must be empty or start with '/'");
        }

        var tokens = text[1..].Split('/').Select(token => Unescape(token, text)).ToArray();
        return new JsonPointer(text, tokens);
    }

    /// <summary>True when this pointer names a location strictly inside <paramref name="other"/>.</summary>
    public bool IsInside(JsonPointer other) =>
        Tokens.Count > other.Tokens.Count && other.Tokens.SequenceEqual(Tokens.Take(other.Tokens.Count));

    public override string ToString() => Text;

    // Decoded left to right in one pass, so "~01" becomes "~1" and not "/" (RFC 6901 section 4).
    private static string Unescape(string token, string pointer)
    {
        if (!token.Contains('~'))
        {
            return token;
        }

        var decoded = new StringBuilder(token.Length);
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] != '~')
            {
                decoded.Append(token[i]);
                continue;
            }

            var escaped = i + 1 < token.Length ? token[i + 1] : '\0';
            decoded.Append(escaped switch
            {
                '0' => '~',
                '1' => '/',
                _ => throw new PatchException($"JSON pointer \"{pointer}\" has an invalid escape: '~' must be followed by '0' or '1'"),
            });
            i++;
        }

        return decoded.ToString();
    }
}
