using System.Globalization;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Admission;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.ControllerRevisions;

/// <summary><c>apps/v1</c> ControllerRevision: a numbered, unchangeable copy of a StatefulSet's or DaemonSet's pod template.</summary>
public static class ControllerRevisionStrategy
{
    public static readonly KindStrategy<ControllerRevision> Strategy = new()
    {
        Identity = ResourceKinds.ControllerRevision,
        Defaults = r => r,
        Validation = (r, errors) =>
        {
            if (r.Revision < 0) errors.Add(InvalidValue("revision", r.Revision.ToString(CultureInfo.InvariantCulture), "must be greater than or equal to 0"));
        },
        // Kubernetes: "data" is immutable; only the revision number may move (a rollback renumbers an old revision).
        UpdateRule = (before, after) => Store.ObjectSemantics.SameJson(before.Data, after.Data)
            ? null
            : InvalidValue("data", "runtime.RawExtension{...}", "field is immutable"),
        Table =
        [
            Name,
            Col<ControllerRevision>("Controller", (r, _) => ControllerText(r), description: "The kind and name of the workload that owns the revision."),
            Col<ControllerRevision>("Revision", (r, _) => r.Revision, type: "integer", description: "The revision's number."),
            Age,
        ],
        Fields = new Dictionary<string, Func<ControllerRevision, string>>(),
        Spec = null,
        Status = null,
        Scale = null,
        Owned = [],
        ControlLoop = null,
    };

    /// <summary>kubectl's CONTROLLER column: <c>statefulset.apps/web</c>.</summary>
    private static string ControllerText(ControllerRevision r) =>
        r.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } owner
            ? $"{owner.Kind.ToLowerInvariant()}.{owner.ApiVersion.Split('/')[0]}/{owner.Name}"
            : "<none>";
}
