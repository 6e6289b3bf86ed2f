namespace OrleansOrchestrator.Silo.Storage;

public static class StorageNames
{
    /// <summary>The grain storage provider that holds every cluster object.</summary>
    public const string Store = "store";

    /// <summary>The state name of an object grain; Orleans' ADO.NET storage keeps it in <c>GrainTypeString</c>.</summary>
    public const string ObjectState = "object";
}
