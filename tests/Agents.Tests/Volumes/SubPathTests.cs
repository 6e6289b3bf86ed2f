using OrleansOrchestrator.Agents.Pods;

namespace OrleansOrchestrator.Agents.Tests.Volumes;

/// <summary>A container's <c>subPath</c> stays inside its volume's folder, whatever a pod made in the volume.</summary>
public sealed class SubPathTests : IDisposable
{
    private readonly string volume = Directory.CreateTempSubdirectory("sub-path-test-").FullName;

    public void Dispose() => Directory.Delete(volume, recursive: true);

    [Fact]
    public void A_relative_sub_path_is_a_folder_inside_the_volume()
    {
        Assert.Equal(Path.Combine(volume, "mysql/data"), PodVolumes.SubPathIn(volume, "mysql/data"));

        // A link that stays inside the volume is the pod's own business.
        Directory.CreateDirectory(Path.Combine(volume, "real"));
        Directory.CreateSymbolicLink(Path.Combine(volume, "alias"), Path.Combine(volume, "real"));
        Assert.Equal(Path.Combine(volume, "alias/x"), PodVolumes.SubPathIn(volume, "alias/x"));
    }

    [Theory]
    [InlineData("/etc", "error SubPath `/etc` must not be an absolute path")]
    [InlineData("../../etc", "unable to provision SubPath `../../etc`: must not contain '..'")]
    [InlineData("data/../../etc", "unable to provision SubPath `data/../../etc`: must not contain '..'")]
    public void A_sub_path_leading_out_of_the_volume_is_refused(string subPath, string message) =>
        Assert.Equal(message, Assert.Throws<ContainerConfigException>(() => PodVolumes.SubPathIn(volume, subPath)).Message);

    [Fact]
    public void A_link_a_pod_made_to_outside_its_volume_or_to_nowhere_is_refused()
    {
        Directory.CreateSymbolicLink(Path.Combine(volume, "escape"), "/etc");
        File.CreateSymbolicLink(Path.Combine(volume, "dangling"), "/nonexistent/folder");

        Assert.Equal($"subpath \"{volume}/escape\" not within volume path \"{volume}\"",
            Assert.Throws<ContainerConfigException>(() => PodVolumes.SubPathIn(volume, "escape/ssl")).Message);
        Assert.Equal($"subpath \"{volume}/dangling\" not within volume path \"{volume}\"",
            Assert.Throws<ContainerConfigException>(() => PodVolumes.SubPathIn(volume, "dangling")).Message);
        Assert.False(Directory.Exists("/nonexistent/folder"));
    }
}
