namespace OrleansOrchestrator.Contracts.Selection;

/// <summary>One clause of a field selector: <c>spec.nodeName=n1</c> or <c>status.phase!=Failed</c>.</summary>
[GenerateSerializer, Immutable, Alias("oo.FieldRequirement")]
public sealed record FieldRequirement(
    [property: Id(0)] string Field,
    [property: Id(1)] bool Negated,
    [property: Id(2)] string Value)
{
    public bool Matches(string? actual) => Negated ? actual != Value : actual == Value;
}
