using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;
using OrleansOrchestrator.Contracts.Presentation;

namespace OrleansOrchestrator.Silo.Kinds.Events;

/// <summary>Core <c>v1</c> Event: what happened to an object, recorded by the controllers and agents.</summary>
public static class EventStrategy
{
    public static readonly KindStrategy<Event> Strategy = new()
    {
        Identity = ResourceKinds.Event,
        Defaults = e => e,
        Validation = (_, _) => { },
        Table =
        [
            Col<Event>("Last Seen", (e, now) => HumanDuration.Since(e.LastTimestamp ?? e.EventTime ?? e.Metadata.CreationTimestamp, now)),
            Col<Event>("Type", (e, _) => e.Type),
            Col<Event>("Reason", (e, _) => e.Reason),
            Col<Event>("Object", (e, _) => $"{e.InvolvedObject.Kind?.ToLowerInvariant()}/{e.InvolvedObject.Name}"),
            Col<Event>("Subobject", (e, _) => e.InvolvedObject.FieldPath ?? "", 1),
            Col<Event>("Source", (e, _) => e.Source?.Component ?? e.ReportingComponent ?? "", 1),
            Col<Event>("Message", (e, _) => e.Message),
            Col<Event>("First Seen", (e, now) => HumanDuration.Since(e.FirstTimestamp ?? e.EventTime, now), 1),
            Col<Event>("Count", (e, _) => e.Count ?? 1, 1, "integer"),
            Col<Event>("Name", (e, _) => e.Metadata.Name, 1),
        ],
        Fields = new Dictionary<string, Func<Event, string>>
        {
            ["involvedObject.kind"] = e => e.InvolvedObject.Kind ?? "",
            ["involvedObject.namespace"] = e => e.InvolvedObject.Namespace ?? "",
            ["involvedObject.name"] = e => e.InvolvedObject.Name ?? "",
            ["involvedObject.uid"] = e => e.InvolvedObject.Uid ?? "",
            ["involvedObject.apiVersion"] = e => e.InvolvedObject.ApiVersion ?? "",
            ["involvedObject.resourceVersion"] = e => e.InvolvedObject.ResourceVersion ?? "",
            ["involvedObject.fieldPath"] = e => e.InvolvedObject.FieldPath ?? "",
            ["reason"] = e => e.Reason ?? "",
            ["reportingComponent"] = e => e.ReportingComponent ?? "",
            ["source"] = e => e.Source?.Component ?? "",
            ["type"] = e => e.Type ?? "",
        },
        Spec = null,
        Status = null,
        Scale = null,
        // Five Events per pod, each kept active, were half the activations of a silo holding 50,000 pods.
        WriteOnce = true,
        Owned = [],
        ControlLoop = null,
    };
}
