using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Silo.Api.Patching;

namespace OrleansOrchestrator.Silo.Controllers.Deployments;

/// <summary>
/// The <c>pod-template-hash</c> that names a Deployment's ReplicaSets and tells whether a ReplicaSet runs the
/// Deployment's current template. Both work on a normalised form of the template: our wire JSON without null or empty
/// values, without the <c>pod-template-hash</c> label, with object members in ordinal order. That is what makes the
/// template <c>kubectl rollout undo</c> sends (<c>creationTimestamp: null</c>, <c>resources: {}</c>, no hash label)
/// match the ReplicaSet it came from, so undo reuses that ReplicaSet instead of creating a new one.
/// </summary>
public static class PodTemplateHash
{
    public const string LabelKey = DeploymentAnnotations.PodTemplateHashLabel;

    private const uint FnvOffsetBasis = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <summary>
    /// FNV-1a (32-bit) of the normalised template, followed, when there is a collision count, by that count as Kubernetes
    /// feeds it (4 bytes little-endian and 4 zero bytes); the decimal digits of the hash are then mapped onto the safe
    /// alphabet, e.g. <c>5d4f8bc9b7</c>.
    /// </summary>
    public static string Compute(PodTemplateSpec template, int? collisionCount)
    {
        ArgumentNullException.ThrowIfNull(template);
        var hash = Fnv1a32(Encoding.UTF8.GetBytes(CanonicalJson(template)));
        if (collisionCount is { } count)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, unchecked((uint)count));
            hash = Fnv1a32(bytes, hash);
        }

        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Whether two templates are the same once normalised: Kubernetes' <c>EqualIgnoreHash</c>.</summary>
    public static bool Equivalent(PodTemplateSpec a, PodTemplateSpec b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return CanonicalJson(a) == CanonicalJson(b);
    }

    /// <summary>The normalised template as compact JSON.</summary>
    internal static string CanonicalJson(PodTemplateSpec template)
    {
        var node = JsonSerializer.SerializeToNode(template, KubeJson.Options) ?? new JsonObject();
        if (node["metadata"]?["labels"] is JsonObject labels) labels.Remove(LabelKey);
        return Sorted(JsonNormalizer.DropNullsAndEmpties(node)).ToJsonString();
    }

    internal static uint Fnv1a32(ReadOnlySpan<byte> data, uint hash = FnvOffsetBasis)
    {
        foreach (var b in data)
        {
            hash ^= b;
            hash = unchecked(hash * FnvPrime);
        }

        return hash;
    }

    internal static string SafeEncode(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++) span[i] = Names.Alphabet[source[i] % Names.Alphabet.Length];
    });

    /// <summary>A copy with object members in ordinal key order at every depth; array order is meaningful and kept.</summary>
    private static JsonNode Sorted(JsonNode node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .OrderBy(member => member.Key, StringComparer.Ordinal)
            .Select(member => KeyValuePair.Create(member.Key, member.Value is null ? null : Sorted(member.Value)))),
        JsonArray array => new JsonArray(array.Select(item => item is null ? null : Sorted(item)).ToArray()),
        _ => node.DeepClone(),
    };
}
