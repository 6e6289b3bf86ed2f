using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using OrleansOrchestrator.Fuzzing;

namespace OrleansOrchestrator.EndToEnd.Tests.Fuzz;

/// <summary>
/// Hostile input through the real HTTP API of a silo process (docs/fuzzing.md): generated requests of every
/// kind and shape, with the administrator's and a read-only user's token, must each get a non-5xx answer
/// within 2 s, every error as a <c>metav1.Status</c>; the silo must stay up and the sentinel namespace beside
/// the fuzz namespace must stay byte-identical. Fixed seeds: a failure prints the seed and request number
/// (`bench fuzz --seed S --requests N` replays the run) and a curl command for the request.
/// </summary>
public sealed class ApiFuzzTests
{
    /// <summary>Per seed, against a silo of its own: under half a minute, so the two stay inside the suite's budget (90 s).</summary>
    private const int RequestsPerSeed = 1_000;

    /// <summary>Two at a time, so that a watch (a correct one lasts its one-second timeout) does not hold up the rest.</summary>
    private const int Concurrency = 2;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task FuzzedRequests_FixedSeed_EveryAnswerKeepsTheApisPromises(int seed)
    {
        await using var silo = new SiloProcess(environment: FuzzTarget.SiloEnvironment);
        TokenFiles.WriteUsers(silo);
        await silo.Start();
        using var target = new FuzzTarget(silo.ApiUri, File.ReadAllText(silo.CertificatePath),
            TokenFiles.Admin, TokenFiles.Viewer, silo.Exit);
        var run = new FuzzRun(new FuzzGenerator(FuzzScope.Default), target);
        await run.Prepare();

        var report = await run.Run(seed, 0, RequestsPerSeed, until: null, Concurrency);

        Assert.True(report.Violations.Count == 0, report.DescribeViolations());
        Assert.Equal(RequestsPerSeed, report.Requests);
    }
}
