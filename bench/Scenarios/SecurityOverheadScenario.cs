using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// The measure of issue 15: the latency of a create with every security feature on its path against the same create with
/// them off, in one run. Two silos run side by side. ON: Secrets encrypted at rest (<c>aesgcm</c>, the default), a
/// ResourceQuota in the namespace that counts Secrets (<c>secrets</c>, <c>count/secrets</c>), 50 RoleBindings there and a
/// user whose only permission is the last of them. OFF: <c>--encryption-provider identity</c>, no quota, no bindings, and
/// the operator (<c>system:masters</c>, which RBAC lets through before looking at any binding). Both create Secrets (so
/// that encryption is on the path), one after the other, alternating which silo goes first, in rounds; each round gives
/// each side's p50 and p99, and the overhead is the ON p99 over the OFF p99 of the same round. Target: median overhead
/// of the rounds ≤ 20 %.
/// </summary>
public sealed class SecurityOverheadScenario : IScenario
{
    private const string AdminToken = "bench-admin-token-0123456789abcdef";
    private const string UserToken = "bench-user-token-0123456789abcdef";
    private const string Namespace = "probe";

    /// <summary>Starts every Secret's value, so that the store files can be searched for it afterwards.</summary>
    private const string Marker = "bench-secret-value-";

    public string Name => "security-overhead";

    public string Usage => "[--rounds 3] [--creates 1000] [--bindings 50] [--payload 1024] [--breakdown] [--silo-dll PATH]";

    /// <summary>One configuration measured: its silo, the client that creates, and each round's samples.</summary>
    private sealed record Side(string Label, BenchSilo Silo, BenchClient Creator, BenchClient Admin) : IAsyncDisposable
    {
        public List<Stats> Rounds { get; } = new();

        public async ValueTask DisposeAsync()
        {
            Creator.Dispose();
            Admin.Dispose();
            await Silo.DisposeAsync();
        }
    }

    /// <summary>What a side turns on: the bound user (RBAC), the quota, encryption at rest.</summary>
    private sealed record Features(bool Rbac, bool Quota, bool Encryption);

    public async Task<int> Run(Options options)
    {
        var rounds = options.Int("--rounds", 3);
        var creates = options.Int("--creates", 1000);
        var bindings = options.Int("--bindings", 50);
        var payload = options.Int("--payload", 1024);
        // Also one silo per feature alone, measured in the same rounds: which of the three the overhead comes from.
        var breakdown = options.Flag("--breakdown");
        // Another build of the silo for every side (e.g. before a change), as the other scenarios' --silo-dll.
        var siloDll = options.String("--silo-dll");
        options.CheckAllKnown();
        if (rounds < 1 || creates < 1 || bindings < 1) throw new ArgumentException("--rounds, --creates and --bindings must be at least 1");

        var configurations = new List<(string Label, Features Features)>
        {
            ("OFF: operator, identity, no quota, no bindings", new Features(false, false, false)),
            ($"ON: user bound by the last of {bindings} RoleBindings, quota, aesgcm", new Features(true, true, true)),
        };
        if (breakdown)
            configurations.AddRange([
                ($"RBAC alone: user bound by the last of {bindings} RoleBindings", new Features(true, false, false)),
                ("quota alone: operator, quota", new Features(false, true, false)),
                ("aesgcm alone: operator", new Features(false, false, true)),
            ]);
        var sides = new List<Side>();
        try
        {
            foreach (var (label, features) in configurations)
            {
                Console.WriteLine($"starting a silo for {label}");
                sides.Add(await Start(label, features, bindings, siloDll));
            }
            await Measure(sides, rounds, creates, payload);
            await CheckSetting(sides[0], sides[1], 100 + rounds * creates);
        }
        finally
        {
            foreach (var side in sides) await side.DisposeAsync();
        }

        var (off, on) = (sides[0], sides[1]);
        var report = new Report("create a Secret", "rounds × samples", "p50 ms, median (min–max)", "p99 ms, median (min–max)", "p99 overhead over OFF, %, median (min–max)");
        foreach (var side in sides)
            report.Row(side.Label, $"{rounds} × {creates:N0}", Spread(side.Rounds.Select(r => r.P50)), Spread(side.Rounds.Select(r => r.P99)),
                side == off ? "" : Spread(Overheads(off, side, r => r.P99), "F1"));
        var p99Overheads = Overheads(off, on, r => r.P99);
        var median = Stats.Median(p99Overheads);
        report.Note(string.Create(CultureInfo.InvariantCulture, $"p50 overhead of ON over OFF: {Spread(Overheads(off, on, r => r.P50), "F1")} %"));
        report.Target("p99 overhead ≤ 20 % (median of the rounds)", median <= 20,
            string.Create(CultureInfo.InvariantCulture, $"{median:F1} % ({p99Overheads.Min():F1} to {p99Overheads.Max():F1} %)"));
        report.Print();
        return 0;
    }

    private static List<double> Overheads(Side off, Side side, Func<Stats, double> of) =>
        off.Rounds.Zip(side.Rounds, (o, s) => Overhead(of(o), of(s))).ToList();

