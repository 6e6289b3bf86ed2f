using System.Diagnostics;
using Microsoft.Playwright;
using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// The live dashboard with thousands of pods, in Debian's Chromium: how long the pods page takes to open,
/// how long a change in the cluster takes to reach the screen (a pod created or deleted through the API until
/// its row appears or disappears, with no reload), and how long the grid takes to filter.
/// Target (issue 5): a change reaches the screen in under a second, with 5,000 pods.
/// </summary>
public sealed class DashboardScenario : IScenario
{
    private const string Chromium = "/usr/bin/chromium";

    public string Name => "dashboard";

    public string Usage => "[--nodes 100] [--pods 5000] [--changes 30]";

    public async Task<int> Run(Options options)
    {
        var nodes = options.Int("--nodes", 100);
        var pods = options.Int("--pods", 5000);
        var changes = options.Int("--changes", 30);
        options.CheckAllKnown();
        if (!File.Exists(Chromium)) throw new ArgumentException($"{Chromium} is missing: apt-get install -y --no-install-recommends chromium");

        await using var silo = await BenchSilo.Start(new SiloSettings { SimulatedNodes = nodes });
        using var api = silo.Client();
        Console.WriteLine($"silo up (pid {silo.ProcessId}); waiting for {nodes:N0} simulated nodes to be Ready…");
        await api.WaitForReadyNodes(nodes, TimeSpan.FromMinutes(10));
        await api.CreateNamespace("bench");
        Console.WriteLine($"creating {pods:N0} pods (Deployments of 100)…");
        var load = await PodLoad.Run(api, silo, ["bench"], pods, 100, barePods: false);
        Console.WriteLine($"{pods:N0} pods Running after {load.Elapsed.TotalSeconds:F1} s; opening the dashboard in Chromium…");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        page.SetDefaultTimeout(60_000);
        var dashboard = $"http://127.0.0.1:{silo.DashboardPort}";
        await page.GotoAsync($"{dashboard}/login");
        await page.FillAsync("#token", silo.AdminToken());
        await page.ClickAsync("#sign-in");
        await page.Locator("#dashboard[data-interactive=true]").WaitForAsync();

        // Opening the pods page: a full load, a new circuit, the feed's snapshot of every pod, the first paint.
        var clock = Stopwatch.StartNew();
        await page.GotoAsync($"{dashboard}/pods");
        await page.Locator("#pods-count", new() { HasText = $"({pods})" }).WaitForAsync();
        var open = clock.Elapsed.TotalMilliseconds;
        Console.WriteLine($"pods page open with {pods:N0} rows in {open:F0} ms");
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        // Filtering 5,000 rows by text (the field waits 200 ms after the last key before it filters).
        var filters = new List<double>();
        var deployments = Math.Max(1, pods / 100);
        for (var i = 0; i < Math.Min(10, deployments); i++)
        {
            // Done when every row on screen matches the new filter (each filter matches as many
            // rows as the one before, so the count alone cannot tell).
            clock.Restart();
            await page.Locator("#pods-search").FillAsync($"d{i}-");
            await page.WaitForFunctionAsync("""
                prefix => {
                    const names = [...document.querySelectorAll('#pods-grid .pod-name')].map(e => e.textContent.trim());
                    return names.length > 0 && names.every(n => n.includes(prefix));
                }
                """, $"d{i}-");
            filters.Add(clock.Elapsed.TotalMilliseconds);
        }

        // Changes made through the API, seen on screen: each probe pod's row appearing, then disappearing.
        await page.Locator("#pods-search").FillAsync("probe-");
        await page.Locator("#pods-count", new() { HasText = "(0)" }).WaitForAsync();
        var appear = new List<double>();
        var disappear = new List<double>();
        using (Ticker.Start(() => $"{appear.Count,3}/{changes} changes seen on screen"))
        {
            for (var i = 0; i < changes; i++)
            {
                var name = $"probe-{i}";
                clock.Restart();
                var code = await api.Send(HttpMethod.Post, "/api/v1/namespaces/bench/pods", Workloads.Pod(name, Workloads.SimulatedContainer(), app: "probe"));
                if (code != 201) throw new InvalidOperationException($"creating {name} answered {code}");
                await page.WaitForFunctionAsync("name => document.querySelector('#pods-grid')?.innerText.includes(name)", name);
                appear.Add(clock.Elapsed.TotalMilliseconds);

                clock.Restart();
                code = await api.Send(HttpMethod.Delete, $"/api/v1/namespaces/bench/pods/{name}?gracePeriodSeconds=0");
                if (code != 200) throw new InvalidOperationException($"deleting {name} answered {code}");
                await page.WaitForFunctionAsync("name => !document.querySelector('#pods-grid')?.innerText.includes(name)", name);
                disappear.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        var reloaded = !await page.EvaluateAsync<bool>("() => window.__sameDocument === true");

        var report = new Report("measure", "pods in the grid", "samples", "p50 (ms)", "p90 (ms)", "p99 (ms)", "max (ms)");
        void Row(string what, int inGrid, List<double> samples)
        {
            var s = new Stats(samples);
            report.Row(what, inGrid, s.Count, Report.Ms(s.P50), Report.Ms(s.P90), Report.Ms(s.P99), Report.Ms(s.Max));
        }
        Row("open the pods page (load, circuit, snapshot, first paint)", pods, [open]);
        Row("filter by text (incl. the field's 200 ms debounce)", pods, filters);
        Row("pod created via API → row on screen", pods, appear);
        Row("pod deleted via API → row gone", pods, disappear);
        var worst = new Stats(appear.Concat(disappear));
        report.Note($"silo (co-hosting the dashboard) peak memory {silo.PeakMemoryMiB():F0} MiB; {nodes:N0} simulated nodes; page reloaded: {(reloaded ? "yes" : "no")}");
        report.Target($"a change reaches the screen in under a second with {pods:N0} pods (p99 of creations and deletions)", worst.P99 < 1000 && !reloaded,
            $"p99 {Report.Ms(worst.P99)} ms");
        report.Print();
        return 0;
    }
}
