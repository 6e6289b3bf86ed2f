namespace OrleansOrchestrator.Silo.Storage.Encryption;

/// <summary>
/// A stored Secret cannot be decrypted with the keys the silo was given. The API answers it as Kubernetes answers a
/// storage transformer's failure: a <c>Status</c> (500, <c>InternalError</c>) whose message says why, never a trace.
/// </summary>
public sealed class SecretDecryptionException : Exception
{
    public SecretDecryptionException(string why, string? keyName, string? secret = null)
        : base(secret is null ? $"a stored Secret cannot be decrypted: {why}" : $"unable to decrypt Secret \"{secret}\": {why}")
    {
        Why = why;
        KeyName = keyName;
    }

    /// <summary>The same failure, naming the Secret it concerns (known to the reader of the row, not to the envelope).</summary>
    public SecretDecryptionException For(string secret) => new(Why, KeyName, secret);

    public string Why { get; }

    /// <summary>This failure in <paramref name="exception"/> or what it wraps (a grain's activation, an aggregate).</summary>
    public static SecretDecryptionException? Within(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 8; depth++, exception = exception.InnerException)
            if (exception is SecretDecryptionException found) return found;
        return null;
    }

    /// <summary>The key the Secret names, when it names one.</summary>
    public string? KeyName { get; }
}
