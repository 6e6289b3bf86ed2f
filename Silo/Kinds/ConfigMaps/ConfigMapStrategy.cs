using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;

namespace OrleansOrchestrator.Silo.Kinds.ConfigMaps;

/// <summary>Core <c>v1</c> ConfigMap: configuration that reaches containers as env and files.</summary>
public static class ConfigMapStrategy
{
    public static readonly KindStrategy<ConfigMap> Strategy = new()
    {
        Identity = ResourceKinds.ConfigMap,
        Defaults = cm => cm,
        Validation = (cm, errors) =>
        {
            foreach (var key in cm.Data?.Keys ?? [])
                ConfigKeyCheck(key, "data", errors);
            foreach (var key in cm.BinaryData?.Keys ?? [])
                ConfigKeyCheck(key, "binaryData", errors);
        },
        Table = [Name, Col<ConfigMap>("Data", (c, _) => (c.Data?.Count ?? 0) + (c.BinaryData?.Count ?? 0), type: "integer"), Age],
        Fields = new Dictionary<string, Func<ConfigMap, string>>(),
        Spec = null,
        Status = null,
        Scale = null,
        Owned = [],
        ControlLoop = null,
    };
}
