using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api.Auth.ServiceAccounts;

/// <summary>
/// The API's service account token resources, answered and never stored: <c>TokenRequest</c> (POST
/// <c>…/serviceaccounts/NAME/token</c>, <c>kubectl create token</c>), <c>TokenReview</c> (POST
/// <c>/apis/authentication.k8s.io/v1/tokenreviews</c>), and the issuer's OpenID discovery document and key set
/// (<c>/.well-known/openid-configuration</c>, <c>/openid/v1/jwks</c>), by which others verify our tokens.
/// </summary>
public sealed class ServiceAccountEndpoints(ServiceAccountTokens tokens, Authorizer authorizer)
{
    public const string TokenReviewPath = "/apis/authentication.k8s.io/v1/tokenreviews";
    public const string DiscoveryPath = "/.well-known/openid-configuration";
    public const string KeysPath = "/openid/v1/jwks";

    /// <summary>The most audiences a request may name.</summary>
    public const int MaxAudiences = 16;

    /// <summary>
    /// The most bytes the audiences may take together as JSON strings (escaped as the token's claims escape them): with the
    /// bounded names, uids and a signature, a token carrying them stays well under <see cref="ServiceAccountJwt.MaxTokenLength"/>
    /// once base64url adds its third, so every token issued is one the authenticator accepts.
    /// </summary>
    public const int MaxAudiencesBytes = 3 * 1024;

    private static readonly ResourceKind TokenReviewKind = new(Rbac.AccessReviews.AuthenticationGroup, "v1", "TokenReview", "tokenreviews", "tokenreview", false, typeof(KubeObject), [], []);

    /// <summary>Whether this class answers <paramref name="path"/> (TokenRequest goes through the resource routing instead).</summary>
    public static bool Handles(string path) => path is TokenReviewPath or DiscoveryPath or KeysPath;

    /// <summary>The answer (status code, body) to a request for one of <see cref="Handles"/>' paths.</summary>
    public async Task<(int Code, JsonNode Body)> Serve(Caller caller, string method, string path, Func<Task<JsonNode>> body)
    {
        switch (path)
        {
            case DiscoveryPath when HttpMethods.IsGet(method):
                return (200, new JsonObject
                {
                    ["issuer"] = tokens.Jwt.Issuer,
                    ["jwks_uri"] = tokens.Jwt.Issuer + KeysPath,
                    ["response_types_supported"] = new JsonArray("id_token"),
                    ["subject_types_supported"] = new JsonArray("public"),
                    ["id_token_signing_alg_values_supported"] = new JsonArray(ServiceAccountJwt.Algorithm),
                });
            case KeysPath when HttpMethods.IsGet(method):
                return (200, tokens.Jwt.Jwks());
            case TokenReviewPath when HttpMethods.IsPost(method):
                if (!caller.IsAdmin && !await authorizer.Allows(caller.Tenant, new Rbac.RequestAttributes(caller.User, Authorizer.GroupsOf(caller), "create", TokenReviewKind.Group, TokenReviewKind.Plural)))
                    throw ApiException.Forbidden(caller.User, "create", TokenReviewKind.Plural, TokenReviewKind.Group, null);
                return (201, await Review(caller, await body()));
            default:
                throw ApiException.MethodNotAllowed(method);
        }
    }

    /// <summary>TokenReview: whether a token is valid, and whose it is — only within the reviewer's tenant.</summary>
    private async Task<JsonObject> Review(Caller caller, JsonNode body)
    {
        var review = body as JsonObject ?? throw ApiException.BadRequest("the body of a TokenReview must be a JSON object");
        if (Text(review, "kind") is { } kind && kind != "TokenReview")
            throw ApiException.BadRequest($"the kind of the body ({kind}) does not match the resource (TokenReview)");
        var spec = review["spec"] as JsonObject ?? new JsonObject();
        var token = Text(spec, "token") ?? "";
        var audiences = Audiences(spec, "spec.audiences", "TokenReview");
        var accepted = audiences.Count > 0 ? audiences : tokens.ApiAudiences;
        var (verified, problem) = token.Length == 0 ? (null, "token is empty") : await tokens.Review(token, accepted, caller.Tenant);
        var status = new JsonObject { ["authenticated"] = verified is not null };
        if (verified is not null)
        {
            var caught = verified.Caller;
            var user = new JsonObject
            {
                ["username"] = caught.User,
                ["uid"] = verified.ServiceAccountUid,
                ["groups"] = new JsonArray([.. caught.Groups.Select(g => (JsonNode)JsonValue.Create(g))]),
            };
            if (verified.Pod is { } pod)
                user["extra"] = new JsonObject
                {
                    ["authentication.kubernetes.io/pod-name"] = new JsonArray(pod.Name),
                    ["authentication.kubernetes.io/pod-uid"] = new JsonArray(pod.Uid),
                };
            status["user"] = user;
            status["audiences"] = new JsonArray([.. verified.Audiences.Where(accepted.Contains).Select(a => (JsonNode)JsonValue.Create(a))]);
        }
        else
        {
            status["user"] = new JsonObject();
            status["error"] = $"[invalid bearer token, {problem}]";
        }
        return new JsonObject
        {
            ["kind"] = "TokenReview",
            ["apiVersion"] = $"{Rbac.AccessReviews.AuthenticationGroup}/v1",
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["spec"] = new JsonObject { ["audiences"] = new JsonArray([.. audiences.Select(a => (JsonNode)JsonValue.Create(a))]) },
            ["status"] = status,
        };
    }

