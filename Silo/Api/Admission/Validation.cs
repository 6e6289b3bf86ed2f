using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Api.Admission;

/// <summary>
/// Kubernetes' validation of the fields we model, with its field paths and messages, so that a bad object
/// is refused with a 422 that names every problem. Pure functions over defaulted objects: what every kind
/// shares (names, metadata, pod templates, Go-style quoting) is here; each kind's own rules are its strategy's.
/// </summary>
public static partial class Validation
{
    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();

    private const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string Dns1035Message = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    /// <summary>Whether <paramref name="name"/> is a valid object name for <paramref name="kind"/>, as a message or null.</summary>
    /// <remarks>
    /// Kubernetes' path-segment rule (not "." or "..", no "/" or "%") holds for every kind, whatever its own rule:
    /// the name becomes a segment of the object's URL.
    /// </remarks>
    /// <summary>What is wrong with <paramref name="name"/> as the name of a <paramref name="kind"/>, as the field cause of a 422.</summary>
    public static FieldCause? NameCause(ResourceKind kind, string name) =>
        NameProblem(kind, name) is { } problem ? InvalidValue("metadata.name", Quote(name), problem) : null;

    public static string? NameProblem(ResourceKind kind, string name) => KindNameProblem(kind, name) ?? ResourcePath.SegmentNameProblem(name);

    private static string? KindNameProblem(ResourceKind kind, string name)
    {
        var rule = KindRegistry.For(kind).NameRule;
        if (rule == NameRule.Label) return Label(name);
        if (rule == NameRule.PathSegment) return null;
        if (rule == NameRule.Dns1035Label) return name.Length > 63 ? "must be no more than 63 characters" : Dns1035Label().IsMatch(name) ? null : Dns1035Message;
        if (name.Length > 253) return "must be no more than 253 characters";
        return Dns1123Subdomain().IsMatch(name) ? null : SubdomainMessage;
    }

    /// <summary>Kubernetes' <c>IsDNS1123Subdomain</c> as a message, or null (class names, a volume's storage class).</summary>
    internal static string? Subdomain(string name) =>
        name.Length > 253 ? "must be no more than 253 characters" : Dns1123Subdomain().IsMatch(name) ? null : SubdomainMessage;

    internal static string? Label(string name) =>
        name.Length > 63 ? "must be no more than 63 characters" : Dns1123Label().IsMatch(name) ? null : LabelMessage;

    public static IReadOnlyList<FieldCause> Validate(KubeObject obj, ResourceKind kind)
    {
        var errors = new List<FieldCause>();
        var name = obj.Metadata.Name;
        if (string.IsNullOrEmpty(name))
            errors.Add(Required("metadata.name", "name or generateName is required"));
        else if (NameCause(kind, name) is { } cause)
            errors.Add(cause);
        Metadata(obj.Metadata, "metadata", errors);

        KindRegistry.For(kind).Validate(obj, errors);
        return errors;
    }

