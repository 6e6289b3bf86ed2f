using System.Globalization;

namespace OrleansOrchestrator.Agents.Networking.Dns;

/// <summary>
/// The node's cluster DNS port, chosen once and kept in the agent's data folder: the proxy's DNAT rules, which
/// outlive the agent, point at it, so a restarted agent must listen where they send (a new port would leave pods
/// without DNS until the first full rule sync).
/// </summary>
public static class DnsPortFile
{
    public static int LoadOrChoose(string path, Func<int> choose)
    {
        if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kept) && kept is > 0 and < 65536)
            return kept;
        var port = choose();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, port.ToString(CultureInfo.InvariantCulture));
        return port;
    }
}
