using System.Data.Common;
using Orleans.Runtime;

namespace OrleansOrchestrator.Silo.Api.Wire;

/// <summary>
/// What a client is told when a request fails for a reason of ours rather than its own: a silo or its connection
/// went away (a failover under way) becomes Kubernetes' retryable <c>503 ServiceUnavailable</c> with
/// <c>Retry-After</c>, as client-go's retrying clients expect, and so does a store that cannot be reached for a moment
/// (a database restarting, its connections cut: what the driver marks transient); anything else a <c>500 InternalError</c>. Neither
/// carries more than one bounded line: the runtime's texts hold stack traces and source paths a client must not see.
/// </summary>
public static class ControlPlaneFailure
{
    /// <summary>Seconds a client is asked to wait before trying again: a new activation takes about that long.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>How much of an unexpected exception's message a 500 shows.</summary>
    public const int MaxMessageLength = 200;

    /// <summary>How deep the inner exceptions are searched for a lost silo.</summary>
    private const int MaxDepth = 8;

    public static ApiStatus StatusOf(Exception e) =>
        IsUnavailable(e)
            ? new ApiStatus
            {
                Code = 503,
                Reason = "ServiceUnavailable",
                Message = StoreUnreachable(e) is not null
                    ? "the control plane's store cannot be reached for the moment; retry shortly"
                    : "the control plane is moving work off a lost silo; retry shortly",
                Details = new StatusDetails { RetryAfterSeconds = RetryAfterSeconds },
            }
            : new ApiStatus { Code = 500, Reason = "InternalError", Message = $"Internal error occurred: {FirstLine(e.Message)}" };

    /// <summary>Whether the request failed because a silo or the connection to it was lost (or did not answer in time), or the store could not be reached.</summary>
    public static bool IsUnavailable(Exception e)
    {
        if (StoreUnreachable(e) is not null) return true;
        for (var (current, depth) = (e, 0); current is not null && depth < MaxDepth; (current, depth) = (current.InnerException, depth + 1))
        {
            if (current is AggregateException { InnerExceptions.Count: > 0 } aggregate) current = aggregate.InnerExceptions[0];
            if (current is SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException or TimeoutException
                || IsConnectionFailure(current))
                return true;
        }
        return false;
    }

    /// Whether the runtime refused the call before any grain ran it (a rejected message, a gateway too busy, a
    /// connection that could not be made): only such a write is safe to send again. A silo lost or a timeout after
    /// sending says nothing about whether the grain applied it.
    /// </summary>
    public static bool NeverDelivered(Exception e)
    {
        for (var (current, depth) = (e, 0); current is not null && depth < MaxDepth; (current, depth) = (current.InnerException, depth + 1))
        {
            if (current is AggregateException { InnerExceptions.Count: > 0 } aggregate) current = aggregate.InnerExceptions[0];
            // First: a lost silo is also a rejection to the runtime (SiloUnavailableException derives from it).
            if (current is SiloUnavailableException or TimeoutException) return false;
            if (current is OrleansMessageRejectionException or GatewayTooBusyException || IsConnectionFailure(current))
                return true;
        }
        return false;
    }

    private static bool IsConnectionFailure(Exception e) => e.GetType().FullName == "Orleans.Runtime.Messaging.ConnectionFailedException";

    /// <summary>
    /// The store's driver error that says "try again" (<see cref="DbException.IsTransient"/>: a refused or cut connection,
    /// a server shutting down or starting up), if that is why the request failed; a constraint or syntax error is not.
    /// </summary>
    private static DbException? StoreUnreachable(Exception e)
    {
        for (var (current, depth) = (e, 0); current is not null && depth < MaxDepth; (current, depth) = (current.InnerException, depth + 1))
        {
            if (current is AggregateException { InnerExceptions.Count: > 0 } aggregate) current = aggregate.InnerExceptions[0];
            if (current is DbException { IsTransient: true } transient) return transient;
        }
        return null;
    }

    private static string FirstLine(string message)
    {
        var line = message.AsSpan();
        if (line.IndexOfAny('\r', '\n') is var end and >= 0) line = line[..end];
        return line.Length <= MaxMessageLength ? line.ToString() : string.Concat(line[..MaxMessageLength], "…");
    }
}
