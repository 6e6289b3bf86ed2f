namespace OrleansOrchestrator.Agents.Networking.Proxy;

/// <summary>
/// Which agents on this host still look after their iptables chains. Every running proxy renews a lease — a file
/// named by its chain prefix whose modification time it touches every few seconds — in one folder shared by all
/// agents of the host. An agent that was killed, or stopped and never came back, leaves its rules behind on
/// purpose (traffic keeps flowing while it restarts); once its lease is older than <see cref="AbandonedAfter"/>
/// another agent's proxy removes them, so that a host does not collect dead agents' rules that every packet
/// still has to pass. A chain set without a lease file (an agent from before leases, or a folder emptied by hand) is
/// given one dated when it is first seen: it too goes only after <see cref="AbandonedAfter"/> without a renewal, and a
/// live agent whose lease went missing renews it long before. The folder lives under <c>/run</c>, which, like the
/// rules, is gone after a reboot.
/// </summary>
public sealed class ProxyLeases(string directory, TimeProvider time)
{
    public const string DefaultDirectory = "/run/orleans-orchestrator/proxy-leases";

    /// <summary>
    /// Kubernetes' default toleration of an unreachable node: by then the control plane has moved the pods of a
    /// silent agent's node elsewhere, so its rules lead nowhere that still matters, and an agent's restart takes
    /// seconds.
    /// </summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(5);

    public static ProxyLeases Host { get; } = new(DefaultDirectory, TimeProvider.System);

    public string Directory { get; } = directory;

    /// <summary>Says that the agent owning <paramref name="chains"/> is alive now.</summary>
    public void Renew(ProxyChainNames chains) => Renew(chains.Prefix);

    private void Renew(string prefix)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(prefix);
        if (!File.Exists(path)) File.WriteAllText(path, "");
        File.SetLastWriteTimeUtc(path, time.GetUtcNow().UtcDateTime);
    }

    /// <summary>
    /// Of <paramref name="prefixes"/> (other agents' chain prefixes seen in the kernel), those nobody renewed within
    /// <see cref="AbandonedAfter"/>; one seen for the first time without a lease gets one, dated now.
    /// </summary>
    public IReadOnlyList<string> Abandoned(IEnumerable<string> prefixes)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var abandoned = new List<string>();
        foreach (var prefix in prefixes)
        {
            var renewed = RenewedAt(prefix);
            if (renewed is null) Renew(prefix);
            else if (now - renewed > AbandonedAfter) abandoned.Add(prefix);
        }
        return abandoned;
    }

    /// <summary>When the agent with chains <paramref name="prefix"/> last said it was alive; null: it has no lease.</summary>
    public DateTime? RenewedAt(string prefix)
    {
        var path = PathOf(prefix);
        return File.Exists(path) ? File.GetLastWriteTimeUtc(path) : null;
    }

    /// <summary>Forgets the lease of an agent whose rules are gone (none is fine).</summary>
    public void Release(string prefix)
    {
        try
        {
            File.Delete(PathOf(prefix));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private string PathOf(string prefix) => Path.Combine(Directory, prefix.TrimEnd('-'));
}
