using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Controllers.CronJobs;
using OrleansOrchestrator.Silo.Tests.Kinds;

namespace OrleansOrchestrator.Silo.Tests.Controllers.CronJobs;

/// <summary>
/// The CronJob loop in an in-process silo over a real (SQLite) store, on a clock the test moves: runs start at their
/// scheduled minute, hours of missed runs start only the most recent one (what a silo restart leaves), and finished
/// Jobs beyond the history limit go. The test plays the Job controller by writing the Jobs' conditions.
/// </summary>
/// <remarks>
/// The test sets the wall clock the controllers read, but time still passes for the silo's timers: Orleans runs grain
/// timers on the silo's <see cref="TimeProvider"/>, so a clock that only moved when the test moved it (FakeTimeProvider)
/// froze the loops' wake timers too — a wake delivered after the test's last move never ran (the test waited in vain for
/// the first run or for the pruning). And the Job controller writes a new Job's status (start time, active pods) while the
/// test completes it: the test's write carries the version it read, so it may be refused as a conflict; it is made again.
/// </remarks>
public sealed class CronJobLoopTests : IAsyncLifetime
{
    private const string Tenant = "team-a";
    private const string Ns = "default";
    private readonly string _folder = Directory.CreateTempSubdirectory("oo-cronjobs-").FullName;
    private readonly WallClock _clock = new(new DateTimeOffset(2026, 1, 1, 10, 0, 30, TimeSpan.Zero));
    private InProcessTestCluster _cluster = null!;

    private StoreClient Store => new(_cluster.Client, Tenant, SystemActors.Bootstrap);

    public async Task InitializeAsync()
    {
        _cluster = await StoreTestSilo.Start(_folder, $"0123456789abcdef0123,admin,{Tenant},system:masters\n", services =>
        {
            services.AddSingleton<TimeProvider>(_clock);
        });
        Assert.NotNull(await Store.Create(new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = Ns } }));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private async Task<List<Job>> Jobs() => (await Store.List<Job>(Ns)).OrderBy(j => j.Metadata.Name, StringComparer.Ordinal).ToList();

    private static string RunName(DateTimeOffset scheduled) => $"tick-{scheduled.ToUnixTimeSeconds() / 60}";

    /// <summary>Moves the clock and wakes the loop, as its timer or the controller sweep would at that time.</summary>
    private Task At(DateTimeOffset time)
    {
        _clock.Set(time);
        return _cluster.Client.GetGrain<ICronJobController>(StoreKeys.Object(Tenant, ResourceKinds.CronJob, Ns, "tick")).Wake();
    }

    /// <summary>
    /// Marks a Job succeeded through its status, as the Job controller does once its pods have. The real Job controller
    /// writes the same status (start time, active pods) when the Job is new; a write of ours that loses to one of its
    /// writes is refused as a conflict, and is made again on the version it wrote.
    /// </summary>
    private Task Complete(Job job) => Eventually.Value(async () =>
    {
        var stored = await Store.Get<Job>(Ns, job.Metadata.Name!);
        return await Store.UpdateStatus(stored! with
        {
            Status = new JobStatus
            {
                StartTime = job.Metadata.CreationTimestamp,
                CompletionTime = _clock.GetUtcNow(),
                Succeeded = 1,
                Conditions = [new Condition { Type = "Complete", Status = "True" }],
            },
        });
    }, $"job {job.Metadata.Name} marked complete");

    /// <summary>A wall clock the test sets; timers and elapsed time are the system's, so that the silo's timers still fire.</summary>
    private sealed class WallClock(DateTimeOffset start) : TimeProvider
    {
        private long _utcTicks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

        public void Set(DateTimeOffset time) => Interlocked.Exchange(ref _utcTicks, time.UtcTicks);
    }

    [Fact]
    public async Task RunsOnSchedule_StartsOnlyTheLatestMissedRun_AndPrunesHistory()
    {
        var sample = KindSamples.CronJob();
        Assert.NotNull(await Store.Create(sample with
        {
            ApiVersion = "batch/v1",
            Kind = "CronJob",
            Metadata = sample.Metadata with { Name = "tick", Namespace = Ns },
            Spec = sample.Spec with { Schedule = "*/5 * * * *", SuccessfulJobsHistoryLimit = 1 },
        }));
        var day = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        // Created at 10:00:30: the first run is 10:05's.
        await At(day.AddHours(10).AddMinutes(5).AddSeconds(1));
        var first = await Eventually.Value(async () => (await Jobs()).SingleOrDefault(), "the 10:05 run");
        Assert.Equal(RunName(day.AddHours(10).AddMinutes(5)), first.Metadata.Name);
        Assert.Equal("2026-01-01T10:05:00Z", first.Metadata.Annotations![CronJobPlanner.ScheduledTimestampAnnotation]);
        Assert.Equal("tick", Assert.Single(first.Metadata.OwnerReferences!).Name);
        await Eventually.True(async () => (await Store.Get<CronJob>(Ns, "tick"))!.Status is { Active.Count: 1 } status
            && status.LastScheduleTime == day.AddHours(10).AddMinutes(5), "the status: one active run, scheduled at 10:05");

        // Three hours later (the silo was down): 36 runs missed, only the 13:05 one starts.
        await At(day.AddHours(13).AddMinutes(7));
        await Eventually.True(async () => (await Jobs()).Count == 2, "the most recent missed run");
        Assert.Equal([first.Metadata.Name, RunName(day.AddHours(13).AddMinutes(5))], (await Jobs()).Select(j => j.Metadata.Name));

        // Both finish: the history keeps one successful Job, the newest; the status says when the last one succeeded.
        foreach (var job in await Jobs()) await Complete(job);
        await At(day.AddHours(13).AddMinutes(8));
        await Eventually.True(async () => (await Jobs()).Select(j => j.Metadata.Name).SequenceEqual([RunName(day.AddHours(13).AddMinutes(5))]), "the older Job pruned");
        await Eventually.True(async () => (await Store.Get<CronJob>(Ns, "tick"))!.Status is { Active: null, LastSuccessfulTime: not null }, "no active run, a last success");
    }
}