    /// <summary>TokenRequest for the service account <paramref name="name"/>: a new bound token (201), or Kubernetes' refusal.</summary>
    public async Task<JsonObject> RequestToken(Caller caller, string ns, string name, JsonNode body)
    {
        var request = body as JsonObject ?? throw ApiException.BadRequest("the body of a TokenRequest must be a JSON object");
        if (Text(request, "kind") is { } kind && kind != "TokenRequest")
            throw ApiException.BadRequest($"the kind of the body ({kind}) does not match the resource (TokenRequest)");
        var spec = request["spec"] as JsonObject ?? new JsonObject();
        var audiences = Audiences(spec, "spec.audiences", "TokenRequest");
        var lifetime = ServiceAccountTokenOptions.DefaultLifetime;
        if (spec["expirationSeconds"] is { } seconds)
        {
            if (seconds is not JsonValue value || !value.TryGetValue<long>(out var asked))
                throw Invalid("spec.expirationSeconds", "FieldValueInvalid", "Invalid value: must be a whole number of seconds");
            if (asked < ServiceAccountTokenOptions.MinimumRequested.TotalSeconds)
                throw Invalid("spec.expirationSeconds", "FieldValueInvalid", $"Invalid value: {asked}: may not specify a duration less than 10 minutes");
            if (asked > ServiceAccountTokenOptions.MaximumRequested.TotalSeconds)
                throw Invalid("spec.expirationSeconds", "FieldValueInvalid", $"Invalid value: {asked}: may not specify a duration larger than {ServiceAccountTokenOptions.MaximumRequested.TotalSeconds} seconds");
            lifetime = TimeSpan.FromSeconds(asked);
        }
        BoundPod? pod = null;
        if (spec["boundObjectRef"] is JsonObject bound)
        {
            var boundKind = Text(bound, "kind") ?? "";
            if (boundKind != "Pod")
                throw Invalid("spec.boundObjectRef.kind", "FieldValueNotSupported", $"Unsupported value: {Admission.Validation.Quote(boundKind)}: supported values: \"Pod\"");
            if (Text(bound, "apiVersion") is { Length: > 0 } apiVersion && apiVersion != "v1")
                throw Invalid("spec.boundObjectRef.apiVersion", "FieldValueNotSupported", $"Unsupported value: {Admission.Validation.Quote(apiVersion)}: supported values: \"v1\"");
            var podName = Text(bound, "name") ?? "";
            if (podName.Length == 0 || ResourcePath.SegmentNameProblem(podName) is not null)
                throw Invalid("spec.boundObjectRef.name", "FieldValueRequired", "Required value: a pod's name");
            // The pod is read with the caller's right to read it: a token bound to a pod one may not see tells nothing about it.
            await authorizer.Authorize(caller, "get", ResourceKinds.Pod, ns, podName);
            pod = new BoundPod(podName, Text(bound, "uid") ?? "");
        }

        var issued = await tokens.Request(caller.Tenant, ns, name, audiences, lifetime, pod);
        // The audiences' bound keeps tokens short; this keeps it so whatever the configured issuer's length.
        var token = tokens.Jwt.Issue(issued);
        if (token.Length > ServiceAccountJwt.MaxTokenLength)
            throw Invalid("spec.audiences", "FieldValueTooLong", $"Too long: the token would be longer than the {ServiceAccountJwt.MaxTokenLength} characters a token may have");
        var answerSpec = new JsonObject
        {
            ["audiences"] = new JsonArray([.. issued.Audiences.Select(a => (JsonNode)JsonValue.Create(a))]),
            ["expirationSeconds"] = (long)lifetime.TotalSeconds,
            ["boundObjectRef"] = issued.Pod is { } p ? new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = p.Name, ["uid"] = p.Uid } : null,
        };
        return new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = $"{Rbac.AccessReviews.AuthenticationGroup}/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["creationTimestamp"] = issued.IssuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
            ["spec"] = answerSpec,
            ["status"] = new JsonObject
            {
                ["token"] = token,
                ["expirationTimestamp"] = issued.Expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
        };
    }

    private static List<string> Audiences(JsonObject spec, string field, string kind)
    {
        if (spec["audiences"] is null) return [];
        if (spec["audiences"] is not JsonArray array) throw Invalid(field, "FieldValueInvalid", "Invalid value: must be a list of strings", kind);
        if (array.Count > MaxAudiences) throw Invalid(field, "FieldValueTooMany", $"Too many: {array.Count}: must have at most {MaxAudiences} items", kind);
        var audiences = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue value || !value.TryGetValue<string>(out var audience) || audience.Length is 0 or > 1024)
                throw Invalid($"{field}[{i}]", "FieldValueInvalid", "Invalid value: must be a non-empty string of at most 1024 characters", kind);
            audiences.Add(audience);
        }
        var bytes = audiences.Sum(a => JsonEncodedText.Encode(a).EncodedUtf8Bytes.Length + 3);
        if (bytes > MaxAudiencesBytes)
            throw Invalid(field, "FieldValueTooLong", $"Too long: the audiences take {bytes} bytes: must take at most {MaxAudiencesBytes} together", kind);
        return audiences;
    }

    private static ApiException Invalid(string field, string type, string message, string kind = "TokenRequest") =>
        ApiException.Invalid(kind, Rbac.AccessReviews.AuthenticationGroup, "", [new FieldCause(field, type, message)]);

    private static string? Text(JsonObject? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
