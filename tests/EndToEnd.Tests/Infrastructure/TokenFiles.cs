namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>Users of a test's silo, written to its token file before it starts (the silo keeps an existing file).</summary>
public static class TokenFiles
{
    public const string Admin = "admin-token-0123456789abcdef";
    public const string OtherTenant = "team-b-token-0123456789abcdef";
    public const string Viewer = "viewer-token-0123456789abcdef";

    /// <summary>An administrator and a read-only user of tenant <c>default</c>, and a user of tenant <c>team-b</c>.</summary>
    public static void WriteUsers(SiloProcess silo)
    {
        Directory.CreateDirectory(silo.DataDir);
        File.WriteAllText(silo.TokenFilePath, $"""
            {Admin},alice,default,system:masters
            {OtherTenant},bob,team-b
            {Viewer},victor,default,view
            """);
    }
}
