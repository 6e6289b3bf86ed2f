using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Admission;

public enum AdmissionOperation { Create, Update, Delete }

/// <summary>
/// One write as the admission chain sees it: what is done to which object, by whom. <see cref="Object"/> is the
/// object as it would be stored (for a delete, the stored one); <see cref="Old"/> the stored one before an update;
/// <see cref="DryRun"/> a write that will not be stored whatever the outcome (nothing may stay taken for it).
/// </summary>
public sealed record AdmissionRequest(
    AdmissionOperation Operation,
    ResourceKind Kind,
    Subresource Subresource,
    string Tenant,
    KubeObject Object,
    KubeObject? Old,
    Actor Actor,
    bool DryRun = false)
{
    /// <summary>Whether the write changes the object's main part (metadata and spec), not only its status.</summary>
    public bool WritesMain => Operation == AdmissionOperation.Create || Operation == AdmissionOperation.Update && Subresource == Subresource.Main;
}
