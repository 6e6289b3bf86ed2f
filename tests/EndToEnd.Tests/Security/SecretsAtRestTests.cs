using System.Diagnostics;
using System.Text;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Security;

/// <summary>
/// Secrets are encrypted at rest: what kubectl 1.32 stores is not in the store's bytes (the SQLite file and its WAL,
/// a PostgreSQL dump), reads back through the API, survives a key rotation with the old key removed, and a store
/// whose key is wrong or missing says so instead of serving or making up anything.
/// </summary>
public sealed class SecretsAtRestTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static string Manifest(string value) => $$"""
        apiVersion: v1
        kind: Secret
        metadata: {name: applied}
        stringData: {token: "{{value}}"}
        """;

    [Fact]
    public async Task SqliteStore_HoldsNoSecretValue_ReadsThemBack_AndRotatesKeys()
    {
        var created = Unique("created");
        var applied = Unique("applied");
        var visible = Unique("configmap");
        await using var silo = new SiloProcess();
        await silo.Start();
        var kubectl = new Kubectl("1.32", silo.KubeconfigPath);
        await kubectl.Ok($"create secret generic db --from-literal=password={created}");
        // apply keeps the whole manifest, stringData included, in an annotation of the Secret: sealed with it.
        await kubectl.Ok("apply -f -", Manifest(applied));
        await kubectl.Ok($"create configmap settings --from-literal=mode={visible}");

        var keyFile = Path.Combine(silo.CredentialsPath, "encryption-keys");
        var firstKeyLine = File.ReadAllLines(keyFile).Single(l => l.Length > 0 && !l.StartsWith('#'));
        var firstKey = firstKeyLine[..firstKeyLine.IndexOf(':')];
        var files = Directory.EnumerateFiles(silo.DataDir, "store.db*").ToList();
        Assert.Contains(files, f => f.EndsWith("-wal", StringComparison.Ordinal));
        // The search finds what is stored in the clear (a ConfigMap's value), and no Secret value, in the file or its WAL.
        Assert.True(Contains(files, visible), "the raw search should find a ConfigMap's value");
        Assert.False(Contains(files, created), "a created Secret's value is readable in the store's files");
        Assert.False(Contains(files, applied), "an applied Secret's value is readable in the store's files");
        Assert.True(Contains(files, $"k8s:enc:aesgcm:v1:{firstKey}:"));

        var yaml = await kubectl.Ok("get secret db -o yaml");
        Assert.Contains($"password: {Base64(created)}", yaml);
        Assert.Equal(applied, Decode(await kubectl.Ok("get secret applied -o jsonpath='{.data.token}'")));

        // Rotation: a new key first, the silo restarted on it, every Secret rewritten, the old key removed, restarted.
        await silo.Stop();
        File.WriteAllText(keyFile, $"key2:{Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}\n{firstKeyLine}\n");
        await silo.Start();
        Assert.Equal(created, Decode(await kubectl.Ok("get secret db -o jsonpath='{.data.password}'")));
        var rewrite = await RunSilo("--data-dir", silo.DataDir, "--rewrite-secrets");
        Assert.True(rewrite.ExitCode == 0, rewrite.Output);
        Assert.Contains("Rewrote 2 of 2 Secret(s) under key \"key2\"", rewrite.Output);
        await silo.Stop();
        File.WriteAllLines(keyFile, File.ReadAllLines(keyFile).Where(l => l != firstKeyLine));
        await silo.Start();
        Assert.Equal(created, Decode(await kubectl.Ok("get secret db -o jsonpath='{.data.password}'")));
        Assert.Equal(applied, Decode(await kubectl.Ok("get secret applied -o jsonpath='{.data.token}'")));
        Assert.Contains("secret/applied", await kubectl.Ok("get secrets -o name"));

        // A key of the right name but the wrong bytes: a Status saying the Secret cannot be decrypted, no trace.
        var rightKey = File.ReadAllText(keyFile);
        await silo.Stop();
        File.WriteAllText(keyFile, $"key2:{Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}\n");
        await silo.Start();
        var refused = await kubectl.Run("get secret db");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Error from server (InternalError): Internal error occurred: unable to decrypt Secret \"default/db\": it does not authenticate under key \"key2\"", refused.Stderr);
        Assert.DoesNotContain(" at ", refused.Stderr);
        var list = await kubectl.Run("get secrets");
        Assert.Contains("unable to decrypt Secret \"default/", list.Stderr);
        Assert.Equal(visible, await kubectl.Ok("get configmap settings -o jsonpath='{.data.mode}'"));

        // The key file gone: the silo does not make a new key over Secrets it could not read; it refuses to start.
        await silo.Stop();
        File.Delete(keyFile);
        var start = await Assert.ThrowsAsync<InvalidOperationException>(() => silo.Start());
        Assert.Contains("The store holds 2 encrypted Secret(s) but the encryption key file", start.Message);
        Assert.False(File.Exists(keyFile));

        // Given back, everything reads again.
        File.WriteAllText(keyFile, rightKey);
        await silo.Start();
        Assert.Equal(created, Decode(await kubectl.Ok("get secret db -o jsonpath='{.data.password}'")));
    }

    [Fact]
    public async Task PostgreSqlStore_DumpShowsNoSecretValue_AndRewriteWorksThere()
    {
        await postgres.CreateDatabase("secrets_at_rest");
        var keys = Directory.CreateTempSubdirectory("oo-keys-").FullName;
        try
        {
            var keyFile = Path.Combine(keys, "shared-keys");
            File.WriteAllText(keyFile, $"key1:{Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}\n");
            var connection = postgres.ConnectionString("secrets_at_rest");
            await using var silo = new SiloProcess(postgres: connection, extraArgs: ["--encryption-key-file", keyFile]);
            await silo.Start();
            var kubectl = new Kubectl("1.32", silo.KubeconfigPath);
            var created = Unique("pg-created");
            var visible = Unique("pg-configmap");
            await kubectl.Ok($"create secret generic db --from-literal=password={created}");
            await kubectl.Ok($"create configmap settings --from-literal=mode={visible}");

            // pg_dump writes bytea in hex: search for the value both as text and as hex.
            var dump = await postgres.Dump("secrets_at_rest");
            Assert.True(DumpContains(dump, visible), "the dump search should find a ConfigMap's value");
            Assert.False(DumpContains(dump, created), "a Secret's value is readable in a PostgreSQL dump");
            Assert.True(DumpContains(dump, "k8s:enc:aesgcm:v1:key1:"));
            Assert.Equal(created, Decode(await kubectl.Ok("get secret db -o jsonpath='{.data.password}'")));

            // Rotation on the shared database, while the silo runs.
            File.WriteAllText(keyFile, $"key2:{Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}\n" + File.ReadAllText(keyFile));
            var rewrite = await RunSilo("--data-dir", silo.DataDir, "--postgres", connection, "--encryption-key-file", keyFile, "--rewrite-secrets");
            Assert.True(rewrite.ExitCode == 0, rewrite.Output);
            Assert.Contains("Rewrote 1 of 1 Secret(s) under key \"key2\"", rewrite.Output);
            dump = await postgres.Dump("secrets_at_rest");
            Assert.True(DumpContains(dump, "k8s:enc:aesgcm:v1:key2:"));
            Assert.False(DumpContains(dump, created));

            await silo.Stop();
            File.WriteAllLines(keyFile, File.ReadAllLines(keyFile).Where(l => !l.StartsWith("key1:", StringComparison.Ordinal)));
            await silo.Start();
            Assert.Equal(created, Decode(await kubectl.Ok("get secret db -o jsonpath='{.data.password}'")));
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    private static string Unique(string what) => $"{what}-{Guid.NewGuid():N}";

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Decode(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));

    /// <summary>As <c>strings FILE | grep VALUE</c> would find it: the value's bytes anywhere in any of the files.</summary>
    private static bool Contains(IEnumerable<string> files, string value)
    {
        var needle = Encoding.UTF8.GetBytes(value);
        return files.Any(f => ReadShared(f).AsSpan().IndexOf(needle) >= 0);
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool DumpContains(string dump, string value) =>
        dump.Contains(value, StringComparison.Ordinal) || dump.Contains(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(value)), StringComparison.Ordinal);

    /// <summary>The silo's executable run as a command (not a server): its exit code and everything it printed.</summary>
    private static async Task<(int ExitCode, string Output)> RunSilo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(RepoPaths.SiloDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the silo command {string.Join(' ', args)} did not finish: {await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
