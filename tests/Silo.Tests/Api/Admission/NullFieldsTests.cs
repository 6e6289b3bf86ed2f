using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Tests.Api.Admission;

public class NullFieldsTests
{
    private static (KubeObject Object, IReadOnlyList<string> Warnings) Admit(JsonNode body, ResourceKind kind) =>
        Silo.Api.Admission.Admission.Admit(body, kind, FieldValidation.Strict);

    /// <summary>A valid object of the kind where we have one (so validation runs deep), else its bare type meta.</summary>
    private static JsonObject Base(ResourceKind kind)
    {
        KubeObject? sample = kind switch
        {
            _ when kind == ResourceKinds.Pod => Samples.Pod(),
            _ when kind == ResourceKinds.Deployment => Samples.Deployment(),
            _ when kind == ResourceKinds.Service => Samples.Service(),
            _ => null,
        };
        var body = sample is null ? new JsonObject() : JsonSerializer.SerializeToNode(sample, sample.GetType(), KubeJson.Options)!.AsObject();
        body["apiVersion"] = kind.ApiVersion;
        body["kind"] = kind.Kind;
        body["metadata"] ??= new JsonObject();
        body["metadata"]!["name"] = "x";
        return body;
    }

    /// <summary>One step from a node to a child: a property, the first element of a list, or the value of key "k".</summary>
    private abstract record Step(JsonTypeInfo Info);

    private sealed record Property(string Name, JsonTypeInfo Info) : Step(Info);

    private sealed record Element(JsonTypeInfo Info) : Step(Info);

    private sealed record MapValue(JsonTypeInfo Info) : Step(Info);

    /// <summary>Every path of the serializer's contract for a type, to a depth where our records end, each type once per path.</summary>
    private static IEnumerable<IReadOnlyList<Step>> Paths(JsonTypeInfo info, List<Step> prefix, HashSet<Type> onPath)
    {
        if (prefix.Count > 14 || !onPath.Add(info.Type)) yield break;
        IEnumerable<Step> children = info.Kind switch
        {
            JsonTypeInfoKind.Object => info.Properties.Select(p => (Step)new Property(p.Name, KubeJson.Options.GetTypeInfo(p.PropertyType))),
            JsonTypeInfoKind.Enumerable => [new Element(KubeJson.Options.GetTypeInfo(info.ElementType!))],
            JsonTypeInfoKind.Dictionary => [new MapValue(KubeJson.Options.GetTypeInfo(info.ElementType!))],
            _ => [],
        };
        foreach (var child in children)
        {
            prefix.Add(child);
            yield return prefix.ToList();
            foreach (var deeper in Paths(child.Info, prefix, onPath)) yield return deeper;
            prefix.RemoveAt(prefix.Count - 1);
        }
        onPath.Remove(info.Type);
    }

    /// <summary>The body with null at the end of <paramref name="path"/>, creating (or reusing) what leads there.</summary>
    private static JsonObject WithNullAt(ResourceKind kind, IReadOnlyList<Step> path)
    {
        var body = Base(kind);
        JsonNode node = body;
        for (var i = 0; i < path.Count; i++)
        {
            var last = i == path.Count - 1;
            var fresh = last ? null : Empty(path[i].Info);
            switch (path[i])
            {
                case Property p:
                    var obj = (JsonObject)node;
                    if (last) obj[p.Name] = null;
                    else
                    {
                        if (obj[p.Name] is not { } existing || !SameShape(existing, fresh!)) obj[p.Name] = fresh;
                        node = obj[p.Name]!;
                    }
                    break;
                case Element:
                    var array = (JsonArray)node;
                    if (last) array.Insert(0, null);
                    else
                    {
                        if (array.Count == 0 || !SameShape(array[0]!, fresh!)) array.Insert(0, fresh);
                        node = array[0]!;
                    }
                    break;
                case MapValue:
                    var map = (JsonObject)node;
                    if (last) map["k"] = null;
                    else
                    {
                        map["k"] = fresh;
                        node = map["k"]!;
                    }
                    break;
            }
        }
        return body;
    }

    private static JsonNode? Empty(JsonTypeInfo info) => info.Kind switch
    {
        JsonTypeInfoKind.Enumerable => new JsonArray(),
        JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => new JsonObject(),
        _ => null,
    };

