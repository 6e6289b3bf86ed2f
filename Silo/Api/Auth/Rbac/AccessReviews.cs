using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api.Auth.Rbac;

/// <summary>
/// Kubernetes' review resources, answered and never stored (POST only): <c>SelfSubjectAccessReview</c> (<c>kubectl auth can-i</c>),
/// <c>SelfSubjectRulesReview</c> (<c>kubectl auth can-i --list</c>), <c>SelfSubjectReview</c> (<c>kubectl auth whoami</c>), and for
/// whoever RBAC lets create them, <c>SubjectAccessReview</c> and <c>LocalSubjectAccessReview</c> about any user of the same tenant.
/// Every answer comes from the same <see cref="Authorizer"/> that decides requests.
/// </summary>
public sealed class AccessReviews(Authorizer authorizer)
{
    /// <summary>A review resource as discovery lists it.</summary>
    public sealed record Resource(string Group, string Plural, string Singular, string Kind, bool Namespaced)
    {
        public string GroupVersionPath => $"/apis/{Group}/v1";
    }

    public const string AuthorizationGroup = "authorization.k8s.io";
    public const string AuthenticationGroup = "authentication.k8s.io";

    public static readonly IReadOnlyList<Resource> Resources =
    [
        new(AuthenticationGroup, "selfsubjectreviews", "selfsubjectreview", "SelfSubjectReview", false),
        // Answered by ServiceAccountEndpoints (listed here for discovery).
        new(AuthenticationGroup, "tokenreviews", "tokenreview", "TokenReview", false),
        new(AuthorizationGroup, "localsubjectaccessreviews", "localsubjectaccessreview", "LocalSubjectAccessReview", true),
        new(AuthorizationGroup, "selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview", false),
        new(AuthorizationGroup, "selfsubjectrulesreviews", "selfsubjectrulesreview", "SelfSubjectRulesReview", false),
        new(AuthorizationGroup, "subjectaccessreviews", "subjectaccessreview", "SubjectAccessReview", false),
    ];

    /// <summary>The review a path names (with the namespace of a local one), or null when the path is not a review's.</summary>
    public static (Resource Resource, string? Namespace)? Match(string path)
    {
        var parts = path.Trim('/').Split('/');
        if (parts.Length == 4 && parts[0] == "apis" && parts[2] == "v1")
            return Resources.FirstOrDefault(r => !r.Namespaced && r.Group == parts[1] && r.Plural == parts[3]) is { } r ? (r, null) : null;
        if (parts.Length == 6 && parts[0] == "apis" && parts[2] == "v1" && parts[3] == "namespaces")
            return Resources.FirstOrDefault(r => r.Namespaced && r.Group == parts[1] && r.Plural == parts[5]) is { } r ? (r, parts[4]) : null;
        return null;
    }

    /// <summary>The answer to a review: the request's body with its <c>status</c> filled in.</summary>
    public async Task<JsonObject> Answer(Caller caller, Resource resource, string? ns, JsonNode body)
    {
        var review = body as JsonObject ?? throw ApiException.BadRequest($"the body of a {resource.Kind} must be a JSON object");
        if (Text(review, "kind") is { } kind && kind != resource.Kind)
            throw ApiException.BadRequest($"the kind of the body ({kind}) does not match the resource ({resource.Kind})");
        var spec = review["spec"] as JsonObject ?? new JsonObject();
        if (ns is not null && ResourcePath.SegmentNameProblem(ns) is { } pathProblem)
            throw ApiException.BadRequest($"invalid namespace {Admission.Validation.Quote(ns)}: [{pathProblem}]");
        CheckNamespace(resource, spec, "namespace", "spec.namespace");
        if (spec["resourceAttributes"] is JsonObject attributes) CheckNamespace(resource, attributes, "namespace", "spec.resourceAttributes.namespace");
        var answer = new JsonObject
        {
            ["kind"] = resource.Kind,
            ["apiVersion"] = $"{resource.Group}/v1",
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
        };
        switch (resource.Kind)
        {
            case "SelfSubjectReview":
                answer["status"] = new JsonObject
                {
                    ["userInfo"] = new JsonObject
                    {
                        ["username"] = caller.User,
                        ["groups"] = Strings(Authorizer.GroupsOf(caller)),
                    },
                };
                return answer;
            case "SelfSubjectAccessReview":
                answer["spec"] = spec.DeepClone();
                answer["status"] = Status(await Decide(caller.Tenant, caller.User, Authorizer.GroupsOf(caller), spec, null));
                return answer;
            case "SelfSubjectRulesReview":
                answer["spec"] = spec.DeepClone();
                answer["status"] = await Rules(caller, Text(spec, "namespace") ?? "");
                return answer;
            default:
                // SubjectAccessReview and LocalSubjectAccessReview: a question about someone else, for whoever RBAC allows it.
                await authorizer.Authorize(caller, "create", resource.Namespaced ? LocalReviewKind : ReviewKind, ns);
                var user = Text(spec, "user") ?? "";
                var groups = Groups(resource, spec);
                if (spec["extra"] is JsonObject extra && extra.Count > MaxListed)
                    throw TooMany(resource, "spec.extra", extra.Count);
                if (user.Length == 0 && groups.Count == 0)
                    throw ApiException.Invalid(resource.Kind, resource.Group, "", [new FieldCause("spec.user", "FieldValueRequired", "Required value: at least one of user or group must be specified")]);
                if (ns is not null && spec["resourceAttributes"] is JsonObject local && Text(local, "namespace") is { } asked && asked != ns)
                    throw ApiException.Invalid(resource.Kind, resource.Group, "", [new FieldCause("spec.resourceAttributes.namespace", "FieldValueInvalid", $"Invalid value: {Admission.Validation.Quote(asked)}: must match metadata.namespace")]);
                answer["spec"] = spec.DeepClone();
                answer["status"] = Status(await Decide(caller.Tenant, user, groups, spec, ns));
                return answer;
        }
    }

