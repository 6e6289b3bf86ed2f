using System.Diagnostics;
using System.Text.Json;

namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>
/// A watch on pods (one namespace's, or all), from the list's resourceVersion on — re-watching from the last
/// version seen if the stream ends — recording when each pod is first observed bound to a node and first
/// observed Running: the moments the benchmarks measure. Pods are keyed by name (by namespace/name when
/// watching all namespaces).
/// </summary>
public sealed class PodWatch : IAsyncDisposable
{
    private readonly Dictionary<string, long> _running = new();
    private readonly Dictionary<string, long> _bound = new();
    private readonly Dictionary<string, string> _labelOfRunning = new();
    private readonly List<(Func<bool> Done, TaskCompletionSource Signal)> _waiters = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string? _namespace;
    private readonly string? _labelKey;
    private readonly Func<string, bool>? _include;
    private readonly Task _loop;
    private int _events;
    private int _relists;
    private int _relisted;

    private PodWatch(BenchClient api, string? ns, string resourceVersion, string? labelKey, Func<string, bool>? include)
    {
        _namespace = ns;
        _labelKey = labelKey;
        _include = include;
        _loop = Task.Run(() => Loop(api, resourceVersion));
    }

    private string PodsPath => _namespace is null ? "/api/v1/pods" : $"/api/v1/namespaces/{_namespace}/pods";

    /// <param name="ns">The namespace, or null for every namespace.</param>
    /// <param name="labelKey">A label whose value is remembered per Running pod (e.g. pod-template-hash), to count by it.</param>
    /// <param name="include">Which pods (by key) count; all when null.</param>
    public static async Task<PodWatch> Start(BenchClient api, string? ns, string? labelKey = null, Func<string, bool>? include = null)
    {
        var path = ns is null ? "/api/v1/pods" : $"/api/v1/namespaces/{ns}/pods";
        var version = (await api.Json($"{path}?limit=1"))["metadata"]!["resourceVersion"]!.GetValue<string>();
        return new PodWatch(api, ns, version, labelKey, include);
    }

    public int Events => Volatile.Read(ref _events);

    /// <summary>How often the watch fell behind the store's history (410) and listed again.</summary>
    public int Relists => Volatile.Read(ref _relists);

    /// <summary>Pods read by those lists so far (shows a long list's progress).</summary>
    public int Relisted => Volatile.Read(ref _relisted);

    public int RunningCount { get { lock (_running) return _running.Count; } }

    public int BoundCount { get { lock (_running) return _bound.Count; } }

    /// <summary>Running pods whose remembered label value passes the test.</summary>
    public int CountRunning(Func<string, bool> labelValue)
    {
        lock (_running) return _labelOfRunning.Values.Count(labelValue);
    }

    /// <summary>The Stopwatch timestamp at which the pod was first seen Running.</summary>
    public long? RunningAt(string pod)
    {
        lock (_running) return _running.TryGetValue(pod, out var at) ? at : null;
    }

    /// <summary>The Stopwatch timestamp at which the pod was first seen bound to a node.</summary>
    public long? BoundAt(string pod)
    {
        lock (_running) return _bound.TryGetValue(pod, out var at) ? at : null;
    }

    public IReadOnlyList<long> RunningTimestamps() { lock (_running) return _running.Values.ToList(); }

    public Task WhenRunning(int count) => When(() => _running.Count >= count);

    public Task WhenPodRunning(string pod) => When(() => _running.ContainsKey(pod));

    /// <summary>Completes when the condition holds; it is checked under the watch's lock after each pod goes Running.</summary>
    public Task When(Func<bool> done)
    {
        lock (_running)
        {
            if (done()) return Task.CompletedTask;
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((done, signal));
            return signal.Task;
        }
    }

    private async Task Loop(BenchClient api, string version)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var response = await api.Http.GetAsync($"{PodsPath}?watch=true&resourceVersion={version}", HttpCompletionOption.ResponseHeadersRead, _stop.Token);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var at = Stopwatch.GetTimestamp();
                    Interlocked.Increment(ref _events);
                    using var document = JsonDocument.Parse(line);
                    var root = document.RootElement;
                    var type = root.GetProperty("type").GetString();
                    var obj = root.GetProperty("object");
                    if (type == "ERROR")
                    {
                        // Too old a version (410: this client fell behind the store's history). As an informer does,
                        // list again and watch on from the list: pods that went bound or Running meanwhile are
                        // counted at the time of the list, later than they really were (pessimistic, never lost).
                        version = await Relist(api);
                        break;
                    }
                    version = obj.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? version;
                    if (type != "DELETED") Observe(obj, at);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or JsonException or TimeoutException
                                           || e is OperationCanceledException && !_stop.IsCancellationRequested)
            {
                // The stream broke or a request timed out (the silo may be saturated): watch again from the last
                // version seen; if that is too old by now, the 410 brings a fresh list.
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Lists the pods a page at a time, observing each at the time of the list; returns the list's version.</summary>
    private async Task<string> Relist(BenchClient api)
    {
        Interlocked.Increment(ref _relists);
        string? next = null;
        while (true)
        {
            var page = $"{PodsPath}?limit=1000" + (next is null ? "" : $"&continue={Uri.EscapeDataString(next)}");
            using var document = JsonDocument.Parse(await api.Http.GetStringAsync(page, _stop.Token));
            var at = Stopwatch.GetTimestamp();
            var items = document.RootElement.GetProperty("items");
            foreach (var item in items.EnumerateArray()) Observe(item, at);
            Interlocked.Add(ref _relisted, items.GetArrayLength());
            var metadata = document.RootElement.GetProperty("metadata");
            next = metadata.TryGetProperty("continue", out var token) ? token.GetString() : null;
            if (string.IsNullOrEmpty(next)) return metadata.GetProperty("resourceVersion").GetString()!;
        }
    }

    /// <summary>Records a pod as bound and Running the first time it is seen so, at <paramref name="at"/>.</summary>
    private void Observe(JsonElement pod, long at)
    {
        var metadata = pod.GetProperty("metadata");
        var name = metadata.GetProperty("name").GetString()!;
        if (_namespace is null) name = $"{metadata.GetProperty("namespace").GetString()}/{name}";
        if (_include is not null && !_include(name)) return;
        var bound = pod.TryGetProperty("spec", out var spec) && spec.TryGetProperty("nodeName", out var node) && node.GetString() is { Length: > 0 };
        var running = pod.TryGetProperty("status", out var status) && status.TryGetProperty("phase", out var phase) && phase.GetString() == "Running";
        if (!bound && !running) return;
        lock (_running)
        {
            if (bound) _bound.TryAdd(name, at);
            if (!running || !_running.TryAdd(name, at)) return;
            if (_labelKey is not null)
                _labelOfRunning[name] = metadata.TryGetProperty("labels", out var labels) && labels.TryGetProperty(_labelKey, out var value) ? value.GetString() ?? "" : "";
            for (var i = _waiters.Count - 1; i >= 0; i--)
                if (_waiters[i].Done())
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ContinueWith(_ => { });
        _stop.Dispose();
    }
}
