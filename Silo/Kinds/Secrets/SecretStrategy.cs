using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;

namespace OrleansOrchestrator.Silo.Kinds.Secrets;

/// <summary>Core <c>v1</c> Secret: like a ConfigMap, for values that must not be shown.</summary>
public static class SecretStrategy
{
    public static readonly KindStrategy<Secret> Strategy = new()
    {
        Identity = ResourceKinds.Secret,
        Defaults = Defaulted,
        Validation = (secret, errors) =>
        {
            foreach (var key in secret.Data?.Keys ?? [])
                ConfigKeyCheck(key, "data", errors);
        },
        Table = [Name, Col<Secret>("Type", (s, _) => s.Type), Col<Secret>("Data", (s, _) => s.Data?.Count ?? 0, type: "integer"), Age],
        Fields = new Dictionary<string, Func<Secret, string>>
        {
            ["type"] = s => s.Type ?? "",
        },
        Spec = null,
        Status = null,
        Scale = null,
        Owned = [],
        ControlLoop = null,
    };

    /// <summary><c>stringData</c> is a write-only convenience: it is merged into <c>data</c> and never stored.</summary>
    private static Secret Defaulted(Secret secret)
    {
        if (secret.StringData is not { Count: > 0 } && secret.Type is not null) return secret with { StringData = null };
        var data = new Dictionary<string, byte[]>(secret.Data ?? new Dictionary<string, byte[]>());
        foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>())
            data[key] = System.Text.Encoding.UTF8.GetBytes(value);
        return secret with { Data = data, StringData = null, Type = secret.Type ?? "Opaque" };
    }
}