    internal static void Metadata(ObjectMeta meta, string path, List<FieldCause> errors)
    {
        foreach (var (key, value) in meta.Labels ?? new Dictionary<string, string>())
        {
            if (QualifiedNameProblem(key) is { } keyProblem)
                errors.Add(InvalidValue($"{path}.labels", Quote(key), keyProblem));
            if (value.Length > 63 || !LabelValue().IsMatch(value))
                errors.Add(InvalidValue($"{path}.labels", Quote(value),
                    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
        }
        foreach (var key in meta.Annotations?.Keys ?? [])
            if (QualifiedNameProblem(key) is { } keyProblem)
                errors.Add(InvalidValue($"{path}.annotations", Quote(key), keyProblem));
    }

    internal static string? QualifiedNameProblem(string key)
    {
        var slash = key.IndexOf('/');
        var (prefix, name) = slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
        if (slash >= 0 && (prefix.Length == 0 || prefix.Length > 253 || !Dns1123Subdomain().IsMatch(prefix)))
            return "prefix part " + SubdomainMessage;
        if (name.Length == 0 || name.Length > 63 || !QualifiedNamePart().IsMatch(name))
            return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
        return null;
    }

    /// <summary>The restart policy of workloads whose pods run for ever (ReplicaSet, Deployment, StatefulSet).</summary>
    internal static readonly string[] AlwaysRestart = ["Always"];

    /// <summary>
    /// A workload's selector and pod template: the selector must select the template's labels, and the template's
    /// restart policy must be one the workload's controller can run (<paramref name="restartPolicies"/>).
    /// <paramref name="claimVolumes"/> are volumes the controller adds to each pod (a StatefulSet's
    /// <c>volumeClaimTemplates</c>), which the template's containers may mount.
    /// </summary>
    internal static void Workload(LabelSelector? selector, PodTemplateSpec template, string path, List<FieldCause> errors,
        IReadOnlyList<string> restartPolicies, IEnumerable<string>? claimVolumes = null)
    {
        if (selector is null || (selector.MatchLabels is not { Count: > 0 } && selector.MatchExpressions is not { Count: > 0 }))
            errors.Add(Required($"{path}.selector", ""));
        else
        {
            IReadOnlyList<LabelRequirement> requirements = [];
            try { requirements = SelectorParser.FromLabelSelector(selector); }
            catch (FormatException e) { errors.Add(InvalidValue($"{path}.selector", "", e.Message)); }
            var labels = template.Metadata?.Labels;
            if (requirements.Count > 0 && !requirements.All(r => r.Matches(labels)))
                errors.Add(InvalidValue($"{path}.template.metadata.labels", FormatMap(labels), "`selector` does not match template `labels`"));
        }
        PodTemplate(template, $"{path}.template", errors, restartPolicies, claimVolumes);
    }

    /// <summary>
    /// A workload's pod template on its own, at <paramref name="path"/>: for templates whose selector the system
    /// generates later (a CronJob's job template), as well as the second half of <see cref="Workload"/>.
    /// </summary>
    internal static void PodTemplate(PodTemplateSpec template, string path, List<FieldCause> errors,
        IReadOnlyList<string> restartPolicies, IEnumerable<string>? claimVolumes = null)
    {
        if (template.Metadata is { } meta) Metadata(meta, $"{path}.metadata", errors);
        PodSpec(template.Spec, $"{path}.spec", errors, claimVolumes);
        if (template.Spec.RestartPolicy is { } policy && !restartPolicies.Contains(policy))
            errors.Add(new FieldCause($"{path}.spec.restartPolicy", "FieldValueNotSupported",
                $"Unsupported value: {Quote(policy)}: supported values: {string.Join(", ", restartPolicies.Select(Quote))}"));
    }

    internal static void PodSpec(PodSpec spec, string path, List<FieldCause> errors, IEnumerable<string>? claimVolumes = null)
    {
        if (spec.Containers.Count == 0) errors.Add(Required($"{path}.containers", ""));
        var volumes = new HashSet<string>();
        for (var i = 0; i < (spec.Volumes?.Count ?? 0); i++)
        {
            var volume = spec.Volumes![i];
            var vpath = $"{path}.volumes[{i}]";
            if (string.IsNullOrEmpty(volume.Name)) errors.Add(Required($"{vpath}.name", ""));
            else if (Label(volume.Name) is { } problem) errors.Add(InvalidValue($"{vpath}.name", Quote(volume.Name), problem));
            else if (!volumes.Add(volume.Name)) errors.Add(Duplicate($"{vpath}.name", volume.Name));
            var sources = new object?[] { volume.EmptyDir, volume.ConfigMap, volume.Secret, volume.PersistentVolumeClaim, volume.HostPath }.Count(s => s is not null);
            if (sources == 0) errors.Add(Required(vpath, "must specify a volume type"));
            if (sources > 1) errors.Add(new FieldCause(vpath, "FieldValueForbidden", "Forbidden: may not specify more than 1 volume type"));
        }
        IReadOnlySet<string> mountable = claimVolumes is null ? volumes : new HashSet<string>(volumes.Concat(claimVolumes));
        var names = new HashSet<string>();
        Containers(spec.InitContainers, $"{path}.initContainers", mountable, names, errors);
        Containers(spec.Containers, $"{path}.containers", mountable, names, errors);
        if (spec.RestartPolicy is { } policy && policy is not ("Always" or "OnFailure" or "Never"))
            errors.Add(new FieldCause($"{path}.restartPolicy", "FieldValueNotSupported", $"Unsupported value: {Quote(policy)}: supported values: \"Always\", \"OnFailure\", \"Never\""));
        Dns(spec, path, errors);
        if (spec.TerminationGracePeriodSeconds < 0)
            errors.Add(InvalidValue($"{path}.terminationGracePeriodSeconds", spec.TerminationGracePeriodSeconds.ToString()!, "must be greater than or equal to 0"));
        for (var i = 0; i < (spec.Tolerations?.Count ?? 0); i++)
        {
            var t = spec.Tolerations![i];
            if (t.Operator is { } op && op is not ("Exists" or "Equal"))
                errors.Add(new FieldCause($"{path}.tolerations[{i}].operator", "FieldValueNotSupported", $"Unsupported value: {Quote(op)}: supported values: \"Equal\", \"Exists\""));
            if (t.Effect is { Length: > 0 } effect && effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
                errors.Add(new FieldCause($"{path}.tolerations[{i}].effect", "FieldValueNotSupported", $"Unsupported value: {Quote(effect)}: supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""));
        }
    }

    /// <summary>Kubernetes' checks of <c>dnsPolicy</c>, <c>dnsConfig</c>, <c>hostname</c> and <c>subdomain</c>: what the agent writes into resolv.conf and /etc/hosts.</summary>
    private static void Dns(PodSpec spec, string path, List<FieldCause> errors)
    {
        if (spec.Hostname is { Length: > 0 } hostname && Label(hostname) is { } badHostname)
            errors.Add(InvalidValue($"{path}.hostname", Quote(hostname), badHostname));
        if (spec.Subdomain is { Length: > 0 } subdomain && Label(subdomain) is { } badSubdomain)
            errors.Add(InvalidValue($"{path}.subdomain", Quote(subdomain), badSubdomain));
        if (spec.DnsPolicy is { } policy && policy is not ("ClusterFirstWithHostNet" or "ClusterFirst" or "Default" or "None"))
            errors.Add(NotSupported($"{path}.dnsPolicy", policy, ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]));
        var config = spec.DnsConfig;
        if (spec.DnsPolicy == "None")
        {
            if (config is null)
            {
                errors.Add(Required($"{path}.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None"));
                return;
            }
            if (config.Nameservers is not { Count: > 0 })
            {
                errors.Add(Required($"{path}.dnsConfig.nameservers", "must provide at least one DNS nameserver when `dnsPolicy` is None"));
                return;
            }
        }
        if (config is null) return;
        var nameservers = config.Nameservers ?? [];
        if (nameservers.Count > 3)
            errors.Add(InvalidValue($"{path}.dnsConfig.nameservers", GoStrings(nameservers), "must not have more than 3 nameservers"));
        for (var i = 0; i < nameservers.Count; i++)
            if (!System.Net.IPAddress.TryParse(nameservers[i], out _))
                errors.Add(InvalidValue($"{path}.dnsConfig.nameservers[{i}]", Quote(nameservers[i]), "must be valid IP address"));
        var searches = config.Searches ?? [];
        if (searches.Count > 32)
            errors.Add(InvalidValue($"{path}.dnsConfig.searches", GoStrings(searches), "must not have more than 32 search paths"));
        if (string.Join(' ', searches).Length > 2048)
            errors.Add(InvalidValue($"{path}.dnsConfig.searches", GoStrings(searches), "must not have more than 2048 characters (including spaces) in the search list"));
        for (var i = 0; i < (config.Options?.Count ?? 0); i++)
            if (string.IsNullOrEmpty(config.Options![i].Name))
                errors.Add(Required($"{path}.dnsConfig.options[{i}]", "must not be empty"));
    }

    /// <summary>A list as Go's <c>%#v</c> prints a <c>[]string</c>, as Kubernetes shows list values in its messages.</summary>
    private static string GoStrings(IEnumerable<string> values) => $"[]string{{{string.Join(", ", values.Select(Quote))}}}";

    private static void Containers(IReadOnlyList<Container>? containers, string path, IReadOnlySet<string> volumes, HashSet<string> names, List<FieldCause> errors)
    {
        for (var i = 0; i < (containers?.Count ?? 0); i++)
        {
            var c = containers![i];
            var cpath = $"{path}[{i}]";
            if (string.IsNullOrEmpty(c.Name)) errors.Add(Required($"{cpath}.name", ""));
            else if (Label(c.Name) is { } problem) errors.Add(InvalidValue($"{cpath}.name", Quote(c.Name), problem));
            else if (!names.Add(c.Name)) errors.Add(Duplicate($"{cpath}.name", c.Name));
            if (string.IsNullOrWhiteSpace(c.Image)) errors.Add(Required($"{cpath}.image", ""));
            for (var p = 0; p < (c.Ports?.Count ?? 0); p++)
            {
                var port = c.Ports![p];
                PortNumber(port.Number, $"{cpath}.ports[{p}].containerPort", errors);
                if (port.HostPort is { } hostPort and not 0) PortNumber(hostPort, $"{cpath}.ports[{p}].hostPort", errors);
                Protocol(port.Protocol, $"{cpath}.ports[{p}].protocol", errors);
            }
            for (var e = 0; e < (c.Env?.Count ?? 0); e++)
                if (string.IsNullOrEmpty(c.Env![e].Name)) errors.Add(Required($"{cpath}.env[{e}].name", ""));
            for (var m = 0; m < (c.VolumeMounts?.Count ?? 0); m++)
            {
                var mount = c.VolumeMounts![m];
                if (!volumes.Contains(mount.Name)) errors.Add(new FieldCause($"{cpath}.volumeMounts[{m}].name", "FieldValueNotFound", $"Not found: {Quote(mount.Name)}"));
                if (string.IsNullOrEmpty(mount.MountPath)) errors.Add(Required($"{cpath}.volumeMounts[{m}].mountPath", ""));
            }
            Resources(c.Resources, $"{cpath}.resources", errors);
            if (c.ImagePullPolicy is { } pull && pull is not ("Always" or "IfNotPresent" or "Never"))
                errors.Add(new FieldCause($"{cpath}.imagePullPolicy", "FieldValueNotSupported", $"Unsupported value: {Quote(pull)}: supported values: \"Always\", \"IfNotPresent\", \"Never\""));
            Probe(c.LivenessProbe, $"{cpath}.livenessProbe", errors);
            Probe(c.ReadinessProbe, $"{cpath}.readinessProbe", errors);
            Probe(c.StartupProbe, $"{cpath}.startupProbe", errors);
        }
    }

    private static void Probe(Probe? probe, string path, List<FieldCause> errors)
    {
        if (probe is null) return;
        var handlers = new object?[] { probe.Exec, probe.HttpGet, probe.TcpSocket, probe.Grpc }.Count(h => h is not null);
        if (handlers == 0) errors.Add(Required(path, "must specify a handler type"));
        if (handlers > 1) errors.Add(new FieldCause(path, "FieldValueForbidden", "Forbidden: may not specify more than 1 handler type"));
    }

    private static void Resources(ResourceRequirements? resources, string path, List<FieldCause> errors)
    {
        foreach (var (section, values) in new[] { ("limits", resources?.Limits), ("requests", resources?.Requests) })
            foreach (var (name, text) in values ?? new Dictionary<string, string>())
                NonNegativeQuantity(text, $"{path}.{section}[{name}]", errors);
        foreach (var (name, request) in resources?.Requests ?? new Dictionary<string, string>())
            if (resources?.Limits?.TryGetValue(name, out var limit) == true
                && Quantity.TryParse(request, out var r) && Quantity.TryParse(limit, out var l) && r > l)
                errors.Add(InvalidValue($"{path}.requests", Quote(request), $"must be less than or equal to {name} limit of {limit}"));
    }

    /// <summary>
    /// The largest quantity admitted: what Kubernetes' <c>Quantity.Value()</c> holds (an int64), as the scheduler's
    /// <c>PodRequests</c> bounds it. Far below what a decimal holds, so that the quota and limit sums of many such
    /// quantities never overflow.
    /// </summary>
    internal const decimal LargestQuantity = long.MaxValue;

    /// <summary>A quantity's value, or null with Kubernetes' cause: not a quantity, negative, or beyond <see cref="LargestQuantity"/>.</summary>
    internal static decimal? NonNegativeQuantity(string text, string path, List<FieldCause> errors)
    {
        if (!Quantity.TryParse(text, out var value))
            errors.Add(InvalidValue(path, Quote(text), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
        else if (value < 0)
            errors.Add(InvalidValue(path, Quote(text), "must be greater than or equal to 0"));
        else if (value > LargestQuantity)
            errors.Add(InvalidValue(path, Quote(text), $"must be less than or equal to {LargestQuantity.ToString(CultureInfo.InvariantCulture)}"));
        else return value;
        return null;
    }

    internal static void PortNumber(int port, string path, List<FieldCause> errors)
    {
        if (port is < 1 or > 65535) errors.Add(InvalidValue(path, port.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
    }

    internal static void Protocol(string? protocol, string path, List<FieldCause> errors)
    {
        if (protocol is { } p && p is not ("TCP" or "UDP" or "SCTP"))
            errors.Add(new FieldCause(path, "FieldValueNotSupported", $"Unsupported value: {Quote(p)}: supported values: \"SCTP\", \"TCP\", \"UDP\""));
    }

    internal static void NonNegative(int? value, string path, List<FieldCause> errors)
    {
        if (value < 0) errors.Add(InvalidValue(path, value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be greater than or equal to 0"));
    }

    internal static void ConfigKeyCheck(string key, string path, List<FieldCause> errors)
    {
        if (key.Length > 253 || !ConfigKey().IsMatch(key))
            errors.Add(InvalidValue($"{path}[{key}]", Quote(key), "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
    }

    internal static FieldCause Required(string field, string detail) =>
        new(field, "FieldValueRequired", detail.Length == 0 ? "Required value" : $"Required value: {detail}");

    internal static FieldCause InvalidValue(string field, string value, string detail) =>
        new(field, "FieldValueInvalid", $"Invalid value: {value}: {detail}");

    internal static FieldCause NotSupported(string field, string value, IEnumerable<string> supported) =>
        new(field, "FieldValueNotSupported", $"Unsupported value: {Quote(value)}: supported values: {string.Join(", ", supported.Select(Quote))}");

    internal static FieldCause Forbidden(string field, string detail) =>
        new(field, "FieldValueForbidden", $"Forbidden: {detail}");

    internal static FieldCause Duplicate(string field, string value) =>
        new(field, "FieldValueDuplicate", $"Duplicate value: {Quote(value)}");

    /// <summary>
    /// A string as Go's <c>%q</c> (strconv.Quote) prints it, which is how Kubernetes shows values in its
    /// messages: printable characters verbatim (a JSON encoder would escape <c>+</c>, <c>&lt;</c> or <c>'</c>),
    /// Go's escapes for the rest.
    /// </summary>
    internal static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\a': quoted.Append("\\a"); break;
                case '\b': quoted.Append("\\b"); break;
                case '\f': quoted.Append("\\f"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                case '\v': quoted.Append("\\v"); break;
                case < 0x20 or 0x7f: quoted.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}"); break;
                case var _ when IsGoPrintable(rune): quoted.Append(rune.ToString()); break;
                case < 0x10000: quoted.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}"); break;
                default: quoted.Append(CultureInfo.InvariantCulture, $"\\U{rune.Value:x8}"); break;
            }
        }
        return quoted.Append('"').ToString();
    }

    /// <summary>Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    private static bool IsGoPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation
            or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
            or UnicodeCategory.OtherSymbol => true,
        _ => false,
    };

    internal static string FormatMap(IReadOnlyDictionary<string, string>? map) =>
        "map[string]string{" + string.Join(", ", (map ?? new Dictionary<string, string>()).Select(p => $"{Quote(p.Key)}:{Quote(p.Value)}")) + "}";
}
