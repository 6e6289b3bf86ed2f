using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Silo.Api.OpenApi;

/// <summary>
/// OpenAPI v3 component schemas of every kind, generated from the serializer's own contract for the model
/// records (<see cref="KubeJson.Options"/>), so the model stays the one source of truth for field names and
/// types, and from their doc comments for descriptions. <c>kubectl explain</c> finds a kind's schema by its
/// <c>x-kubernetes-group-version-kind</c> and follows the <c>$ref</c>s; schemas are named as Kubernetes names
/// them (<c>io.k8s.api.core.v1.PodSpec</c>) because kubectl prints the last part as the field's type.
/// </summary>
public sealed class OpenApiSchemas
{
    private const string RefPrefix = "#/components/schemas/";
    private const string MetaPackage = "io.k8s.apimachinery.pkg.apis.meta.v1";
    private const string CorePackage = "io.k8s.api.core.v1";
    private const string QuantityName = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    private const string IntOrStringName = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

    /// <summary>Shared types Kubernetes keeps outside the group of the kinds that use them.</summary>
    private static readonly Dictionary<Type, string> FixedPackages = new()
    {
        [typeof(ObjectMeta)] = MetaPackage,
        [typeof(OwnerReference)] = MetaPackage,
        [typeof(LabelSelector)] = MetaPackage,
        [typeof(LabelSelectorRequirement)] = MetaPackage,
        [typeof(Condition)] = MetaPackage,
        [typeof(PodTemplateSpec)] = CorePackage,
    };

    /// <summary>Where Kubernetes spells an acronym in capitals and C# style does not.</summary>
    private static readonly Dictionary<Type, string> KubernetesNames = new()
    {
        [typeof(HttpGetAction)] = "HTTPGetAction",
        [typeof(HttpHeader)] = "HTTPHeader",
        [typeof(TcpSocketAction)] = "TCPSocketAction",
        [typeof(GrpcAction)] = "GRPCAction",
        // discovery/v1 names its types like core/v1's; ours differ in C#, where both live in one namespace.
        [typeof(SliceEndpoint)] = "Endpoint",
        [typeof(EndpointSlicePort)] = "EndpointPort",
    };

    private readonly ModelDocumentation _documentation;
    private readonly Dictionary<Type, ResourceKind> _roots;
    private readonly Dictionary<Type, string> _names = [];
    private readonly Dictionary<string, JsonObject> _schemas = new(StringComparer.Ordinal);

