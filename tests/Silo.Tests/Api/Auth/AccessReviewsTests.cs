using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Auth.Rbac;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Tests.Api.Auth;

/// <summary>The review resources kubectl's <c>auth can-i</c> and <c>auth whoami</c> post, answered by the authoriser.</summary>
public class AccessReviewsTests
{
    private const string Group = "rbac.authorization.k8s.io";

    private static readonly Caller Viewer = new("vera", "team-a", [Caller.ViewerGroup]);
    private static readonly Caller Operator = new("admin", "team-a", [Caller.AdminGroup]);
    private static readonly Caller Editor = new("eddie", "team-a", []);

    private static readonly AccessReviews Reviews = new(new Authorizer(new FixedRbacPolicies(
    [
        .. DefaultClusterRoles.All,
        new RoleBinding
        {
            Metadata = new ObjectMeta { Name = "eddie-edit", Namespace = "dev" },
            Subjects = [new Subject { Kind = "User", ApiGroup = Group, Name = "eddie" }],
            RoleRef = new RoleRef { ApiGroup = Group, Kind = "ClusterRole", Name = "edit" },
        },
    ])));

    private static Task<JsonObject> Post(Caller caller, string path, string body)
    {
        var (resource, ns) = AccessReviews.Match(path)!.Value;
        return Reviews.Answer(caller, resource, ns, JsonNode.Parse(body)!);
    }

    private static async Task<bool> CanI(Caller caller, string verb, string resource, string ns = "dev", string group = "") =>
        (bool)(await Post(caller, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            new JsonObject { ["kind"] = "SelfSubjectAccessReview", ["spec"] = new JsonObject { ["resourceAttributes"] = new JsonObject { ["namespace"] = ns, ["verb"] = verb, ["group"] = group, ["resource"] = resource } } }.ToJsonString()))["status"]!["allowed"]!;

    [Fact]
    public async Task SelfSubjectAccessReview_AnswersAsTheAuthoriserDecides()
    {
        Assert.True(await CanI(Viewer, "list", "pods"));
        Assert.False(await CanI(Viewer, "create", "pods"));
        Assert.True(await CanI(Editor, "create", "deployments", group: "apps"));
        Assert.False(await CanI(Editor, "create", "deployments", ns: "prod", group: "apps"));
        Assert.False(await CanI(Editor, "list", "nodes", ns: ""));
        Assert.True(await CanI(Operator, "list", "nodes", ns: ""));
    }

    [Fact]
    public async Task SelfSubjectReview_NamesTheUserAndTheirGroups()
    {
        var answer = await Post(Viewer, "/apis/authentication.k8s.io/v1/selfsubjectreviews", """{"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1"}""");

        Assert.Equal("vera", (string)answer["status"]!["userInfo"]!["username"]!);
        Assert.Equal(["view", "system:authenticated"], answer["status"]!["userInfo"]!["groups"]!.AsArray().Select(g => (string)g!));
    }

    [Fact]
    public async Task SelfSubjectRulesReview_ListsTheRulesHeldInTheNamespace()
    {
        var answer = await Post(Editor, "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", """{"spec":{"namespace":"dev"}}""");
        var resources = answer["status"]!["resourceRules"]!.AsArray().SelectMany(r => r!["resources"]!.AsArray().Select(x => (string)x!)).ToList();

        Assert.Contains("pods/exec", resources);
        Assert.DoesNotContain("rolebindings", resources);
    }

    [Fact]
    public async Task SubjectAccessReview_IsForWhoeverRbacAllows_AndAnswersForTheSubject()
    {
        const string body = """{"spec":{"user":"eddie","resourceAttributes":{"namespace":"dev","verb":"delete","resource":"pods"}}}""";

        var refused = await Assert.ThrowsAsync<ApiException>(() => Post(Editor, "/apis/authorization.k8s.io/v1/subjectaccessreviews", body));
        var answer = await Post(Operator, "/apis/authorization.k8s.io/v1/subjectaccessreviews", body);

        Assert.Equal(403, refused.Code);
        Assert.True((bool)answer["status"]!["allowed"]!);
        Assert.Null(AccessReviews.Match("/apis/authorization.k8s.io/v1/namespaces/dev/subjectaccessreviews"));
        Assert.NotNull(AccessReviews.Match("/apis/authorization.k8s.io/v1/namespaces/dev/localsubjectaccessreviews"));
    }

    [Theory]
    [InlineData("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", """{"spec":{"resourceAttributes":{"namespace":"dev/x","verb":"get","resource":"pods"}}}""", "spec.resourceAttributes.namespace")]
    [InlineData("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", """{"spec":{"namespace":".."}}""", "spec.namespace")]
    [InlineData("/apis/authorization.k8s.io/v1/subjectaccessreviews", """{"spec":{"user":"eddie","resourceAttributes":{"namespace":"a%2Fb","verb":"get","resource":"pods"}}}""", "spec.resourceAttributes.namespace")]
    public async Task Review_NamingANamespaceNoKeyCanHold_IsInvalid(string path, string body, string field)
    {
        var e = await Assert.ThrowsAsync<ApiException>(() => Post(Operator, path, body));

        Assert.Equal(422, e.Code);
        Assert.Equal(field, Assert.Single(e.Details!.Causes!).Field);
    }

    [Fact]
    public async Task SubjectAccessReview_GroupsThatAreNotStrings_OrTooMany_AreInvalid()
    {
        var notString = await Assert.ThrowsAsync<ApiException>(() => Post(Operator, "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            """{"spec":{"groups":["dev",7],"resourceAttributes":{"namespace":"dev","verb":"get","resource":"pods"}}}"""));
        var many = new JsonArray([.. Enumerable.Range(0, AccessReviews.MaxListed + 1).Select(i => (JsonNode)JsonValue.Create($"g{i}"))]);
        var tooMany = await Assert.ThrowsAsync<ApiException>(() => Post(Operator, "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            new JsonObject { ["spec"] = new JsonObject { ["groups"] = many, ["resourceAttributes"] = new JsonObject { ["verb"] = "get", ["resource"] = "pods" } } }.ToJsonString()));

        Assert.Equal((422, "spec.groups[1]"), (notString.Code, Assert.Single(notString.Details!.Causes!).Field));
        Assert.Equal((422, "spec.groups"), (tooMany.Code, Assert.Single(tooMany.Details!.Causes!).Field));
    }
}
