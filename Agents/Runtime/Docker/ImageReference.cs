namespace OrleansOrchestrator.Agents.Runtime.Docker;

/// <summary>Splits an image reference the way the engine's pull and import endpoints want it: repository and tag (or digest) apart.</summary>
internal static class ImageReference
{
    /// <summary>
    /// <c>registry:5000/team/app:1.2</c> → (<c>registry:5000/team/app</c>, <c>1.2</c>); <c>app@sha256:…</c> → (<c>app</c>, <c>sha256:…</c>);
    /// no tag → <c>latest</c>. The tag must be explicit: an empty tag on a pull asks the engine for every tag of the repository.
    /// </summary>
    public static (string Repository, string TagOrDigest) Split(string image)
    {
        var at = image.IndexOf('@');
        if (at >= 0)
        {
            return (WithoutTag(image[..at]).Repository, image[(at + 1)..]);
        }

        var (repository, tag) = WithoutTag(image);
        return (repository, tag ?? "latest");
    }

    /// <summary>What Kubernetes defaults an empty pull policy to: Always for <c>:latest</c> or no tag, else IfNotPresent.</summary>
    public static bool IsLatest(string image) =>
        !image.Contains('@') && WithoutTag(image).Tag is null or "latest";

    private static (string Repository, string? Tag) WithoutTag(string name)
    {
        // A colon before the last slash belongs to a registry host:port, not to a tag.
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? (name[..colon], name[(colon + 1)..]) : (name, null);
    }
}
