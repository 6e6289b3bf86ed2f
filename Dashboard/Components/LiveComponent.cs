using Microsoft.AspNetCore.Components;
using MudBlazor;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;
using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Dashboard.Components;

/// <summary>
/// A component that shows live objects: it applies the feed's snapshot, then each batch of changes as it
/// comes, and renders again; leaving the page ends its subscriptions.
/// </summary>
public abstract class LiveComponent : ComponentBase, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _followers = [];

    [Inject] protected IClusterFeed Feed { get; set; } = default!;
    [Inject] protected DashboardSession Session { get; set; } = default!;
    [Inject] protected NamespaceSelection Namespaces { get; set; } = default!;
    [Inject] protected ISnackbar Snackbar { get; set; } = default!;
    [Inject] protected IClusterBackend Backend { get; set; } = default!;
    [Inject] protected IDialogService Dialogs { get; set; } = default!;

    /// <summary>Why a kind could not be followed (e.g. 403 for nodes), to show instead of its data.</summary>
    protected string? FeedError { get; private set; }

    private bool _snapshotApplied;

    /// <summary>
    /// "true" once a followed kind's first snapshot has been applied (and no kind failed), "false" before: the page
    /// renders before the feed answers, so an empty list means "none" only when this says so. Lists carry it as
    /// <c>data-loaded</c>, which the browser tests wait on.
    /// </summary>
    protected string LoadedMarker => _snapshotApplied && FeedError is null ? "true" : "false";

    protected override void OnInitialized() => Namespaces.Changed += OnNamespaceChanged;

    /// <summary>Follows a kind for as long as the component lives; the collection changes as the cluster does.</summary>
    protected async Task<LiveCollection<T>> Follow<T>(ResourceKind kind) where T : KubeObject
    {
        var collection = new LiveCollection<T>();
        FeedSubscription subscription;
        try
        {
            subscription = await Feed.Subscribe(await Session.User(), kind, _stop.Token);
        }
        catch (ActionFailedException e)
        {
            FeedError = e.Message;
            return collection;
        }
        collection.Load(subscription.Snapshot);
        _snapshotApplied = true;
        _followers.Add(Task.Run(async () =>
        {
            using (subscription)
            {
                try
                {
                    await foreach (var batch in subscription.Batches(_stop.Token))
                        await InvokeAsync(() =>
                        {
                            foreach (var change in batch) collection.Apply(change);
                            OnFeedChanged();
                            StateHasChanged();
                        });
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                }
            }
        }));
        return collection;
    }

    /// <summary>
    /// An action asked per namespace, for a list whose rows span namespaces (<see cref="NamespacedPermission"/>): a row's
    /// button is shown when the API would accept the call in the row's namespace.
    /// </summary>
    protected NamespacedPermission Permission(string verb, ResourceKind kind) =>
        new(ns => Session.May(verb, kind, ns), () =>
        {
            if (!_stop.IsCancellationRequested) _ = InvokeAsync(StateHasChanged);
        });

    /// <summary>Called on the render thread after a batch of changes was applied, before rendering.</summary>
    protected virtual void OnFeedChanged()
    {
    }

    /// <summary>Runs a user's action and shows its outcome; a refusal of the API is shown, never swallowed.</summary>
    protected async Task<bool> Act(string done, Func<DashboardUser, Task> action)
    {
        try
        {
            await action(await Session.User());
            if (done.Length > 0) Snackbar.Add(done, Severity.Success);
            return true;
        }
        catch (ActionFailedException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
            return false;
        }
    }

    /// <summary>Asks before an action that cannot be undone.</summary>
    protected async Task<bool> Confirmed(string title, string question, string yes) =>
        await Dialogs.ShowMessageBoxAsync(title, question, yesText: yes, cancelText: "Cancel") == true;

    /// <summary>Deletes a pod after asking (from the pods list and from the pod's own page).</summary>
    protected Task DeletePod(string ns, string name) => DeleteObject(ResourceKinds.Pod, ns, name, "Its controller, if any, replaces it.");

    /// <summary>Deletes an object after asking, saying what else goes with it; the lists and pages follow the feed.</summary>
    protected async Task DeleteObject(ResourceKind kind, string ns, string name, string consequence)
    {
        var what = kind.Kind.ToLowerInvariant();
        if (!await Confirmed($"Delete {what}", $"Delete {what} {ns}/{name}? {consequence}", "Delete")) return;
        await Act($"{kind.Kind} {name} deleted", user => Backend.Delete(user, kind, ns, name));
    }

    /// <summary>
    /// Rolls a StatefulSet or DaemonSet back to one of its revisions after asking: what <c>kubectl rollout undo --to-revision</c>
    /// sends, the revision's data as a strategic merge patch.
    /// </summary>
    protected async Task RollBack(ResourceKind kind, string ns, string name, ControllerRevisionRow revision)
    {
        if (!await Confirmed("Roll back", $"Roll {name} back to revision {revision.Number} ({string.Join(", ", revision.Images)})?", "Roll back")) return;
        await Act($"{name} rolling back to revision {revision.Number}",
            user => Backend.Patch(user, kind, ns, name, PatchKind.StrategicMerge, WorkloadPatches.Rollback(revision.Revision)));
    }

    private void OnNamespaceChanged() => _ = InvokeAsync(() =>
    {
        OnFeedChanged();
        StateHasChanged();
    });

    public async ValueTask DisposeAsync()
    {
        Namespaces.Changed -= OnNamespaceChanged;
        await _stop.CancelAsync();
        await Task.WhenAll(_followers).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
