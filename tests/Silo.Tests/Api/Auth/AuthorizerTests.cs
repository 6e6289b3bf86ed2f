using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Tests.Api.Auth;

public class AuthorizerTests
{
    private static readonly Caller Admin = new("admin", "ops", [Caller.AdminGroup]);
    private static readonly Caller Member = new("alice", "team-a", []);
    private static readonly Caller Viewer = new("vera", "team-a", [Caller.ViewerGroup]);
    private static readonly Caller AdminAlsoViewer = new("root", "ops", [Caller.AdminGroup, Caller.ViewerGroup]);

    public static TheoryData<string, string, bool, bool, bool> Decisions => new()
    {
        // caller, verb, on pods, on nodes → may?
        { "member", "create", true, true, false },
        { "member", "list", true, true, false },
        { "viewer", "get", true, true, false },
        { "viewer", "watch", true, true, false },
        { "viewer", "create", false, false, false },
        { "viewer", "patch", false, false, false },
        { "viewer", "delete", false, false, false },
        { "admin", "delete", true, true, true },
        { "adminviewer", "update", true, true, true },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void May_ByGroupVerbAndKind(string who, string verb, bool onPods, bool _, bool onNodes)
    {
        var caller = who switch { "member" => Member, "viewer" => Viewer, "admin" => Admin, _ => AdminAlsoViewer };
        Assert.Equal(onPods, Authorizer.May(caller, verb, ResourceKinds.Pod));
        Assert.Equal(onNodes, Authorizer.May(caller, verb, ResourceKinds.Node));
    }

    [Fact]
    public void Authorize_ViewerWrite_IsForbiddenWithKubernetesMessage()
    {
        var e = Assert.Throws<ApiException>(() => Authorizer.Authorize(Viewer, "delete", ResourceKinds.Deployment, "default", "web"));
        Assert.Equal(403, e.Code);
        Assert.Equal("deployments.apps \"web\" is forbidden: User \"vera\" cannot delete resource \"deployments\" in API group \"apps\" in the namespace \"default\"", e.Message);
    }
}
