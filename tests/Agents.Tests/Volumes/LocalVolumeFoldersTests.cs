using OrleansOrchestrator.Agents.Volumes;

namespace OrleansOrchestrator.Agents.Tests.Volumes;

/// <summary>Which folders a <c>local</c> PersistentVolume of a tenant may name on a node.</summary>
public sealed class LocalVolumeFoldersTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("local-volume-folders-test-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData("acme/pvc-1")]
    [InlineData("acme/pvc-1/")]
    [InlineData("acme/admin-made/inner")]
    [InlineData("acme/x/../pvc-1")]
    public void A_folder_below_the_tenants_own_folder_may_be_mounted(string relative) =>
        Assert.Null(LocalVolumeFolders.Refusal($"{root}/{relative}", root, "acme"));

    [Theory]
    [InlineData("acme", "outside")]
    [InlineData("acme/", "outside")]
    [InlineData("other/pvc-1", "outside")]
    [InlineData("acme/../other/pvc-1", "outside")]
    [InlineData("acme-x/pvc-1", "outside")]
    [InlineData("", "outside")]
    public void A_folder_outside_the_tenants_own_folder_is_refused(string relative, string why) =>
        Assert.Contains(why, LocalVolumeFolders.Refusal($"{root}/{relative}", root, "acme"));

    [Fact]
    public void Folders_elsewhere_on_the_host_and_relative_paths_are_refused()
    {
        Assert.Contains("outside", LocalVolumeFolders.Refusal("/etc", root, "acme"));
        Assert.Contains("outside", LocalVolumeFolders.Refusal($"{root}/acme/../../../etc", root, "acme"));
        Assert.Equal("local path \"acme/pvc-1\" is not absolute", LocalVolumeFolders.Refusal("acme/pvc-1", root, "acme"));
    }

    [Fact]
    public void A_path_through_a_symbolic_link_is_refused()
    {
        // A pod could make a link inside its own volume; a volume naming a path through it would reach anywhere.
        Directory.CreateDirectory($"{root}/acme/pvc-1");
        Directory.CreateSymbolicLink($"{root}/acme/pvc-1/escape", "/etc");

        Assert.Equal($"local path \"{root}/acme/pvc-1/escape\" goes through the symbolic link {root}/acme/pvc-1/escape",
            LocalVolumeFolders.Refusal($"{root}/acme/pvc-1/escape", root, "acme"));
        Assert.Contains("symbolic link", LocalVolumeFolders.Refusal($"{root}/acme/pvc-1/escape/ssl", root, "acme"));
    }
}
