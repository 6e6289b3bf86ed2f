namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>Generated object names, as Kubernetes makes them (a prefix and five characters that read well).</summary>
public static class Names
{
    /// <summary>Kubernetes' safe-encoding alphabet: no vowels (no words) and no look-alike characters.</summary>
    public const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string RandomSuffix(int length = 5) => string.Create(length, 0, (span, _) =>
    {
        for (var i = 0; i < span.Length; i++) span[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
    });
}
