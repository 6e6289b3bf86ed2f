using System.Security.Cryptography;
using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Silo.Api.Auth;

/// <summary>
/// Bearer tokens, one per line as in Kubernetes' static token file, extended with the tenant:
/// <c>token,user,tenant,group1;group2</c>. Lines starting with '#' are comments. The embedded mode
/// creates the file with one admin token on first start.
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

    /// <summary>Every token's user as the file says now.</summary>
    public IReadOnlyDictionary<string, Caller> Callers => Current().ByToken;

    public Caller? Authenticate(string token) => Current().ByToken.GetValueOrDefault(token);

    /// <summary>The user of the token whose <see cref="TokenFingerprint"/> this is, if the token is still in the file.</summary>
    public Caller? ByFingerprint(string fingerprint) => Current().ByFingerprint.GetValueOrDefault(fingerprint);

    public static TokenFile Load(string path, TimeProvider? clock = null) => new(path, clock ?? TimeProvider.System);

    /// <summary>Creates the file with a fresh admin token of tenant <paramref name="tenant"/> when it does not exist.</summary>
    public static TokenFile LoadOrCreate(string path, string tenant)
    {
        if (!File.Exists(path))
        {
            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            Hosting.OwnerOnlyFile.Write(path, $"# token,user,tenant,groups (';'-separated)\n{token},admin,{tenant},{Caller.AdminGroup}\n");
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
        var callers = new Dictionary<string, Caller>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split(',');
            if (parts.Length < 3 || parts[0].Length < 16)
                throw new FormatException($"{path}: expected 'token,user,tenant[,group;group]' with a token of 16+ characters: {line}");
            var groups = parts.Length > 3 ? parts[3].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            callers[parts[0].Trim()] = new Caller(parts[1].Trim(), parts[2].Trim(), groups);
        }
        return new Snapshot(text, callers);
    }

    /// <summary>One reading of the file, looked up by token and by token fingerprint.</summary>
    private sealed class Snapshot(string text, IReadOnlyDictionary<string, Caller> byToken)
    {
        public string Text { get; } = text;

        public IReadOnlyDictionary<string, Caller> ByToken { get; } = byToken;

        public IReadOnlyDictionary<string, Caller> ByFingerprint { get; } =
            byToken.ToDictionary(entry => TokenFingerprint.Of(entry.Key), entry => entry.Value, StringComparer.Ordinal);
    }
}
