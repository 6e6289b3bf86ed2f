namespace OrleansOrchestrator.Contracts.Model;

/// <summary>
/// A person who signs in to one tenant with a password (the dashboard) or with tokens issued to them
/// (<see cref="AccessToken"/>). Stored in the system tenant, in the namespace named after the user's tenant; only the
/// operator (<c>system:masters</c>) reads or writes users.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.User")]
public sealed record User : KubeObject
{
    /// <summary>The user's groups and password (write-only; stored as a hash).</summary>
    [Id(0)] public UserSpec Spec { get; init; } = new();
}

/// <summary>What a user is: the groups RBAC sees for them, and how their password is checked.</summary>
[GenerateSerializer, Immutable, Alias("oo.UserSpec")]
public sealed record UserSpec
{
    /// <summary>The groups the user belongs to (e.g. <c>view</c>, or a group a RoleBinding names).</summary>
    [Id(0)] public IReadOnlyList<string>? Groups { get; init; }
    /// <summary>
    /// Write-only: a new password. Admission replaces it with <see cref="PasswordHash"/>; it is never stored or returned.
    /// </summary>
    [Id(1)] public string? Password { get; init; }
    /// <summary>Set by the server from <see cref="Password"/> (PBKDF2, ASP.NET Core Identity's format); a client's value is ignored.</summary>
    [Id(2)] public string? PasswordHash { get; init; }
}

/// <summary>
/// A bearer token of a <see cref="User"/>: the server makes the token when the object is created, returns it once in that
/// response (<c>status.token</c>) and keeps only its SHA-256. Deleting the object (or its user) revokes the token.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.AccessToken")]
public sealed record AccessToken : KubeObject
{
    /// <summary>Whose token it is and how long it lasts; fixed once created.</summary>
    [Id(0)] public AccessTokenSpec Spec { get; init; } = new();
    /// <summary>The token's hash and expiry, set by the server; the token itself only in the create response.</summary>
    [Id(1)] public AccessTokenStatus? Status { get; init; }
}

/// <summary>Whose token it is and for how long; fixed once created.</summary>
[GenerateSerializer, Immutable, Alias("oo.AccessTokenSpec")]
public sealed record AccessTokenSpec
{
    /// <summary>The name of the user (in the same namespace, i.e. tenant) the token signs in as.</summary>
    [Id(0)] public string User { get; init; } = "";
    /// <summary>How long the token is valid after its creation; forever when unset.</summary>
    [Id(1)] public long? ExpirationSeconds { get; init; }
}

/// <summary>What the server keeps of the token.</summary>
[GenerateSerializer, Immutable, Alias("oo.AccessTokenStatus")]
public sealed record AccessTokenStatus
{
    /// <summary>The token itself: only in the response to the create that made it, never stored.</summary>
    [Id(0)] public string? Token { get; init; }
    /// <summary><c>sha256:</c> and the token's SHA-256 in lowercase hex.</summary>
    [Id(1)] public string? TokenHash { get; init; }
    /// <summary>When the token stops working, if it expires.</summary>
    [Id(2)] public DateTimeOffset? ExpirationTimestamp { get; init; }
}
