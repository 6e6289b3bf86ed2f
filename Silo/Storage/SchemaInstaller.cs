using System.Reflection;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>Applies the schema scripts shipped with the silo. Every script is idempotent, so this runs at each start.</summary>
public static class SchemaInstaller
{
    public static async Task Apply(StorageBackend backend, CancellationToken cancellationToken = default)
    {
        await using var connection = await backend.DataSource.OpenConnectionAsync(cancellationToken);
        foreach (var script in backend.SchemaScripts)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Read(script);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await backend.Prepare(connection, cancellationToken);
    }

    private static string Read(string script)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + script, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
