using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Api.Wire;

/// <summary><c>metav1.Status</c>: the body of every error answer (and of some successful deletes).</summary>
public sealed record ApiStatus
{
    public string Kind { get; init; } = "Status";
    public string ApiVersion { get; init; } = "v1";
    public Dictionary<string, string> Metadata { get; init; } = [];
    public string Status { get; init; } = "Failure";
    public string? Message { get; init; }
    public string? Reason { get; init; }
    public StatusDetails? Details { get; init; }
    public int Code { get; init; }
}

public sealed record StatusDetails
{
    public string? Name { get; init; }
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string? Uid { get; init; }
    public IReadOnlyList<StatusCause>? Causes { get; init; }
    public int? RetryAfterSeconds { get; init; }
}

public sealed record StatusCause
{
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public string? Field { get; init; }
}

/// <summary>
/// A refusal on its way to the client as a <see cref="ApiStatus"/>. Thrown anywhere in request handling;
/// the API's error handler writes it. Nothing is stored when one is thrown before the store call.
/// </summary>
public sealed class ApiException(int code, string reason, string message, StatusDetails? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public StatusDetails? Details { get; } = details;

    public ApiStatus ToStatus() => new() { Code = Code, Reason = Reason, Message = Message, Details = Details };

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    /// <summary>Kubernetes' refusal; a subresource is named as <c>pods/exec</c> in what the user cannot do.</summary>
    public static ApiException Forbidden(string user, string verb, string resource, string group, string? ns, string? name = null, string? subresource = null) =>
        new(403, "Forbidden",
            $"{resource}{(group.Length > 0 ? "." + group : "")}{(name is null ? "" : $" \"{name}\"")} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}{(subresource is null ? "" : "/" + subresource)}\" in API group \"{group}\""
            + (string.IsNullOrEmpty(ns) ? " at the cluster scope" : $" in the namespace \"{ns}\""),
            new StatusDetails { Name = name, Group = group, Kind = resource });

    public static ApiException NotFound(string resource, string group, string name) =>
        new(404, "NotFound", $"{resource}{(group.Length > 0 ? "." + group : "")} \"{name}\" not found",
            new StatusDetails { Name = name, Group = group, Kind = resource });

    public static ApiException NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource");

    public static ApiException MethodNotAllowed(string method) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method})");

    public static ApiException Gone(string message) => new(410, "Expired", message);

    public static ApiException TooLarge(long limit) =>
        new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {limit}");

    public static ApiException UnsupportedMediaType(string? contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got \"{contentType}\")");

    public static ApiException Invalid(string kind, string group, string name, IReadOnlyList<FieldCause> causes) =>
        FromStore(StoreError.Invalid(kind, group, name, causes), kind, group, name);

    /// <summary>
    /// A refusal from the store, with the resource's group so kubectl names it as Kubernetes would; field causes
    /// of an invalid object are carried along. <paramref name="resource"/> is what <c>details.kind</c> shows.
    /// </summary>
    public static ApiException FromStore(StoreError error, string resource, string group, string name) =>
        new(error.Code, error.Reason, error.Message, new StatusDetails
        {
            Name = name,
            Group = group,
            Kind = resource,
            Causes = error.Causes?.Select(c => new StatusCause { Field = c.Field, Reason = c.Reason, Message = c.Message }).ToList(),
        });

    /// <summary>A refusal from the store about an object of <paramref name="kind"/>: an invalid object names its Kind, others its resource.</summary>
    public static ApiException FromStore(StoreError error, ResourceKind kind, string name) =>
        FromStore(error, error.Reason == "Invalid" ? kind.Kind : kind.Plural, kind.Group, name);
}
