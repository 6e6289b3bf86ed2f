using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.ServiceAccounts;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.ServiceAccounts;

/// <summary>
/// Core <c>v1</c> ServiceAccount: the identity pods run as. Tokens are not stored: they are requested (TokenRequest)
/// and signed, so the object carries only names. Its namespace's loop keeps a <c>default</c> one.
/// </summary>
public static class ServiceAccountStrategy
{
    public static readonly KindStrategy<ServiceAccount> Strategy = new()
    {
        Identity = ResourceKinds.ServiceAccount,
        Defaults = sa => sa,
        Validation = (_, _) => { },
        Table = [Name, Col<ServiceAccount>("Secrets", (s, _) => s.Secrets?.Count ?? 0, type: "integer"), Age],
        Fields = new Dictionary<string, Func<ServiceAccount, string>>(),
        Spec = null,
        Status = null,
        Scale = null,
        Owned = [],
        ControlLoop = null,
        // A default account deleted is made again (its namespace's loop looks).
        Wakes = (tenant, sa, _) => ServiceAccountWakes.ForNamespace(tenant, sa.Metadata.Namespace),
    };
}
