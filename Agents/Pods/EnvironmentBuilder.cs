using System.Text;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Agents.Pods;

/// <summary>
/// A container's environment as Kubernetes builds it: <c>envFrom</c> sources first (ConfigMaps, Secrets,
/// with an optional prefix), then <c>env</c> entries, which win; values from ConfigMap/Secret keys and from
/// the pod's own fields (the downward API); <c>$(VAR)</c> references to earlier variables expanded. Then,
/// as the kubelet does, the Service variables (<see cref="ServiceEnvironment"/>) of the Services that exist now
/// in the agent's routes, each unless the container's own variables already name it.
/// </summary>
public sealed class EnvironmentBuilder(IClusterAccess cluster, IServiceRoutes routes)
{
    public async Task<IReadOnlyDictionary<string, string>> Build(string tenant, Pod pod, Container container, string? podIp, string hostIp)
    {
        var ns = pod.Metadata.Namespace ?? "";
        var services = ServiceEnvironment.For(tenant, ns, pod.Spec.EnableServiceLinks ?? true, routes.Routes.Values);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            var prefix = source.Prefix ?? "";
            if (source.ConfigMapRef is { Name: { } cmName } cmRef)
            {
                var cm = await cluster.ConfigMap(tenant, ns, cmName);
                if (cm is null && cmRef.Optional != true) throw new ContainerConfigException($"configmap \"{cmName}\" not found");
                foreach (var (k, v) in cm?.Data ?? new Dictionary<string, string>()) env[prefix + k] = v;
            }
            if (source.SecretRef is { Name: { } secretName } secretRef)
            {
                var secret = await cluster.Secret(tenant, ns, secretName);
                if (secret is null && secretRef.Optional != true) throw new ContainerConfigException($"secret \"{secretName}\" not found");
                foreach (var (k, v) in secret?.Data ?? new Dictionary<string, byte[]>()) env[prefix + k] = Encoding.UTF8.GetString(v);
            }
        }
        foreach (var variable in container.Env ?? [])
        {
            var value = variable.ValueFrom is { } from
                ? await Resolve(from, tenant, pod, podIp, hostIp)
                : Expand(variable.Value ?? "", env, services);
            if (value is not null) env[variable.Name] = value;
        }
        // The pod's own variables win: a Service variable is added only under a name they leave free.
        foreach (var (name, value) in services) env.TryAdd(name, value);
        return env;
    }

    private async Task<string?> Resolve(EnvVarSource from, string tenant, Pod pod, string? podIp, string hostIp)
    {
        var ns = pod.Metadata.Namespace ?? "";
        if (from.ConfigMapKeyRef is { } cmKey)
        {
            var cm = await cluster.ConfigMap(tenant, ns, cmKey.Name ?? "");
            if (cm?.Data?.TryGetValue(cmKey.Key, out var value) == true) return value;
            if (cmKey.Optional == true) return null;
            throw new ContainerConfigException(cm is null ? $"configmap \"{cmKey.Name}\" not found" : $"couldn't find key {cmKey.Key} in ConfigMap {ns}/{cmKey.Name}");
        }
        if (from.SecretKeyRef is { } secretKey)
        {
            var secret = await cluster.Secret(tenant, ns, secretKey.Name ?? "");
            if (secret?.Data?.TryGetValue(secretKey.Key, out var bytes) == true) return Encoding.UTF8.GetString(bytes);
            if (secretKey.Optional == true) return null;
            throw new ContainerConfigException(secret is null ? $"secret \"{secretKey.Name}\" not found" : $"couldn't find key {secretKey.Key} in Secret {ns}/{secretKey.Name}");
        }
        if (from.FieldRef is { } field)
            return field.FieldPath switch
            {
                "metadata.name" => pod.Metadata.Name,
                "metadata.namespace" => pod.Metadata.Namespace,
                "metadata.uid" => pod.Metadata.Uid,
                "spec.nodeName" => pod.Spec.NodeName,
                "spec.serviceAccountName" => pod.Spec.ServiceAccountName,
                "status.podIP" => podIp,
                "status.hostIP" => hostIp,
                var path when path.StartsWith("metadata.labels['", StringComparison.Ordinal) =>
                    pod.Metadata.Labels?.GetValueOrDefault(path["metadata.labels['".Length..^2]),
                var path when path.StartsWith("metadata.annotations['", StringComparison.Ordinal) =>
                    pod.Metadata.Annotations?.GetValueOrDefault(path["metadata.annotations['".Length..^2]),
                var path => throw new ContainerConfigException($"unsupported fieldPath: {path}"),
            };
        return null;
    }

    /// <summary>
    /// Expands <c>$(NAME)</c> with earlier variables, then with <paramref name="services"/>' (a value may refer to
    /// <c>$(KV_LEADER_SERVICE_HOST)</c>); <c>$$</c> escapes; unknown references stay as written.
    /// </summary>
    public static string Expand(string value, IReadOnlyDictionary<string, string> env, IReadOnlyDictionary<string, string>? services = null)
    {
        var result = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '$') { result.Append('$'); i++; continue; }
            if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '(' && value.IndexOf(')', i) is var close and > 0)
            {
                var name = value[(i + 2)..close];
                if (env.TryGetValue(name, out var replacement) || services?.TryGetValue(name, out replacement) == true)
                {
                    result.Append(replacement);
                    i = close;
                    continue;
                }
            }
            result.Append(value[i]);
        }
        return result.ToString();
    }
}
