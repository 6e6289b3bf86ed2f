using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// Every field of a kind's record, each set to a plain value, as the API would serialise it: the paths the
/// fuzzer puts wrong types and nulls at, known without a schema written by hand. Built once per type by
/// reflection (records with init-only properties) and written with the product's own JSON options, so field
/// names and converters are the wire's.
/// </summary>
public static class ManifestSkeleton
{
    /// <summary>Deep enough for every record of the model; a self-referencing type stops here.</summary>
    private const int MaxDepth = 12;

    private static readonly Dictionary<Type, string> Cache = new();

    public static JsonObject For(Type type)
    {
        string json;
        lock (Cache)
        {
            if (!Cache.TryGetValue(type, out json!))
                Cache[type] = json = JsonSerializer.Serialize(Build(type, 0), type, KubeJson.Options);
        }
        return JsonNode.Parse(json)!.AsObject();
    }

    private static object? Build(Type type, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string)) return "x1";
        if (underlying == typeof(int)) return 1;
        if (underlying == typeof(long)) return 1L;
        if (underlying == typeof(double)) return 1.0;
        if (underlying == typeof(bool)) return true;
        if (underlying == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        if (underlying == typeof(byte[])) return new byte[] { 1, 2, 3 };
        if (underlying == typeof(IntOrString)) return IntOrString.FromInt(1);
        if (underlying.IsEnum) return Enum.GetValues(underlying).GetValue(0);
        if (depth >= MaxDepth) return null;

        if (underlying.IsGenericType && underlying.GetGenericArguments() is [var keyType, var valueType]
            && typeof(IEnumerable).IsAssignableFrom(underlying) && keyType == typeof(string))
        {
            var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(keyType, valueType))!;
            // "1" is both a word and a quantity, so maps of quantities (resources, capacity) stay readable.
            map["k1"] = valueType == typeof(string) ? "1" : Build(valueType, depth + 1);
            return map;
        }
        if (underlying.IsGenericType && underlying.GetGenericArguments() is [var itemType] && typeof(IEnumerable).IsAssignableFrom(underlying))
        {
            var list = Array.CreateInstance(itemType, 1);
            list.SetValue(Build(itemType, depth + 1), 0);
            return list;
        }
        if (underlying.IsAbstract || underlying.GetConstructor(Type.EmptyTypes) is null) return null;

        var instance = Activator.CreateInstance(underlying)!;
        foreach (var property in underlying.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null || property.GetIndexParameters().Length > 0) continue;
            try
            {
                var value = Build(property.PropertyType, depth + 1);
                if (value is not null) property.SetValue(instance, value);
            }
            catch (ArgumentException)
            {
                // A property whose type this builder does not know stays at its default.
            }
        }
        return instance;
    }
}
