using System.Security.Cryptography;

namespace OrleansOrchestrator.Silo.Api.Auth;

/// <summary>
/// Bearer tokens, one per line as in Kubernetes' static token file, extended with the tenant:
/// <c>token,user,tenant,group1;group2</c>. Lines starting with '#' are comments. The embedded mode
/// creates the file with one admin token on first start.
/// </summary>
public sealed class TokenFile
{
    private readonly Dictionary<string, Caller> _callers;

    private TokenFile(Dictionary<string, Caller> callers) => _callers = callers;

    public IReadOnlyDictionary<string, Caller> Callers => _callers;

    public Caller? Authenticate(string token) => _callers.GetValueOrDefault(token);

    public static TokenFile Load(string path)
    {
        var callers = new Dictionary<string, Caller>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split(',');
            if (parts.Length < 3 || parts[0].Length < 16)
                throw new FormatException($"{path}: expected 'token,user,tenant[,group;group]' with a token of 16+ characters: {line}");
            var groups = parts.Length > 3 ? parts[3].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            callers[parts[0].Trim()] = new Caller(parts[1].Trim(), parts[2].Trim(), groups);
        }
        return new TokenFile(callers);
    }

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
}
