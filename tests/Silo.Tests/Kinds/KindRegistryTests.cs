using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Kinds;
using OrleansOrchestrator.Silo.Kinds.Pods;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Tests.Kinds;

/// <summary>
/// Walks every registered kind: what the registry promises for one kind it must keep for all, so a kind
/// added with a part missing or wrong fails here by name.
/// </summary>
public class KindRegistryTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Kinds => new(KindRegistry.All.Select(s => s.Kind.Resource));

    public static TheoryData<string> KindsWithGeneration => new(KindRegistry.All.Where(s => s.HasGeneration).Select(s => s.Kind.Resource));

    public static TheoryData<string> KindsWithStatus => new(KindRegistry.All.Where(s => s.HasStatus).Select(s => s.Kind.Resource));

    public static TheoryData<string> KindsWithScale => new(KindRegistry.All.Where(s => s.HasScale).Select(s => s.Kind.Resource));

    private static KindStrategy Strategy(string resource) => KindRegistry.For(ResourceKinds.FindByResource(resource)!);

    private static KubeObject Created(string resource) => KindSamples.Created(ResourceKinds.FindByResource(resource)!);

    [Fact]
    public void Registry_AsBuilt_EveryKindRegisteredOnceWithoutProblems()
    {
        Assert.Empty(KindRegistry.ProblemsOf(KindRegistry.All));
        Assert.Equal(ResourceKinds.All.OrderBy(k => k.Resource), KindRegistry.All.Select(s => s.Kind).OrderBy(k => k.Resource));
    }

    [Fact]
    public void ProblemsOf_KindLeftOut_NamesIt()
    {
        var problems = KindRegistry.ProblemsOf(KindRegistry.All.Where(s => s.Kind != ResourceKinds.Job).ToList());

        Assert.Contains("jobs.batch: no strategy registered", problems);
    }

    [Fact]
    public void ProblemsOf_RecordWithSpecButNoSpecPart_RefusedBecauseGenerationWouldNeverMove()
    {
        var problems = KindRegistry.ProblemsOf(With(PodWithout(spec: true)));

        Assert.Contains(problems, p => p.StartsWith("pods:", StringComparison.Ordinal) && p.Contains("generation would never move", StringComparison.Ordinal));
    }

    [Fact]
    public void ProblemsOf_RecordWithStatusButNoStatusPart_RefusedBecauseStatusWritesWouldBeDropped()
    {
        var problems = KindRegistry.ProblemsOf(With(PodWithout(status: true)));

        Assert.Contains(problems, p => p.StartsWith("pods:", StringComparison.Ordinal) && p.Contains("status writes would be dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void ProblemsOf_NoTableColumns_Refused()
    {
        var problems = KindRegistry.ProblemsOf(With(PodWithout(table: true)));

        Assert.Contains("pods: no table columns", problems);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Sample_EveryKind_OneExists(string resource)
    {
        Assert.True(KindSamples.Has(ResourceKinds.FindByResource(resource)!), $"add a sample of {resource} to KindSamples");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Defaults_AppliedTwice_SameAsOnce(string resource)
    {
        var strategy = Strategy(resource);
        var once = strategy.Default(KindSamples.For(strategy.Kind));

        Assert.Equal(Json(once), Json(strategy.Default(once)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Validate_CreatedSample_NoProblems(string resource)
    {
        Assert.Empty(Validation.Validate(Created(resource), Strategy(resource).Kind));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Json_CreatedSample_RoundTrips(string resource)
    {
        var created = Created(resource);

        var back = (KubeObject)JsonSerializer.Deserialize(Json(created), created.GetType(), KubeJson.Options)!;

        Assert.True(ObjectSemantics.SameContent(created, back));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Orleans_CreatedSample_RoundTrips(string resource)
    {
        var serializer = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(KubeObject).Assembly)).BuildServiceProvider().GetRequiredService<Serializer>();
        var created = Created(resource);

        var back = serializer.Deserialize<KubeObject>(serializer.SerializeToArray<KubeObject>(created))!;

        Assert.Equal(created.GetType(), back.GetType());
        Assert.Equal(Json(created), Json(back));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Table_CreatedSample_EveryColumnPrintsWithANameColumn(string resource)
    {
        var strategy = Strategy(resource);
        var created = Created(resource);

        Assert.Contains(strategy.Columns, c => c.Name == "Name");
        Assert.All(strategy.Columns, c => c.Cell(created, Now));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SelectableFields_CreatedSample_EveryFieldReadable(string resource)
    {
        var strategy = Strategy(resource);
        var created = Created(resource);

        Assert.All(strategy.SelectableFields.Append("metadata.name"), f => Assert.NotNull(KindRegistry.FieldValue(created, f)));
        Assert.Equal(created.Metadata.Name, KindRegistry.FieldValue(created, "metadata.name"));
    }

    [Theory]
    [MemberData(nameof(KindsWithGeneration))]
    public void Generation_OnlySpecChanged_Bumped(string resource)
    {
        var stored = Stored(resource);
        var incoming = WithChanged(stored, "Spec");

        var next = ObjectSemantics.PrepareUpdate(stored, incoming, Strategy(resource).Kind, Subresource.Main);

        Assert.Equal(stored.Metadata.Generation + 1, next.Metadata.Generation);
    }

    [Theory]
    [MemberData(nameof(KindsWithGeneration))]
    public void Generation_OnlyLabelsChanged_Kept(string resource)
    {
        var stored = Stored(resource);
        var incoming = stored with { Metadata = stored.Metadata with { Labels = new Dictionary<string, string> { ["changed"] = "yes" } } };

        var next = ObjectSemantics.PrepareUpdate(stored, incoming, Strategy(resource).Kind, Subresource.Main);

        Assert.Equal(stored.Metadata.Generation, next.Metadata.Generation);
    }

    [Theory]
    [MemberData(nameof(KindsWithStatus))]
    public void StatusWrite_NewStatus_KeptAndNothingElse(string resource)
    {
        var stored = Stored(resource);
        var incoming = WithChanged(WithChanged(stored, "Status"), "Spec");

        var next = ObjectSemantics.PrepareUpdate(stored, incoming, Strategy(resource).Kind, Subresource.Status);

        Assert.Equal(Json(Property(incoming, "Status")), Json(Property(next, "Status")));
        Assert.Equal(Json(Property(stored, "Spec")), Json(Property(next, "Spec")));
    }

    [Theory]
    [MemberData(nameof(KindsWithStatus))]
    public void MainWrite_OtherStatus_StoredStatusKept(string resource)
    {
        var stored = WithChanged(Stored(resource), "Status");
        var incoming = WithChanged(Stored(resource), "Spec");

        var next = ObjectSemantics.PrepareUpdate(stored, incoming, Strategy(resource).Kind, Subresource.Main);

        Assert.Equal(Json(Property(stored, "Status")), Json(Property(next, "Status")));
        Assert.Equal(Json(Property(incoming, "Spec")), Json(Property(next, "Spec")));
    }

    [Theory]
    [MemberData(nameof(KindsWithScale))]
    public void Scale_ReplicasSet_ReadBack(string resource)
    {
        var strategy = Strategy(resource);

        var scaled = strategy.WithReplicas(Created(resource), 7);

        Assert.Equal(7, strategy.ScaleOf(scaled).Replicas);
        Assert.NotNull(strategy.ScaleOf(scaled).Selector);
    }

    [Fact]
    public void Owners_KindsThatCreateObjects_WorkloadsAndServices_AndUsersTheirTokens()
    {
        // Pods own the claims a StatefulSet's scale-down condemns (persistentVolumeClaimRetentionPolicy whenScaled: Delete).
        Assert.Equal(["cronjobs.batch", "daemonsets.apps", "deployments.apps", "jobs.batch", "pods", "replicasets.apps", "services", "statefulsets.apps", "users.tenancy.orleans-orchestrator.io"], KindRegistry.Owners.Select(k => k.Resource).Order(StringComparer.Ordinal));
        Assert.Equal(["accesstokens.tenancy.orleans-orchestrator.io", "controllerrevisions.apps", "endpoints", "endpointslices.discovery.k8s.io", "jobs.batch", "persistentvolumeclaims", "pods", "replicasets.apps"], KindRegistry.Dependents.Select(k => k.Resource).Order(StringComparer.Ordinal));
    }

    private static IReadOnlyList<KindStrategy> With(KindStrategy replacement) =>
        KindRegistry.All.Select(s => s.Kind == replacement.Kind ? replacement : s).ToList();

    private static KindStrategy<Pod> PodWithout(bool spec = false, bool status = false, bool table = false)
    {
        var pod = PodStrategy.Strategy;
        return new KindStrategy<Pod>
        {
            Identity = pod.Identity,
            Defaults = pod.Defaults,
            Validation = pod.Validation,
            Table = table ? [] : pod.Table,
            Fields = pod.Fields,
            Spec = spec ? null : pod.Spec,
            Status = status ? null : pod.Status,
            Scale = pod.Scale,
            Owned = pod.Owned,
            ControlLoop = pod.ControlLoop,
        };
    }

    /// <summary>The created sample as the store holds it: a generation and a version.</summary>
    private static KubeObject Stored(string resource)
    {
        var created = Created(resource);
        return created with { Metadata = created.Metadata with { Generation = 3, ResourceVersion = "17" } };
    }

    private static string Json(object? value) => value is null ? "null" : JsonSerializer.Serialize(value, value.GetType(), KubeJson.Options);

    private static object? Property(object obj, string name) => obj.GetType().GetProperty(name)!.GetValue(obj);

    /// <summary>
    /// A copy of <paramref name="obj"/> whose <paramref name="part"/> (Spec or Status) differs in one scalar field,
    /// found by reflection so that every kind is changed the same way without knowing its fields.
    /// </summary>
    private static T WithChanged<T>(T obj, string part) where T : notnull
    {
        var copy = Clone(obj);
        var property = copy.GetType().GetProperty(part)!;
        var value = property.GetValue(copy) is { } current ? Clone(current) : Activator.CreateInstance(property.PropertyType)!;
        ChangeOneScalar(value);
        property.SetValue(copy, value);
        return copy;
    }

    private static void ChangeOneScalar(object record)
    {
        if (!TryChangeOneScalar(record)) throw new InvalidOperationException($"{record.GetType().Name} has no field to change");
    }

    /// <summary>Changes the first string, number, string list or string map of the record, looking into nested records if need be.</summary>
    private static bool TryChangeOneScalar(object record)
    {
        var properties = record.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        foreach (var property in properties)
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var current = property.GetValue(record);
            object? changed = type == typeof(string) ? (string?)current + "-changed"
                : type == typeof(int) ? ((int?)current ?? 0) + 1
                : type == typeof(long) ? ((long?)current ?? 0) + 1
                : type == typeof(IReadOnlyList<string>) ? ((IReadOnlyList<string>?)current ?? []).Append("changed").ToList()
                : type == typeof(IReadOnlyDictionary<string, string>)
                    ? new Dictionary<string, string>((IReadOnlyDictionary<string, string>?)current ?? new Dictionary<string, string>()) { ["changed"] = "1" }
                : null;
            if (changed is null) continue;
            property.SetValue(record, changed);
            return true;
        }
        foreach (var property in properties.Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)))
        {
            var itemType = property.PropertyType.GetGenericArguments()[0];
            if (itemType.Assembly != typeof(KubeObject).Assembly) continue;
            var item = Activator.CreateInstance(itemType)!;
            if (!TryChangeOneScalar(item)) continue;
            var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
            foreach (var existing in (System.Collections.IEnumerable?)property.GetValue(record) ?? Array.Empty<object>()) list.Add(existing);
            list.Add(item);
            property.SetValue(record, list);
            return true;
        }
        foreach (var property in properties.Where(p => p.PropertyType.Assembly == typeof(KubeObject).Assembly && p.PropertyType.IsClass))
        {
            var nested = property.GetValue(record) is { } current ? Clone(current) : Activator.CreateInstance(property.PropertyType)!;
            if (!TryChangeOneScalar(nested)) continue;
            property.SetValue(record, nested);
            return true;
        }
        return false;
    }

    private static T Clone<T>(T value) where T : notnull =>
        (T)JsonSerializer.Deserialize(JsonSerializer.Serialize(value, value.GetType(), KubeJson.Options), value.GetType(), KubeJson.Options)!;
}
