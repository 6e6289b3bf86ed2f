using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Silo.Api.Patching;

/// <summary>
/// JSON Merge Patch (RFC 7386), the body of <c>application/merge-patch+json</c>
/// (for example <c>kubectl scale</c>'s <c>{"spec":{"replicas":5}}</c>).
/// </summary>
public static class JsonMergePatch
{
    /// <summary>
    /// Returns <paramref name="target"/> with <paramref name="patch"/> applied. An object patch
    /// merges member by member (a <c>null</c> member deletes); any other patch replaces the target.
    /// Neither argument is modified.
    /// </summary>
    public static JsonNode Apply(JsonNode? target, JsonNode patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (patch is not JsonObject patchObject)
        {
            return patch.DeepClone();
        }

        // A non-object target is replaced by an object, as the RFC's pseudo-code says.
        var targetObject = target as JsonObject;
        var result = new JsonObject();
        if (targetObject is not null)
        {
            foreach (var (name, value) in targetObject)
            {
                if (patchObject.TryGetPropertyValue(name, out var patchValue))
                {
                    if (patchValue is not null)
                    {
                        result[name] = Apply(value, patchValue);
                    }
                }
                else
                {
                    result[name] = value?.DeepClone();
                }
            }
        }

        foreach (var (name, patchValue) in patchObject)
        {
            if (patchValue is not null && (targetObject is null || !targetObject.ContainsKey(name)))
            {
                result[name] = Apply(null, patchValue);
            }
        }

        return result;
    }
}
