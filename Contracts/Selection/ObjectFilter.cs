using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Selection;

/// <summary>A parsed label selector and field selector, evaluated where the objects are.</summary>
[GenerateSerializer, Immutable, Alias("oo.ObjectFilter")]
public sealed record ObjectFilter(
    [property: Id(0)] IReadOnlyList<LabelRequirement> Labels,
    [property: Id(1)] IReadOnlyList<FieldRequirement> Fields)
{
    public static readonly ObjectFilter Everything = new([], []);

    public bool IsEverything => Labels.Count == 0 && Fields.Count == 0;

    /// <param name="fieldValue">
    /// The value of a selectable field of an object, as Kubernetes compares it: the kind's strategy in the silo
    /// knows which fields a kind has.
    /// </param>
    public bool Matches(KubeObject obj, Func<KubeObject, string, string> fieldValue)
    {
        foreach (var requirement in Labels)
            if (!requirement.Matches(obj.Metadata.Labels)) return false;
        foreach (var requirement in Fields)
            if (!requirement.Matches(fieldValue(obj, requirement.Field))) return false;
        return true;
    }
}
