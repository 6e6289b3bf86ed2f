using Microsoft.AspNetCore.Components.Authorization;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>The signed-in user of one browser circuit and what they may do.</summary>
public sealed class DashboardSession(AuthenticationStateProvider authentication, IClusterBackend backend)
{
    private DashboardUser? _user;

    public async Task<DashboardUser> User()
    {
        if (_user is not null) return _user;
        var state = await authentication.GetAuthenticationStateAsync();
        return _user = DashboardClaims.UserOf(state.User) ?? throw new ActionFailedException(401, "Unauthorized: sign in again");
    }

    /// <summary>
    /// Whether to show an action on objects of <paramref name="ns"/> (null: across the tenant): the API's own authorisation
    /// decides, for the namespace the call would name, so the buttons never promise what it refuses nor hide what it allows.
    /// </summary>
    public async Task<bool> May(string verb, Contracts.Model.ResourceKind kind, string? ns = null) => await backend.May(await User(), verb, kind, ns);

    /// <summary>Whether to offer a terminal in the pods of <paramref name="ns"/>: the API's decision on <c>pods/exec</c> there.</summary>
    public async Task<bool> MayExec(string ns) => await backend.MayExec(await User(), ns);

    /// <summary>Whether to offer the audit trail: only to those whom the backend would show it.</summary>
    public async Task<bool> MayReadAuditTrail() => await backend.MayReadAuditTrail(await User());
}
