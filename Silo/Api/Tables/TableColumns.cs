using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Presentation;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Api.Tables;

/// <summary>One column of <c>kubectl get</c>; priority 1 columns show only with <c>-o wide</c>.</summary>
public sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority, Func<KubeObject, DateTimeOffset, object?> Cell);

/// <summary>
/// The building blocks of the columns the Kubernetes API server prints (server-side printing); each kind's
/// columns are its strategy's.
/// </summary>
public static class TableColumns
{
    public static TableColumn Name => new("Name", "string", "name", "Name must be unique within a namespace.", 0, (o, _) => o.Metadata.Name);
    public static TableColumn Age => new("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0, (o, now) => HumanDuration.Since(o.Metadata.CreationTimestamp, now));

    public static TableColumn Col<T>(string name, Func<T, DateTimeOffset, object?> cell, int priority = 0, string type = "string", string description = "")
        where T : KubeObject => new(name, type, "", description, priority, (o, now) => cell((T)o, now));

    public static IReadOnlyList<TableColumn> For(ResourceKind kind) => KindRegistry.For(kind).Columns;

    public static string Containers(PodSpec? spec) => string.Join(",", spec?.Containers.Select(c => c.Name) ?? []);

    public static string Images(PodSpec? spec) => string.Join(",", spec?.Containers.Select(c => c.Image) ?? []);

    public static string Selector(LabelSelector? selector)
    {
        var requirements = SelectorParser.FromLabelSelector(selector);
        return requirements.Count == 0 ? "<none>" : SelectorParser.Format(requirements);
    }
}
