using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Hosting;

/// <summary>README's first commands, verbatim where a test can: the data goes where README says it goes.</summary>
public sealed class ReadmeCommandTests
{
    [Fact]
    public async Task DotnetRunProjectSilo_FromAFolder_WritesKubeconfigUnderThatFoldersData()
    {
        // README: `dotnet run --project Silo`, then `export KUBECONFIG=$PWD/data/kubeconfig` — the data folder is
        // ./data of where the command runs, not of the project. (From a folder of our own, with --project naming
        // the silo's: a run from the repository root would leave data in the checkout.)
        var folder = Directory.CreateTempSubdirectory("oo-readme-").FullName;
        try
        {
            await using var silo = SiloProcess.AsReadmeRunsIt(folder);
            await silo.Start(TimeSpan.FromMinutes(2));

            var kubeconfig = Path.Combine(folder, "data", "kubeconfig");
            Assert.True(File.Exists(kubeconfig), $"no {kubeconfig}; the silo said:\n{silo.Output}");
            Assert.Contains($"export KUBECONFIG={kubeconfig}", silo.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
