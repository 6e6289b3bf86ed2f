namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>Generated object names, as Kubernetes makes them (a prefix and five characters that read well).</summary>
public static class Names
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string RandomSuffix(int length = 5) => string.Create(length, 0, (span, _) =>
    {
        for (var i = 0; i < span.Length; i++) span[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
    });
}
