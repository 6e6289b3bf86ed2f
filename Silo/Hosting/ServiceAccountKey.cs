using System.Security.Cryptography;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// The key service account tokens are signed with (ECDSA P-256, PKCS#8 PEM): made once, owner-only, in the credentials folder
/// (or the file <c>--service-account-key-file</c> names). Silos sharing a PostgreSQL database must share the file, as
/// they share the encryption keys, so that a token one silo issued is accepted by the others.
/// </summary>
public static class ServiceAccountKey
{
    public const string DefaultName = "service-account.key";

    public static ECDsa LoadOrCreate(string path)
    {
        var key = ECDsa.Create();
        if (File.Exists(path))
        {
            // A mounted secret is read-only; its mode is the mount's to set.
            try { OwnerOnlyFile.Tighten(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256) throw new InvalidOperationException($"{path}: the service account key must be an ECDSA P-256 key");
            return key;
        }
        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        OwnerOnlyFile.Write(path, key.ExportPkcs8PrivateKeyPem());
        return key;
    }
}
