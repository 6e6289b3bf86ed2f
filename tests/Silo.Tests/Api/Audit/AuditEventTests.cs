using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api;
using OrleansOrchestrator.Silo.Api.Audit;

namespace OrleansOrchestrator.Silo.Tests.Api.Audit;

/// <summary>An audit event reads as Kubernetes' <c>audit.k8s.io/v1</c> Event, so the tools that read those read ours.</summary>
public sealed class AuditEventTests
{
    private static readonly DateTimeOffset Received = new(2026, 12, 3, 1, 2, 3, TimeSpan.Zero);

    private static AuditEvent Sample(int code = 201, string? reason = null, string? tenant = "acme", AuditObjectRef? objectRef = null) => new(
        "5f0c6f0a-0000-4000-8000-000000000001", AuditEvent.ResponseComplete, "/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-client-side-apply",
        "create", "alice", ["developers", "system:authenticated"], tenant, ["127.0.0.1"], "kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9",
        objectRef ?? new AuditObjectRef("deployments", "default", "web", "apps", "v1", null), code, reason,
        Received.AddTicks(1234567), Received.AddTicks(1234567).AddMilliseconds(42.5));

    [Fact]
    public void ToJsonLine_HasKubernetesEventFields()
    {
        var json = JsonNode.Parse(Sample().ToJsonLine())!.AsObject();

        Assert.Equal("Event", (string?)json["kind"]);
        Assert.Equal("audit.k8s.io/v1", (string?)json["apiVersion"]);
        Assert.Equal("Metadata", (string?)json["level"]);
        Assert.Equal("ResponseComplete", (string?)json["stage"]);
        Assert.Equal("create", (string?)json["verb"]);
        Assert.Equal("/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-client-side-apply", (string?)json["requestURI"]);
        Assert.Equal("alice", (string?)json["user"]!["username"]);
        Assert.Equal(["developers", "system:authenticated"], json["user"]!["groups"]!.AsArray().Select(g => (string?)g));
        Assert.Equal("acme", (string?)json["user"]!["extra"]!["orleans-orchestrator.io/tenant"]![0]);
        Assert.Equal(["127.0.0.1"], json["sourceIPs"]!.AsArray().Select(g => (string?)g));
        Assert.StartsWith("kubectl/v1.32.0", (string?)json["userAgent"]);
        Assert.Equal("""{"resource":"deployments","namespace":"default","name":"web","apiGroup":"apps","apiVersion":"v1"}""", json["objectRef"]!.ToJsonString());
        Assert.Equal(201, (int)json["responseStatus"]!["code"]!);
        Assert.Null(json["responseStatus"]!["status"]);
        // Microseconds, UTC, as kube-apiserver writes them; the latency is their difference.
        Assert.Equal("2026-12-03T01:02:03.123456Z", (string?)json["requestReceivedTimestamp"]);
        Assert.Equal("2026-12-03T01:02:03.165956Z", (string?)json["stageTimestamp"]);
        Assert.Equal("allow", (string?)json["annotations"]!["authorization.k8s.io/decision"]);
        Assert.Null(json["requestObject"]);
        Assert.Null(json["responseObject"]);
    }

    [Theory]
    [InlineData(403, "Forbidden", "forbid")]
    [InlineData(404, "NotFound", "allow")]
    [InlineData(409, "AlreadyExists", "allow")]
    [InlineData(422, "Invalid", "allow")]
    public void ToJsonLine_Refusal_CarriesCodeReasonAndDecision(int code, string reason, string decision)
    {
        var json = JsonNode.Parse(Sample(code, reason).ToJsonLine())!;

        Assert.Equal(code, (int)json["responseStatus"]!["code"]!);
        Assert.Equal("Failure", (string?)json["responseStatus"]!["status"]);
        Assert.Equal(reason, (string?)json["responseStatus"]!["reason"]);
        Assert.Equal(decision, (string?)json["annotations"]!["authorization.k8s.io/decision"]);
    }

    [Fact]
    public void ToJsonLine_Unauthenticated_NoTenant_AndClientTextBoundedAndEscaped()
    {
        var e = Sample(401, "Unauthorized", tenant: null) with
        {
            User = "system:anonymous",
            RequestUri = "/api/v1/pods?x=" + new string('a', 10_000),
            UserAgent = "evil\"\n{\"kind\":\"Event\"}" + new string('b', 10_000),
        };

        var line = e.ToJsonLine();

        Assert.DoesNotContain('\n', line);
        var json = JsonNode.Parse(line)!;
        Assert.Null(json["user"]!["extra"]);
        Assert.Equal(AuditEvent.MaxUriLength, ((string?)json["requestURI"])!.Length);
        Assert.Equal(AuditEvent.MaxUserAgentLength, ((string?)json["userAgent"])!.Length);
    }

    [Theory]
    [InlineData("GET", true, false, "get")]
    [InlineData("GET", false, false, "list")]
    [InlineData("GET", false, true, "watch")]
    [InlineData("POST", false, false, "create")]
    [InlineData("PUT", true, false, "update")]
    [InlineData("PATCH", true, false, "patch")]
    [InlineData("DELETE", true, false, "delete")]
    [InlineData("DELETE", false, false, "deletecollection")]
    public void Verbs_AsKubernetesNamesThem(string method, bool named, bool watch, string verb) =>
        Assert.Equal(verb, AuditVerbs.Of(method, named, watch));

    [Fact]
    public void ObjectRef_OfPaths()
    {
        Assert.Equal(new AuditObjectRef("pods", "default", "web-1", "", "v1", "exec"),
            ApiRequestAudit.RefOf(ResourcePath.Parse("/api/v1/namespaces/default/pods/web-1/exec")!));
        Assert.Equal(new AuditObjectRef("deployments", "prod", null, "apps", "v1", null),
            ApiRequestAudit.RefOf(ResourcePath.Parse("/apis/apps/v1/namespaces/prod/deployments")!));
        // A namespace's own object is in itself, as Kubernetes' request info has it.
        Assert.Equal(new AuditObjectRef("namespaces", "team", "team", "", "v1", null),
            ApiRequestAudit.RefOf(ResourcePath.Parse("/api/v1/namespaces/team")!));
        Assert.Equal(new AuditObjectRef("nodes", null, "n1", "", "v1", null), ApiRequestAudit.RefOf(ResourceKinds.Node, "ignored", "n1"));
    }
}
