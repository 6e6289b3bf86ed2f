using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api.Admission;

/// <summary>How to treat fields our model does not know (<c>?fieldValidation=</c>).</summary>
public enum FieldValidation { Ignore, Warn, Strict }

/// <summary>
/// Turns a decoded request body into a valid, defaulted object, or refuses it: unknown fields (422 under
/// Strict, a warning under Warn), wrong types (400), invalid values (422). Runs before anything is stored.
/// </summary>
public static class Admission
{
    public static (KubeObject Object, IReadOnlyList<string> Warnings) Admit(JsonNode body, ResourceKind kind, FieldValidation validation, string? nameForMessages = null)
    {
        if (body is not JsonObject root)
            throw ApiException.BadRequest($"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: the body is not a JSON object");
        CheckTypeMeta(root, kind);

        var warnings = new List<string>();
        var name = nameForMessages ?? (root["metadata"] is JsonObject meta && meta["name"] is JsonValue v && v.TryGetValue<string>(out var n) ? n : "");
        var unknown = UnknownFields.Find(root, kind.ClrType);
        if (unknown.Count > 0)
        {
            if (validation == FieldValidation.Strict)
                throw ApiException.Invalid(kind.Kind, kind.Group, name,
                    unknown.Select(f => new Contracts.Store.FieldCause(f, "FieldValueInvalid", $"unknown field \"{f}\"")).ToList());
            if (validation == FieldValidation.Warn) warnings.AddRange(unknown.Select(f => $"unknown field \"{f}\""));
        }

        var nulls = NullFields.Normalize(root, kind.ClrType);
        if (nulls.Count > 0) throw ApiException.Invalid(kind.Kind, kind.Group, name, nulls);

        KubeObject obj;
        try
        {
            obj = (KubeObject)(root.Deserialize(kind.ClrType, KubeJson.Options)
                               ?? throw ApiException.BadRequest("the request body is null"));
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: {Describe(e)}");
        }
        return (Defaults.Apply(obj), warnings);
    }

    public static void Validate(KubeObject obj, ResourceKind kind)
    {
        var causes = Validation.Validate(obj, kind);
        if (causes.Count > 0) throw ApiException.Invalid(kind.Kind, kind.Group, obj.Metadata.Name ?? "", causes);
    }

    private static void CheckTypeMeta(JsonObject root, ResourceKind kind)
    {
        var apiVersion = root["apiVersion"] is JsonValue av && av.TryGetValue<string>(out var a) ? a : null;
        var kindName = root["kind"] is JsonValue kv && kv.TryGetValue<string>(out var k) ? k : null;
        if (kindName is { Length: > 0 } && kindName != kind.Kind)
            throw ApiException.BadRequest($"the kind in the data ({kindName}) does not match the expected kind ({kind.Kind})");
        if (apiVersion is { Length: > 0 } && apiVersion != kind.ApiVersion)
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({kind.ApiVersion})");
    }

    /// <summary>Names the field and the type mismatch, in the spirit of Go's "cannot unmarshal X into field Y of type Z".</summary>
    private static string Describe(JsonException e)
    {
        var path = e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "";
        var what = e.InnerException?.Message ?? e.Message;
        if (what.Contains("could not be converted", StringComparison.Ordinal))
            what = "the value has the wrong type";
        return path.Length > 0 ? $"json: cannot unmarshal into field {path}: {what}" : $"json: {what}";
    }
}
