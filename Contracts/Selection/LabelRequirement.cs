namespace OrleansOrchestrator.Contracts.Selection;

public enum LabelOperator { Equals, NotEquals, In, NotIn, Exists, DoesNotExist }

/// <summary>One clause of a label selector: <c>app=web</c>, <c>tier in (a,b)</c>, <c>!canary</c>.</summary>
[GenerateSerializer, Immutable, Alias("oo.LabelRequirement")]
public sealed record LabelRequirement(
    [property: Id(0)] string Key,
    [property: Id(1)] LabelOperator Operator,
    [property: Id(2)] IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        string? value = null;
        var present = labels is not null && labels.TryGetValue(Key, out value);
        return Operator switch
        {
            LabelOperator.Equals => present && value == Values[0],
            LabelOperator.NotEquals => !present || value != Values[0],
            LabelOperator.In => present && Values.Contains(value!),
            LabelOperator.NotIn => !present || !Values.Contains(value!),
            LabelOperator.Exists => present,
            LabelOperator.DoesNotExist => !present,
            _ => false,
        };
    }
}
