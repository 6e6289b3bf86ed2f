using System.Security.Cryptography;
using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Silo.Api.Auth;

/// <summary>
/// Bearer tokens, one per line as in Kubernetes' static token file, extended with the tenant:
/// <c>token,user,tenant,group1;group2</c>. Lines starting with '#' are comments. The first column is the token itself
/// (as Kubernetes' file has it, and as tests and older data folders write it) or <c>sha256:</c> and the token's SHA-256
/// in hex, so that the file need not hold any token: a presented token is hashed once and looked up by its hash. The
/// embedded mode creates the file on first start with the hash of one admin token, whose token only the kubeconfig
/// written then holds.
/// <para>
/// The file is read again whenever it changes (its size or write time, looked at on every authentication: one
/// <c>stat</c>), so a removed line revokes its token at the next request and a new line works at once, without a
/// restart. A file that no longer parses, or that is missing for a moment (an editor replacing it), keeps the last
/// good tokens and reports the problem through <see cref="ReloadFailed"/>: a typo must not lock every user out.
/// </para>
/// </summary>
public sealed class TokenFile
{
    /// <summary>
    /// A file written this recently may be written again within the file system's clock tick (a few ms) with the same
    /// size: its contents decide then.
    /// </summary>
    private static readonly TimeSpan CoarseClock = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly TimeProvider _clock;
    private readonly Lock _reloading = new();
    private volatile Snapshot _current;
    private (DateTime WrittenUtc, long Length) _stamp;
    private DateTime _readUtc;

    private TokenFile(string path, TimeProvider clock)
    {
        _path = path;
        _clock = clock;
        _stamp = Stamp(path) ?? default;
        _readUtc = clock.GetUtcNow().UtcDateTime;
        _current = Parse(path, File.ReadAllText(path));
    }

    /// <summary>Raised (on the reloading request's thread) with the reason a changed file was not taken.</summary>
    public event Action<string>? ReloadFailed;

    /// <summary>Raised after a changed file was taken, e.g. to give a tenant that just appeared its default namespace.</summary>
    public event Action? Reloaded;

    /// <summary>Every token's user as the file says now, by the token's <see cref="TokenFingerprint"/>.</summary>
    public IReadOnlyDictionary<string, Caller> Callers => Current().ByFingerprint;

    public Caller? Authenticate(string token) =>
        token.Length is > 0 and <= Identity.Credentials.MaxTokenLength ? ByFingerprint(TokenFingerprint.Of(token)) : null;

    /// <summary>The user of the token whose <see cref="TokenFingerprint"/> this is, if the token is still in the file.</summary>
    public Caller? ByFingerprint(string fingerprint) => Current().ByFingerprint.GetValueOrDefault(fingerprint);

    /// <summary>An administrator's token written in the file as itself (an older or hand-written file), if any.</summary>
    public string? PlainAdminToken => Current().Plain.FirstOrDefault(entry => entry.Caller.IsAdmin).Token;

    public static TokenFile Load(string path, TimeProvider? clock = null) => new(path, clock ?? TimeProvider.System);

    /// <summary>The user of the administrator's token a new file is made with.</summary>
    public const string BootstrapAdminUser = "admin";

    /// <summary>
    /// Creates the file with the hash of a fresh admin token of tenant <paramref name="tenant"/> when it does not exist;
    /// that token is returned (<paramref name="createdToken"/>) for the kubeconfig, the only place that keeps it.
    /// <paramref name="keepToken"/> (user, token) is given it first, before the file names its hash: a crash between the
    /// two then leaves a token that is not valid yet (the next start makes another), never a valid one nobody holds.
    /// </summary>
    public static TokenFile LoadOrCreate(string path, string tenant, Action<string, string> keepToken, out string? createdToken)
    {
        createdToken = null;
        if (!File.Exists(path))
        {
            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            keepToken(BootstrapAdminUser, token);
            Hosting.OwnerOnlyFile.Write(path,
                $"# token,user,tenant,groups (';'-separated); the token may be written as sha256:<hex of its SHA-256>\n" +
                $"{Identity.Credentials.HashToken(token)},{BootstrapAdminUser},{tenant},{Caller.AdminGroup}\n");
            createdToken = token;
        }
        return Load(path);
    }

    private Snapshot Current()
    {
        // Unchanged when size and write time are those of our last reading and that reading came well after the write
        // (a write within the same clock tick as an earlier one keeps the write time; only a later reading sees it).
        if (Stamp(_path) is not { } stamp || (stamp == _stamp && _readUtc - stamp.WrittenUtc > CoarseClock)) return _current;
        string? problem = null;
        var reloaded = false;
        lock (_reloading)
        {
            try
            {
                var readUtc = _clock.GetUtcNow().UtcDateTime;
                var text = File.ReadAllText(_path);
                // A file that cannot be read now is tried again at the next request; one that does not parse waits for its next change.
                (_stamp, _readUtc) = (stamp, readUtc);
                if (text != _current.Text)
                {
                    _current = Parse(_path, text);
                    reloaded = true;
                }
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                problem = $"{_path} changed but was not taken, the previous tokens stay valid: {e.Message}";
            }
        }
        if (problem is not null) ReloadFailed?.Invoke(problem);
        if (reloaded) Reloaded?.Invoke();
        return _current;
    }

    /// <summary>What tells a changed file: its write time and size (null while it is missing).</summary>
    private static (DateTime WrittenUtc, long Length)? Stamp(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? (file.LastWriteTimeUtc, file.Length) : null;
    }

    private static Snapshot Parse(string path, string text)
    {
        var byFingerprint = new Dictionary<string, Caller>(StringComparer.Ordinal);
        var plain = new List<(string Token, Caller Caller)>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split(',');
            var first = parts[0].Trim();
            var hashed = first.StartsWith(Identity.Credentials.HashPrefix, StringComparison.Ordinal);
            // The line is not shown: it may hold a token.
            if (parts.Length < 3 || (hashed ? !Identity.Credentials.IsTokenHash(first) : first.Length < 16))
                throw new FormatException($"{path}, line {number}: expected 'token,user,tenant[,group;group]' with a token of 16+ characters or sha256:<64 lowercase hex digits>");
            var groups = parts.Length > 3 ? parts[3].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            var caller = new Caller(parts[1].Trim(), parts[2].Trim(), groups);
            byFingerprint[hashed ? first[Identity.Credentials.HashPrefix.Length..] : TokenFingerprint.Of(first)] = caller;
            if (!hashed) plain.Add((first, caller));
        }
        return new Snapshot(text, byFingerprint, plain);
    }

    /// <summary>One reading of the file, looked up by token fingerprint; the tokens written as themselves, for the kubeconfig.</summary>
    private sealed record Snapshot(string Text, IReadOnlyDictionary<string, Caller> ByFingerprint, IReadOnlyList<(string Token, Caller Caller)> Plain);
}
