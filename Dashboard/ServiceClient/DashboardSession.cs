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

    /// <summary>Whether to show an action: the API's own authorisation decides, so the buttons never promise what it refuses.</summary>
    public async Task<bool> May(string verb, Contracts.Model.ResourceKind kind) => backend.May(await User(), verb, kind);

    /// <summary>Whether to offer a terminal in pods: the API's decision on <c>pods/exec</c>.</summary>
    public async Task<bool> MayExec() => backend.MayExec(await User());

    /// <summary>Whether to offer the audit trail: only to those whom the backend would show it.</summary>
    public async Task<bool> MayReadAuditTrail() => backend.MayReadAuditTrail(await User());
}
