// Every few seconds: configure a client from the pod's service account files, list the pods of the pod's own
// namespace and of another one, and print one line a test can read from the pod's log:
//   token=<first 12 hex of the token's SHA-256> own=<status> other=<status>
// A new configuration each time, so that a renewed token file is what the next requests carry.
using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;

var other = args.Length > 0 ? args[0] : "kube-system";
var interval = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2);
const string Folder = "/var/run/secrets/kubernetes.io/serviceaccount";

while (true)
{
    var token = File.ReadAllText(Path.Combine(Folder, "token"));
    var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..12];
    string own, foreign;
    try
    {
        using var client = new Kubernetes(KubernetesClientConfiguration.InClusterConfig());
        var ns = File.ReadAllText(Path.Combine(Folder, "namespace"));
        own = await Status(() => client.CoreV1.ListNamespacedPodAsync(ns));
        foreign = await Status(() => client.CoreV1.ListNamespacedPodAsync(other));
    }
    catch (Exception e)
    {
        own = foreign = $"error:{e.GetType().Name}:{e.Message.ReplaceLineEndings(" ")}";
    }
    Console.WriteLine($"token={fingerprint} own={own} other={foreign}");
    await Task.Delay(interval);
}

static async Task<string> Status(Func<Task> call)
{
    try
    {
        await call();
        return "200";
    }
    catch (HttpOperationException e)
    {
        return ((int)e.Response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
    catch (HttpRequestException e)
    {
        return $"error:{e.StatusCode ?? HttpStatusCode.ServiceUnavailable}:{e.Message.ReplaceLineEndings(" ")}";
    }
}
