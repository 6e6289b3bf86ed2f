using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

public enum ChangeType { Upsert, Delete }

/// <summary>One object that appeared or changed (<see cref="ChangeType.Upsert"/>) or went away.</summary>
public sealed record ResourceChange(ChangeType Type, KubeObject Object)
{
    /// <summary>Identifies the object within one kind of one tenant.</summary>
    public string Key => ObjectKey(Object);

    public static string ObjectKey(KubeObject obj) => $"{obj.Metadata.Namespace}/{obj.Metadata.Name}";
}