    /// <summary>Builds the schemas of <paramref name="kinds"/> and of every type they reach; throws on a field type it cannot describe.</summary>
    public OpenApiSchemas(IEnumerable<ResourceKind> kinds, ModelDocumentation documentation)
    {
        _documentation = documentation;
        var ordered = kinds.ToList();
        _roots = ordered.ToDictionary(k => k.ClrType);
        // A shared type takes the package of the first kind that reaches it, core kinds first (PodSpec is core/v1).
        foreach (var kind in ordered.OrderBy(k => k.Group.Length == 0 ? 0 : 1)) ObjectRef(kind.ClrType, Package(kind));
        _schemas[QuantityName] = new JsonObject
        {
            ["description"] = "An amount of a resource, written as a string or a number: plain (\"2\", \"0.5\"), with a decimal suffix (\"250m\" for 0.25, \"1G\") or a binary one (\"128Mi\", \"1Gi\").",
            ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "number" }),
        };
        _schemas[IntOrStringName] = new JsonObject
        {
            ["description"] = _documentation.Of(typeof(IntOrString)) ?? "An integer or a string.",
            ["format"] = "int-or-string",
            ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
            ["x-kubernetes-int-or-string"] = true,
        };
    }

    /// <summary>Every generated schema by name.</summary>
    public IReadOnlyDictionary<string, JsonObject> All => _schemas;

    /// <summary>The schema name of a model record, e.g. <c>io.k8s.api.core.v1.Pod</c>.</summary>
    public string NameOf(Type type) => _names[type];

    /// <summary>
    /// A document's <c>components.schemas</c>: the schemas of <paramref name="kinds"/> and all they refer to,
    /// as Kubernetes serves each group-version with only the definitions it needs.
    /// </summary>
    public JsonObject ComponentsFor(IEnumerable<ResourceKind> kinds)
    {
        var needed = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(kinds.Select(k => _names[k.ClrType]));
        while (pending.TryPop(out var name))
        {
            if (!needed.Add(name)) continue;
            foreach (var reference in References(_schemas[name])) pending.Push(reference);
        }
        return new JsonObject(needed.Select(n => KeyValuePair.Create(n, (JsonNode?)_schemas[n].DeepClone())));
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => p.Key == "$ref" ? [((string)p.Value!)[RefPrefix.Length..]] : References(p.Value)),
        JsonArray array => array.SelectMany(References),
        _ => [],
    };

    private static string Package(ResourceKind kind) =>
        $"io.k8s.api.{(kind.Group.Length == 0 ? "core" : kind.Group.Split('.')[0])}.{kind.Version}";

    private static JsonObject Ref(string name) => new() { ["$ref"] = RefPrefix + name };

    /// <summary>A <c>$ref</c> to the record's schema, building that schema (and what it reaches) on first use.</summary>
    private JsonObject ObjectRef(Type type, string package)
    {
        if (_names.TryGetValue(type, out var known)) return Ref(known);
        var name = $"{(FixedPackages.TryGetValue(type, out var fixedPackage) ? fixedPackage : package)}.{KubernetesNames.GetValueOrDefault(type, type.Name)}";
        _names[type] = name;
        var schema = new JsonObject();
        _schemas[name] = schema;   // before the properties: a record may reach itself

        if (_documentation.Of(type) is { } description) schema["description"] = description;
        schema["type"] = "object";
        var properties = new JsonObject();
        var required = new JsonArray();
        var kind = _roots.GetValueOrDefault(type);
        foreach (var property in KubeJson.Options.GetTypeInfo(type).Properties.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var member = (PropertyInfo)property.AttributeProvider!;
            // The converter named on the member, not JsonPropertyInfo.CustomConverter: that one may be a wrapper (nullable values).
            var converter = member.GetCustomAttribute<JsonConverterAttribute>()?.ConverterType;
            var field = Described(ValueSchema(property.PropertyType, converter, package), _documentation.Of(member, property.Name));
            properties[property.Name] = field;
            if (IsRequired(property, kind)) required.Add(property.Name);
        }
        schema["properties"] = properties;
        if (required.Count > 0) schema["required"] = required;
        if (kind is not null)
            schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = kind.Group, ["kind"] = kind.Kind, ["version"] = kind.Version });
        return Ref(name);
    }

    /// <summary>
    /// A field is required when the model cannot represent it missing (a non-nullable value or reference);
    /// a kind's own <c>metadata</c> and <c>spec</c> are the exception: the model fills them in when absent, and
    /// Kubernetes does not list them as required either.
    /// </summary>
    private static bool IsRequired(JsonPropertyInfo property, ResourceKind? kind) =>
        !property.IsSetNullable && !(kind is not null && property.Name is "metadata" or "spec");

    /// <summary>A field's schema with its description; a <c>$ref</c> goes inside <c>allOf</c> because OpenAPI 3.0 ignores a <c>$ref</c>'s siblings.</summary>
    private static JsonObject Described(JsonObject schema, string description)
    {
        if (schema.ContainsKey("$ref")) schema = new JsonObject { ["allOf"] = new JsonArray(schema) };
        schema["description"] = description;
        return schema;
    }

    private JsonObject ValueSchema(Type type, Type? converter, string package)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (converter == typeof(QuantityJsonConverter)) return Ref(QuantityName);
        if (converter == typeof(QuantityMapJsonConverter)) return new JsonObject { ["type"] = "object", ["additionalProperties"] = Ref(QuantityName) };
        if (converter == typeof(KubeMicroTimeConverter)) return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        if (converter is not null) throw Unsupported($"{type} written by {converter.Name}");

        if (type == typeof(string)) return new JsonObject { ["type"] = "string" };
        if (type == typeof(bool)) return new JsonObject { ["type"] = "boolean" };
        if (type == typeof(int)) return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        if (type == typeof(long)) return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        if (type == typeof(double) || type == typeof(decimal)) return new JsonObject { ["type"] = "number" };
        if (type == typeof(DateTimeOffset)) return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        if (type == typeof(byte[])) return new JsonObject { ["type"] = "string", ["format"] = "byte" };
        if (type == typeof(IntOrString)) return Ref(IntOrStringName);

        var info = KubeJson.Options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => new JsonObject { ["type"] = "array", ["items"] = ValueSchema(info.ElementType!, null, package) },
            JsonTypeInfoKind.Dictionary when info.KeyType == typeof(string) =>
                new JsonObject { ["type"] = "object", ["additionalProperties"] = ValueSchema(info.ElementType!, null, package) },
            JsonTypeInfoKind.Object => ObjectRef(type, package),
            _ => throw Unsupported(type.ToString()),
        };
    }

    private static NotSupportedException Unsupported(string what) =>
        new($"no OpenAPI schema for fields of type {what}: teach {nameof(OpenApiSchemas)} how it is written");
}