    private static bool SameShape(JsonNode existing, JsonNode fresh) => existing.GetType() == fresh.GetType();

    private static string Describe(IReadOnlyList<Step> path) => string.Concat(path.Select(s => s switch
    {
        Property p => "." + p.Name,
        Element => "[0]",
        _ => "[k]",
    }));

    [Fact]
    public void Admit_NullAtEveryFieldElementAndMapValueOfEveryKind_OnlyApiExceptions()
    {
        var failures = new List<string>();
        var cases = 0;
        foreach (var kind in ResourceKinds.All)
        {
            foreach (var path in Paths(KubeJson.Options.GetTypeInfo(kind.ClrType), [], []))
            {
                if (path[0] is Property { Name: "apiVersion" or "kind" }) continue;
                cases++;
                var body = WithNullAt(kind, path);
                try
                {
                    var (obj, _) = Admit(body, kind);
                    Silo.Api.Admission.Admission.Validate(obj, kind);
                    KubeJson.Serialize(obj);
                }
                catch (ApiException)
                {
                }
                catch (Exception e)
                {
                    failures.Add($"{kind.Kind}{Describe(path)} = null: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        Assert.True(cases > 500, $"only {cases} paths generated");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} nulls failed with our own errors:\n{string.Join("\n", failures.Take(40))}");
    }

    [Fact]
    public void Admit_NullContainers_IsAbsent_422Required()
    {
        var body = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":null}}""")!;

        var (obj, _) = Admit(body, ResourceKinds.Pod);
        var error = Assert.Throws<ApiException>(() => Silo.Api.Admission.Admission.Validate(obj, ResourceKinds.Pod));

        Assert.Equal(422, error.Code);
        Assert.Contains(error.Details!.Causes!, c => c.Field == "spec.containers" && c.Message!.Contains("Required value", StringComparison.Ordinal));
    }

    [Fact]
    public void Admit_NullContainerInList_IsAnEmptyContainer_422NamingItsFields()
    {
        var body = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[null]}}""")!;

        var (obj, _) = Admit(body, ResourceKinds.Pod);
        var error = Assert.Throws<ApiException>(() => Silo.Api.Admission.Admission.Validate(obj, ResourceKinds.Pod));

        Assert.Contains(error.Details!.Causes!, c => c.Field!.StartsWith("spec.containers[0].", StringComparison.Ordinal));
    }

    [Fact]
    public void Admit_NullMapValue_EmptyString_AsKubernetesStoresIt()
    {
        // "data:\n  empty:\n" in YAML: Kubernetes keeps the key with an empty value.
        var body = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"tier":null}},"data":{"empty":null,"k":"v"}}""")!;

        var (obj, _) = Admit(body, ResourceKinds.ConfigMap);

        var configMap = Assert.IsType<ConfigMap>(obj);
        Assert.Equal("", configMap.Data!["empty"]);
        Assert.Equal("v", configMap.Data["k"]);
        Assert.Equal("", configMap.Metadata.Labels!["tier"]);
    }

    [Fact]
    public void Normalize_NullFields_Removed()
    {
        var body = JsonNode.Parse("""{"metadata":{"name":"p","ownerReferences":null},"status":{"conditions":[{"type":"Ready","lastTransitionTime":null}]}}""")!;

        var refused = NullFields.Normalize(body, typeof(Pod));

        Assert.Empty(refused);
        Assert.False(body["metadata"]!.AsObject().ContainsKey("ownerReferences"));
        Assert.False(body["status"]!["conditions"]![0]!.AsObject().ContainsKey("lastTransitionTime"));
    }

    /// <summary>A list of a type read by a converter of its own, which has no zero value a client could mean.</summary>
    private sealed record Times(IReadOnlyList<DateTimeOffset> At);

    [Fact]
    public void Normalize_NullElementWithoutPlainZero_RefusedNamingIt()
    {
        var body = JsonNode.Parse("""{"at":["2026-01-01T00:00:00Z",null]}""")!;

        var refused = NullFields.Normalize(body, typeof(Times));

        Assert.Equal("at[1]", Assert.Single(refused).Field);
    }
}
