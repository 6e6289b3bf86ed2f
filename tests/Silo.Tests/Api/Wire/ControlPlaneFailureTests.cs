using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orleans.Runtime;
using OrleansOrchestrator.Silo.Api;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Tests.Api.Wire;

/// <summary>A lost silo is a retryable 503 with Retry-After; anything else a 500 of one bounded line, never a stack trace.</summary>
public sealed class ControlPlaneFailureTests
{
    public static TheoryData<Exception> LostSilo => new()
    {
        new SiloUnavailableException("silo S127.0.0.1:11111:1 is unavailable"),
        new TimeoutException("Response did not arrive on time in 00:00:30"),
        new OrleansException("grain call failed", new SiloUnavailableException("gone")),
        new AggregateException(new InvalidOperationException("outer", new SiloUnavailableException("gone"))),
    };

    [Theory]
    [MemberData(nameof(LostSilo))]
    public void LostSilo_IsServiceUnavailable_WithRetryAfter_AndNoRuntimeText(Exception e)
    {
        var status = ControlPlaneFailure.StatusOf(e);

        Assert.Equal((503, "ServiceUnavailable"), (status.Code, status.Reason));
        Assert.Equal(ControlPlaneFailure.RetryAfterSeconds, status.Details?.RetryAfterSeconds);
        Assert.DoesNotContain("silo S", status.Message);
        Assert.DoesNotContain("00:00:30", status.Message);
    }

    public static TheoryData<Exception> StoreUnreachable => new()
    {
        // What the writes of a silo saw while its PostgreSQL restarted (ChaosTests): cut connections, a refused connect, start-up.
        new Npgsql.PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"),
        new Npgsql.PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03"),
        new Npgsql.NpgsqlException("Exception while reading from stream", new IOException("connection reset")),
        new Npgsql.NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111)),
        new OrleansException("storage write failed", new Npgsql.NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111))),
    };

    [Theory]
    [MemberData(nameof(StoreUnreachable))]
    public void StoreUnreachable_IsServiceUnavailable_WithRetryAfter_AndNoDriverText(Exception e)
    {
        var status = ControlPlaneFailure.StatusOf(e);

        Assert.Equal((503, "ServiceUnavailable"), (status.Code, status.Reason));
        Assert.Equal(ControlPlaneFailure.RetryAfterSeconds, status.Details?.RetryAfterSeconds);
        Assert.Contains("store", status.Message);
        Assert.DoesNotContain("127.0.0.1", status.Message);
    }

    [Fact]
    public void StoreErrorsThatRetryingCannotFix_StayInternalErrors()
    {
        var status = ControlPlaneFailure.StatusOf(new Npgsql.PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505"));

        Assert.Equal((500, "InternalError"), (status.Code, status.Reason));
    }

    [Fact]
    public void OtherFailures_AreInternalErrors_OfTheirFirstLineOnly_Bounded()
    {
        var e = new InvalidOperationException("sequence contains no elements\n   at Orleans.Runtime.Foo() in /src/Orleans/Foo.cs:line 12");

        var status = ControlPlaneFailure.StatusOf(e);

        Assert.Equal((500, "InternalError"), (status.Code, status.Reason));
        Assert.Equal("Internal error occurred: sequence contains no elements", status.Message);
        Assert.Null(status.Details);

        var longOne = ControlPlaneFailure.StatusOf(new InvalidOperationException(new string('x', 10_000)));
        Assert.True(longOne.Message!.Length <= "Internal error occurred: ".Length + ControlPlaneFailure.MaxMessageLength + 1);
    }

    [Fact]
    public void DeeplyNestedFailures_AreSearchedOnlySoDeep()
    {
        Exception e = new SiloUnavailableException("gone");
        for (var i = 0; i < 20; i++) e = new InvalidOperationException("wrapped", e);

        Assert.False(ControlPlaneFailure.IsUnavailable(e));
    }

    [Fact]
    public async Task WrittenStatus_CarriesRetryAfter_InTheHeaderAndTheBody()
    {
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;

        await KubeApiHandler.WriteStatus(context, ControlPlaneFailure.StatusOf(new SiloUnavailableException("gone")));
        await context.Response.BodyWriter.FlushAsync();

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        var json = JsonNode.Parse(body.ToArray())!;
        Assert.Equal(1, (int)json["details"]!["retryAfterSeconds"]!);
        Assert.Equal("ServiceUnavailable", (string)json["reason"]!);
    }
}
