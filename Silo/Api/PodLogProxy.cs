using System.Globalization;
using System.Net.Http.Headers;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Streaming;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// <c>GET …/pods/{name}/log</c>: finds the pod's node and proxies its agent's log endpoint, flushing each
/// chunk as it arrives so that <c>kubectl logs -f</c> shows lines as the container writes them.
/// </summary>
public sealed class PodLogProxy(ResourceService resources, IGrainFactory grains)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>What a log request asks for: the query parameters of <c>…/pods/{name}/log</c>.</summary>
    public sealed record LogRequest(string? Container, bool Follow, bool Previous, int? TailLines);

    public async Task Stream(HttpContext context, Caller caller, string ns, string name)
    {
        var query = context.Request.Query;
        var request = new LogRequest(
            query["container"].ToString() is { Length: > 0 } asked ? asked : null, Flag(query["follow"]), Flag(query["previous"]),
            int.TryParse(query["tailLines"], NumberStyles.None, CultureInfo.InvariantCulture, out var tail) ? tail : null);
        await using var body = await Open(caller, ns, name, request, context.RequestAborted);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        var buffer = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary>
    /// The container's log as its agent streams it (authorised as a <c>get</c> of <c>pods/log</c>, as Kubernetes does); the API and the
    /// dashboard both read logs through here.
    /// </summary>
    public async Task<Stream> Open(Caller caller, string ns, string name, LogRequest request, CancellationToken cancellationToken)
    {
        await resources.Authorizer.Authorize(caller, "get", Contracts.Model.ResourceKinds.Pod, ns, name, "log");
        var target = await PodTarget.Resolve(resources, grains, caller, ns, name, request.Container);
        var (container, node, endpoint) = (target.Container, target.Node, target.Endpoint);
        var url = $"{endpoint.BaseUrl}/containerLogs/{Uri.EscapeDataString(node)}/{target.Uid}/{Uri.EscapeDataString(container)}"
                  + $"?follow={Lower(request.Follow)}&previous={Lower(request.Previous)}"
                  + (request.TailLines is { } tail ? $"&tailLines={tail}" : "");
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.Token);
        HttpResponseMessage upstream;
        try
        {
            upstream = await Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw target.AgentUnreachable(e);
        }
        if (!upstream.IsSuccessStatusCode)
        {
            using (upstream)
            {
                var why = await upstream.Content.ReadAsStringAsync(cancellationToken);
                throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\": {(why.Length > 0 ? why : upstream.ReasonPhrase)}");
            }
        }
        // Disposing the content stream releases the response and its connection.
        return await upstream.Content.ReadAsStreamAsync(cancellationToken);
    }

    private static bool Flag(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is "true" or "1";

    private static string Lower(bool value) => value ? "true" : "false";
}