    /// <summary>The most groups, or extra entries, a review may name: more than any real user has, few enough to answer at once.</summary>
    public const int MaxListed = 256;

    /// <summary>A namespace a review names must be one a key can hold (no <c>/</c>, no <c>.</c> or <c>..</c>).</summary>
    private static void CheckNamespace(Resource resource, JsonObject node, string name, string field)
    {
        if (Text(node, name) is { Length: > 0 } ns && ResourcePath.SegmentNameProblem(ns) is { } problem)
            throw ApiException.Invalid(resource.Kind, resource.Group, "", [new FieldCause(field, "FieldValueInvalid", $"Invalid value: {Admission.Validation.Quote(ns)}: {problem}")]);
    }

    /// <summary><c>spec.groups</c>: a list of strings (anything else is 422, as Kubernetes' decoder refuses it), bounded.</summary>
    private static List<string> Groups(Resource resource, JsonObject spec)
    {
        if (spec["groups"] is not JsonArray array) return [];
        if (array.Count > MaxListed) throw TooMany(resource, "spec.groups", array.Count);
        var groups = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue value || !value.TryGetValue<string>(out var group))
                throw ApiException.Invalid(resource.Kind, resource.Group, "", [new FieldCause($"spec.groups[{i}]", "FieldValueInvalid", "Invalid value: must be a string")]);
            groups.Add(group);
        }
        return groups;
    }

    private static ApiException TooMany(Resource resource, string field, int count) =>
        ApiException.Invalid(resource.Kind, resource.Group, "", [new FieldCause(field, "FieldValueTooMany", $"Too many: {count}: must have at most {MaxListed} items")]);

    /// <summary>SubjectAccessReviews are judged as their own resources; these carry only what <see cref="Authorizer.May"/> reads.</summary>
    private static readonly ResourceKind ReviewKind = new(AuthorizationGroup, "v1", "SubjectAccessReview", "subjectaccessreviews", "subjectaccessreview", false, typeof(KubeObject), [], []);
    private static readonly ResourceKind LocalReviewKind = new(AuthorizationGroup, "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", "localsubjectaccessreview", true, typeof(KubeObject), [], []);

    private async Task<bool> Decide(string tenant, string user, IReadOnlyList<string> groups, JsonObject spec, string? forcedNamespace)
    {
        // The operator may do anything, nodes included; nodes are nobody else's.
        if (groups.Contains(Caller.AdminGroup)) return true;
        if (spec["resourceAttributes"] is JsonObject attributes)
        {
            var group = Text(attributes, "group") ?? "";
            var resource = Text(attributes, "resource") ?? "";
            if (group.Length == 0 && resource == "nodes") return false;
            return await authorizer.Allows(tenant, new RequestAttributes(user, groups, Text(attributes, "verb") ?? "", group, resource,
                Text(attributes, "subresource") ?? "", forcedNamespace ?? Text(attributes, "namespace") ?? "", Text(attributes, "name") ?? ""));
        }
        if (spec["nonResourceAttributes"] is JsonObject url)
            return await authorizer.Allows(tenant, new RequestAttributes(user, groups, Text(url, "verb") ?? "", Path: Text(url, "path") ?? ""));
        throw ApiException.Invalid("SubjectAccessReview", AuthorizationGroup, "", [new FieldCause("spec.resourceAttributes", "FieldValueRequired", "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified")]);
    }

    private static JsonObject Status(bool allowed) => new() { ["allowed"] = allowed };

    private async Task<JsonObject> Rules(Caller caller, string ns)
    {
        IReadOnlyList<PolicyRule> rules = caller.IsAdmin
            ? DefaultClusterRoles.All[0].Rules!
            : await authorizer.RulesFor(caller.Tenant, caller.User, Authorizer.GroupsOf(caller), ns);
        var resourceRules = new JsonArray();
        var urlRules = new JsonArray();
        foreach (var rule in rules)
        {
            if (rule.NonResourceURLs is { Count: > 0 } urls)
                urlRules.Add(new JsonObject { ["verbs"] = Strings(rule.Verbs), ["nonResourceURLs"] = Strings(urls) });
            else
            {
                var entry = new JsonObject { ["verbs"] = Strings(rule.Verbs), ["apiGroups"] = Strings(rule.ApiGroups ?? []), ["resources"] = Strings(rule.Resources ?? []) };
                if (rule.ResourceNames is { Count: > 0 } names) entry["resourceNames"] = Strings(names);
                resourceRules.Add(entry);
            }
        }
        // What every authenticated user may do in Kubernetes (system:basic-user, system:discovery), which is not stored here.
        resourceRules.Add(new JsonObject
        {
            ["verbs"] = Strings(["create"]), ["apiGroups"] = Strings([AuthorizationGroup]),
            ["resources"] = Strings(["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
        });
        resourceRules.Add(new JsonObject { ["verbs"] = Strings(["create"]), ["apiGroups"] = Strings([AuthenticationGroup]), ["resources"] = Strings(["selfsubjectreviews"]) });
        urlRules.Add(new JsonObject { ["verbs"] = Strings(["get"]), ["nonResourceURLs"] = Strings(["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]) });
        return new JsonObject { ["resourceRules"] = resourceRules, ["nonResourceRules"] = urlRules, ["incomplete"] = false };
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private static string? Text(JsonObject? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
