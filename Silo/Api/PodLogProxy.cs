using System.Globalization;
using System.Net.Http.Headers;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// <c>GET …/pods/{name}/log</c>: finds the pod's node and proxies its agent's log endpoint, flushing each
/// chunk as it arrives so that <c>kubectl logs -f</c> shows lines as the container writes them.
/// </summary>
public sealed class PodLogProxy(ResourceService resources, IGrainFactory grains)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };

    public async Task Stream(HttpContext context, Caller caller, string ns, string name)
    {
        var pod = (Pod)await resources.Get(caller, ResourceKinds.Pod, ns, name);
        var query = context.Request.Query;
        var container = query["container"].ToString() is { Length: > 0 } asked ? asked : DefaultContainer(pod);
        if (!pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []).Any(c => c.Name == container))
            throw ApiException.BadRequest($"container {container} is not valid for pod {name}");
        if (pod.Spec.NodeName is not { Length: > 0 } node)
            throw ApiException.BadRequest($"pod {name} does not have a host assigned");
        var endpoint = await grains.GetGrain<INodeGrain>(node).Endpoint()
                       ?? throw new ApiException(503, "ServiceUnavailable", $"the agent of node {node} has not registered an endpoint");

        var url = $"{endpoint.BaseUrl}/containerLogs/{Uri.EscapeDataString(node)}/{pod.Metadata.Uid}/{Uri.EscapeDataString(container)}"
                  + $"?follow={Flag(query["follow"])}&previous={Flag(query["previous"])}"
                  + (int.TryParse(query["tailLines"], NumberStyles.None, CultureInfo.InvariantCulture, out var tail) ? $"&tailLines={tail}" : "");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.Token);
        HttpResponseMessage upstream;
        try
        {
            upstream = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            throw new ApiException(503, "ServiceUnavailable", $"cannot reach the agent of node {node}: {e.Message}");
        }
        using (upstream)
        {
            if (!upstream.IsSuccessStatusCode)
            {
                var why = await upstream.Content.ReadAsStringAsync(context.RequestAborted);
                throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\": {(why.Length > 0 ? why : upstream.ReasonPhrase)}");
            }
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/plain";
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await using var body = await upstream.Content.ReadAsStreamAsync(context.RequestAborted);
            var buffer = new byte[8192];
            int read;
            while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
    }

    /// <summary>As kubectl picks it: the <c>kubectl.kubernetes.io/default-container</c> annotation, else the first container.</summary>
    private static string DefaultContainer(Pod pod) =>
        pod.Metadata.Annotations?.GetValueOrDefault("kubectl.kubernetes.io/default-container") ?? pod.Spec.Containers.FirstOrDefault()?.Name ?? "";

    private static string Flag(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is "true" or "1" ? "true" : "false";
}
