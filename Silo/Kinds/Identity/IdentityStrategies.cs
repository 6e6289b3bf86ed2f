using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth.Identity;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;

namespace OrleansOrchestrator.Silo.Kinds.Identity;

/// <summary>
/// <c>tenancy.orleans-orchestrator.io/v1</c> User, kept by the operator in the system tenant (namespace = the user's
/// tenant). The password a client sends is hashed by <see cref="Silo.Admission.IdentityAdmission"/> before anything is
/// stored; one still here at validation was refused by it (too short or too long) and is refused with a 422.
/// </summary>
public static class UserStrategy
{
    /// <summary>The most groups a user may be given, and the longest group name.</summary>
    public const int MaxGroups = 64;

    public const int MaxGroupLength = 253;

    public static readonly KindStrategy<User> Strategy = new()
    {
        Identity = ResourceKinds.User,
        Defaults = user => user,
        Validation = (user, errors) =>
        {
            if (user.Spec.Password is not null)
                errors.Add(InvalidValue("spec.password", "\"<hidden>\"",
                    $"must be {Credentials.MinPasswordLength} to {Credentials.MaxPasswordLength} characters"));
            if (user.Spec.PasswordHash is { } hash && !PasswordHashLooksRight(hash))
                errors.Add(InvalidValue("spec.passwordHash", "\"<hidden>\"", "set by the server from spec.password; a copied hash must be one it made"));
            var groups = user.Spec.Groups ?? [];
            if (groups.Count > MaxGroups) errors.Add(new FieldCause("spec.groups", "FieldValueTooMany", $"Too many: {groups.Count}: must have at most {MaxGroups} items"));
            for (var i = 0; i < Math.Min(groups.Count, MaxGroups); i++)
                if (groups[i].Length == 0 || groups[i].Length > MaxGroupLength || groups[i].Any(char.IsControl) || groups[i].Contains(';') || groups[i].Contains(','))
                    errors.Add(InvalidValue($"spec.groups[{i}]", Quote(groups[i].Length > MaxGroupLength ? groups[i][..MaxGroupLength] : groups[i]),
                        $"must be 1 to {MaxGroupLength} printable characters without ',' or ';'"));
        },
        Table =
        [
            Name,
            Col<User>("Groups", (u, _) => u.Spec.Groups is { Count: > 0 } g ? string.Join(",", g) : "<none>"),
            Col<User>("Password", (u, _) => u.Spec.PasswordHash is null ? "<none>" : "set"),
            Age,
        ],
        Fields = new Dictionary<string, Func<User, string>>(),
        Spec = new(u => u.Spec),
        Status = null,
        Scale = null,
        // A user's tokens go with the user (the garbage collector deletes them; authentication already refuses them).
        Owned = [ResourceKinds.AccessToken],
        ControlLoop = null,
    };

    /// <summary>ASP.NET Core Identity's version-3 format: base64 of a 0x01 byte, then the parameters, salt and subkey.</summary>
    private static bool PasswordHashLooksRight(string hash)
    {
        if (hash.Length is < 16 or > 512) return false;
        var bytes = new byte[hash.Length];
        return Convert.TryFromBase64String(hash, bytes, out var written) && written > 13 && bytes[0] == 0x01;
    }
}

/// <summary>
/// <c>tenancy.orleans-orchestrator.io/v1</c> AccessToken: a bearer token of a User, made by the server when the object
/// is created (see <see cref="Credentials"/>) and kept only as its hash. Its spec never changes: a token for another
/// user or another lifetime is a new token.
/// </summary>
public static class AccessTokenStrategy
{
    /// <summary>Kubernetes' TokenRequest takes at least ten minutes; the most is 2^32 seconds as there.</summary>
    public const long MinExpirationSeconds = 600;

    public const long MaxExpirationSeconds = 1L << 32;

    public static readonly KindStrategy<AccessToken> Strategy = new()
    {
        Identity = ResourceKinds.AccessToken,
        Defaults = token => token,
        Validation = (token, errors) =>
        {
            if (token.Spec.User.Length == 0) errors.Add(Required("spec.user", ""));
            else if (Subdomain(token.Spec.User) is { } problem)
                errors.Add(InvalidValue("spec.user", Quote(token.Spec.User.Length > 253 ? token.Spec.User[..253] : token.Spec.User), problem));
            if (token.Spec.ExpirationSeconds is { } seconds and (< MinExpirationSeconds or > MaxExpirationSeconds))
                errors.Add(InvalidValue("spec.expirationSeconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"may not specify a duration less than {MinExpirationSeconds} seconds or longer than {MaxExpirationSeconds} seconds"));
            if (token.Status?.Token is not null) errors.Add(Forbidden("status.token", "the token is never stored"));
            if (token.Status?.TokenHash is { } hash && !Credentials.IsTokenHash(hash))
                errors.Add(InvalidValue("status.tokenHash", "\"<hidden>\"", "must be sha256: and 64 lowercase hex digits"));
        },
        UpdateRule = (before, after) => Store.ObjectSemantics.SameJson(before.Spec, after.Spec)
            ? null
            : Forbidden("spec", "an AccessToken's spec is immutable: create a new token instead"),
        Table =
        [
            Name,
            Col<AccessToken>("User", (t, _) => t.Spec.User),
            Col<AccessToken>("Expires", (t, _) => t.Status?.ExpirationTimestamp?.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) ?? "<never>"),
            Age,
        ],
        Fields = new Dictionary<string, Func<AccessToken, string>>
        {
            ["spec.user"] = t => t.Spec.User,
        },
        Spec = new(t => t.Spec),
        // The hash is the server's, set on the object the API creates; the token itself is never kept (validation refuses it).
        Status = new((target, source) => target with { Status = source.Status },
            token => token with { Status = new AccessTokenStatus { TokenHash = token.Status?.TokenHash, ExpirationTimestamp = ExpiresAt(token) } }),
        Scale = null,
        Owned = [],
        ControlLoop = null,
    };

    /// <summary>When the token stops working (null: never), from its creation time.</summary>
    public static DateTimeOffset? ExpiresAt(AccessToken token) =>
        token.Spec.ExpirationSeconds is { } seconds && token.Metadata.CreationTimestamp is { } created
            ? created.AddSeconds(Math.Clamp(seconds, 0, MaxExpirationSeconds))
            : null;
}
