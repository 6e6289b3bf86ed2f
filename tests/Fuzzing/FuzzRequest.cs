using System.Globalization;
using System.Text;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// One generated request, exactly as sent: the raw path and query (dot segments and odd encodings are not
/// normalised by the client), the content type and the body bytes (which need not be valid UTF-8).
/// </summary>
/// <param name="Shape">What kind of request this is (<c>PATCH strategic</c>, <c>watch</c>, …), for counting and grouping.</param>
/// <param name="Mutation">What was done to the seed manifest or request (<c>null at spec.containers</c>); "valid" when nothing.</param>
public sealed record FuzzRequest(
    int Seed,
    long Index,
    FuzzCaller Caller,
    string Method,
    string PathAndQuery,
    string? ContentType,
    byte[]? Body,
    string Shape,
    string Mutation)
{
    /// <summary>Request headers beyond authorisation and content type (e.g. a Table <c>Accept</c>).</summary>
    public string? Accept { get; init; }

    public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE";

    /// <summary>The mutation without its details (the field path, the sizes), to group failures of one cause.</summary>
    public string MutationClass => Mutation.Split(" at ")[0].Split(" (")[0];

    /// <summary>
    /// Everything needed to replay the request: the seed and index (the generator makes the same request again
    /// from them), and a curl command with the body (truncated to <paramref name="maxBody"/> bytes).
    /// </summary>
    public string Describe(int maxBody = 600)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"seed {Seed} request #{Index} ({Shape}; {Mutation}; {(Caller == FuzzCaller.Admin ? "admin" : "read-only view")} token)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {Method} {PathAndQuery}");
        if (ContentType is not null) text.AppendLine(CultureInfo.InvariantCulture, $"  Content-Type: {ContentType}");
        if (Accept is not null) text.AppendLine(CultureInfo.InvariantCulture, $"  Accept: {Accept}");
        var curl = new StringBuilder($"curl -sk --path-as-is -X {Method} -H \"Authorization: Bearer $TOKEN\"");
        if (ContentType is not null) curl.Append(CultureInfo.InvariantCulture, $" -H {Quote("Content-Type: " + ContentType)}");
        if (Accept is not null) curl.Append(CultureInfo.InvariantCulture, $" -H {Quote("Accept: " + Accept)}");
        if (Body is { } body)
        {
            var shown = Quote(body.AsSpan(0, Math.Min(body.Length, maxBody)));
            text.AppendLine(CultureInfo.InvariantCulture, $"  body ({body.Length:N0} bytes{(body.Length > maxBody ? $", first {maxBody} shown" : "")}): {shown}");
            curl.Append(body.Length <= maxBody ? $" --data-binary {shown}" : " --data-binary @body");
        }
        curl.Append(CultureInfo.InvariantCulture, $" \"$API\"{Quote(PathAndQuery)}");
        text.Append("  replay: ").Append(curl);
        return text.ToString();
    }

    public override string ToString() => Describe();

    private static string Quote(string text) => Quote(Encoding.UTF8.GetBytes(text));

    /// <summary>Bash's <c>$'…'</c> quoting: printable ASCII as is, every other byte escaped, so invalid UTF-8 survives.</summary>
    private static string Quote(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder("$'");
        foreach (var b in bytes)
        {
            text.Append(b switch
            {
                (byte)'\\' => "\\\\",
                (byte)'\'' => "\\'",
                (byte)'\n' => "\\n",
                (byte)'\t' => "\\t",
                >= 0x20 and < 0x7f => ((char)b).ToString(),
                _ => $"\\x{b:x2}",
            });
        }
        return text.Append('\'').ToString();
    }
}
