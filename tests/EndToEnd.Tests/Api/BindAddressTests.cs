using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Api;

/// <summary><c>--bind-address</c> puts the API and the dashboard on another address; the kubeconfig follows it.</summary>
public sealed class BindAddressTests
{
    [Fact]
    public async Task EveryAddress_KubeconfigNamesLoopback_ApiAndDashboardAnswerOnAnotherAddressToo()
    {
        await using var silo = new SiloProcess(extraArgs: ["--bind-address", "0.0.0.0"]);
        await silo.Start();

        Assert.Contains($"server: https://127.0.0.1:{silo.ApiPort}", await File.ReadAllTextAsync(silo.KubeconfigPath));
        Assert.Contains("default", await new Kubectl("1.32", silo.KubeconfigPath).Ok("get namespaces -o name"));
        if (OtherLocalAddress() is { } other)
        {
            Assert.True(await Accepts(other, silo.ApiPort), $"API not reachable on {other}");
            Assert.True(await Accepts(other, silo.DashboardPort), $"dashboard not reachable on {other}");
        }
    }

    [Fact]
    public async Task OneAddress_OnlyThere_KubeconfigAndCertificateNameIt()
    {
        // Docker's bridge gives every machine these tests run on one.
        var address = OtherLocalAddress();
        Assert.True(address is not null, "this machine has no IPv4 address besides loopback");
        await using var silo = new SiloProcess(extraArgs: ["--bind-address", address!.ToString()]);
        await silo.Start();

        Assert.Contains($"server: https://{address}:{silo.ApiPort}", await File.ReadAllTextAsync(silo.KubeconfigPath));
        // kubectl verifies the generated certificate against the address it connects to.
        Assert.Contains("default", await new Kubectl("1.32", silo.KubeconfigPath).Ok("get namespaces -o name"));
        Assert.False(await Accepts(IPAddress.Loopback, silo.ApiPort));
        Assert.False(await Accepts(IPAddress.Loopback, silo.DashboardPort));
        Assert.Contains($"http://{address}:{silo.DashboardPort}", silo.Output);
    }

    /// <summary>
    /// An IPv4 address of this machine other than loopback, or null. Linux accepts a local address whether its
    /// interface is up or not (a Docker bridge without containers is down), and delivers to it locally.
    /// </summary>
    private static IPAddress? OtherLocalAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    private static async Task<bool> Accepts(IPAddress address, int port)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(address, port).WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
