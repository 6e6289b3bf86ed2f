using OrleansOrchestrator.Fuzzing;

namespace OrleansOrchestrator.EndToEnd.Tests.Fuzz;

/// <summary>The fuzz oracle's rules on their own: what it calls a broken promise and what it lets pass.</summary>
public sealed class FuzzOracleTests
{
    private static FuzzRequest Request(string method, FuzzCaller caller = FuzzCaller.Admin) =>
        new(1, 2, caller, method, "/api/v1/namespaces/fuzz/configmaps", null, null, "test", "valid");

    private static string Status(int code) => $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"X","code":{{code}}}""";

    public static TheoryData<string, FuzzCaller, int, int, string, string?> Cases => new()
    {
        { "POST", FuzzCaller.Admin, 201, 10, "{}", null },
        { "POST", FuzzCaller.Admin, 422, 10, Status(422), null },
        { "GET", FuzzCaller.Viewer, 200, 10, "{}", null },
        { "POST", FuzzCaller.Viewer, 403, 10, Status(403), null },
        { "POST", FuzzCaller.Viewer, 201, 10, "{}", "a read-only token's write accepted" },
        { "DELETE", FuzzCaller.Viewer, 200, 10, "{}", "a read-only token's write accepted" },
        { "POST", FuzzCaller.Admin, 500, 10, Status(500), "5xx" },
        { "POST", FuzzCaller.Admin, 503, 10, "", "5xx" },
        { "POST", FuzzCaller.Admin, 400, 10, "", "error body is not a metav1.Status with the HTTP code" },
        { "POST", FuzzCaller.Admin, 400, 10, "bad request", "error body is not a metav1.Status with the HTTP code" },
        { "POST", FuzzCaller.Admin, 400, 10, Status(422), "error body is not a metav1.Status with the HTTP code" },
        { "POST", FuzzCaller.Admin, 404, 10, """{"kind":"Pod","code":404}""", "error body is not a metav1.Status with the HTTP code" },
        { "POST", FuzzCaller.Admin, 201, 2_500, "{}", "answered after more than 2 s" },
        { "GET", FuzzCaller.Admin, 0, 2_000, "", "no complete answer within 2 s" },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Judge_Answer_NamesTheBrokenPromiseOrNone(string method, FuzzCaller caller, int code, int milliseconds, string body, string? expected)
    {
        var rule = FuzzOracle.Judge(Request(method, caller), new FuzzOutcome(code, TimeSpan.FromMilliseconds(milliseconds), body, null));

        Assert.Equal(expected, rule);
    }
}
