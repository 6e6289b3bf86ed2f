using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// The silo under fuzz: its API over HTTPS (trusting only its own certificate), a client per token, and a way
/// to ask whether its process still runs.
/// </summary>
public sealed class FuzzTarget : IDisposable
{
    public FuzzTarget(Uri api, string certificatePem, string adminToken, string viewerToken, Task processExit)
    {
        Api = api;
        ProcessExit = processExit;
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        var thumbprint = certificate.Thumbprint;
        HttpClient Client(string token)
        {
            var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = 64,
                SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => c is X509Certificate2 c2 && c2.Thumbprint == thumbprint },
            };
            // Each request has its own deadline (FuzzOracle); the client's must not cut it shorter.
            var http = new HttpClient(handler) { BaseAddress = api, Timeout = Timeout.InfiniteTimeSpan };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return http;
        }
        Admin = Client(adminToken);
        Viewer = Client(viewerToken);
    }

    /// <summary>
    /// The environment to start a fuzzed silo with: a 2 GiB heap limit. An input the API fails to bound (an
    /// exponential expansion) then ends in an out-of-memory failure the fuzzer reports, not in a silo that takes
    /// every gigabyte of a shared machine (one took 16 GiB before the limit).
    /// </summary>
    public static IReadOnlyDictionary<string, string> SiloEnvironment { get; } =
        new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x80000000" };

    public Uri Api { get; }

    public HttpClient Admin { get; }

    public HttpClient Viewer { get; }

    /// <summary>Completes when the silo's process exits.</summary>
    public Task ProcessExit { get; }

    public bool ProcessAlive => !ProcessExit.IsCompleted;

    public HttpClient For(FuzzCaller caller) => caller == FuzzCaller.Admin ? Admin : Viewer;

    public void Dispose()
    {
        Admin.Dispose();
        Viewer.Dispose();
    }
}