    private static async Task<Side> Start(string label, Features features, int bindings, string? siloDll)
    {
        var silo = await BenchSilo.Start(new SiloSettings
        {
            SiloDll = siloDll,
            Tokens = RbacFixture.AdminTokenLine(AdminToken) + (features.Rbac ? RbacFixture.UserTokenLine(UserToken) : ""),
            ExtraArgs = features.Encryption ? [] : ["--encryption-provider", "identity"],
        });
        var admin = silo.Client(AdminToken);
        var creator = features.Rbac ? silo.Client(UserToken) : silo.Client(AdminToken);
        var side = new Side(label, silo, creator, admin);
        await admin.CreateNamespace(Namespace);
        if (features.Quota)
            await admin.Timed(HttpMethod.Post, $"/api/v1/namespaces/{Namespace}/resourcequotas", """
                {"metadata":{"name":"bench"},"spec":{"hard":{"secrets":"1000000","count/secrets":"1000000","configmaps":"1000","pods":"100","requests.cpu":"100"}}}
                """, 201);
        if (features.Rbac)
        {
            await RbacFixture.BindLastOf(admin, Namespace, bindings);
            await RbacFixture.CheckNotAdmin(creator, admin);
        }
        return side;
    }

    /// <summary>
    /// Creates one Secret on each side in turn, the side that goes first rotating from one create to the next, so that
    /// every side meets the same machine; first a warm-up (connections, the policy cache, the quota grain, the cipher).
    /// </summary>
    private static async Task Measure(IReadOnlyList<Side> sides, int rounds, int creates, int payload)
    {
        var done = 0;
        async Task Turn(string name, int first, List<double>[]? samples)
        {
            for (var k = 0; k < sides.Count; k++)
            {
                var i = (first + k) % sides.Count;
                var ms = await sides[i].Creator.Timed(HttpMethod.Post, $"/api/v1/namespaces/{Namespace}/secrets", Secret(name, payload), 201);
                samples?[i].Add(ms);
                done++;
            }
        }
        for (var i = 0; i < 100; i++) await Turn($"warm-{i}", i, null);
        for (var round = 1; round <= rounds; round++)
        {
            var samples = sides.Select(_ => new List<double>(creates)).ToArray();
            done = 0;
            using (Ticker.Start(() => $"round {round}/{rounds}: {done:N0}/{sides.Count * creates:N0} creates"))
                for (var i = 0; i < creates; i++)
                    await Turn($"r{round}-{i}", i + round, samples);
            for (var i = 0; i < sides.Count; i++) sides[i].Rounds.Add(new Stats(samples[i]));
            Console.WriteLine($"  round {round}: " + string.Join("; ", sides.Select(side => string.Create(CultureInfo.InvariantCulture,
                $"{side.Label.Split(':')[0]} p50 {side.Rounds[^1].P50:F2} p99 {side.Rounds[^1].P99:F2} ms"))));
        }
    }

    private static double Overhead(double off, double on) => (on / off - 1) * 100;

    private static string Spread(IEnumerable<double> values, string format = "F2")
    {
        var list = values.ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"{Stats.Median(list).ToString(format, CultureInfo.InvariantCulture)} ({list.Min().ToString(format, CultureInfo.InvariantCulture)}–{list.Max().ToString(format, CultureInfo.InvariantCulture)})");
    }

    private static string Secret(string name, int payloadBytes) => new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["type"] = "Opaque",
        ["data"] = new JsonObject { ["value"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(Marker + new string('x', Math.Max(0, payloadBytes - Marker.Length)))) },
    }.ToJsonString();

    /// <summary>
    /// Fails the run unless the two silos were what the table says: the quota counted every Secret created on the ON
    /// silo, and the Secrets' values are in the OFF silo's store files and nowhere in the ON silo's.
    /// </summary>
    private static async Task CheckSetting(Side off, Side on, int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string? used;
        while ((used = (await on.Admin.Json($"/api/v1/namespaces/{Namespace}/resourcequotas/bench"))["status"]?["used"]?["count/secrets"]?.GetValue<string>()) != $"{expected}")
        {
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"the quota shows count/secrets {used ?? "none"}, not the {expected} Secrets created");
            await Task.Delay(200);
        }
        var marker = Encoding.ASCII.GetBytes(Marker);
        if (!StoreHolds(off.Silo, marker)) throw new InvalidOperationException("the OFF silo's store does not hold the Secrets' values in plain text: is it encrypting?");
        if (StoreHolds(on.Silo, marker)) throw new InvalidOperationException("the ON silo's store holds a Secret's value in plain text");
        Console.WriteLine($"checked: the quota counted {expected} Secrets; their values are plain in the OFF silo's store and absent from the ON silo's");
    }

    private static bool StoreHolds(BenchSilo silo, byte[] marker) =>
        Directory.EnumerateFiles(silo.DataDir, "store.db*").Any(file =>
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(marker) >= 0;
        });
}
