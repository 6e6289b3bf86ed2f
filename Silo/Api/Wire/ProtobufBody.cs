using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Silo.Api.Wire;

/// <summary>
/// Decodes the protobuf bodies kubectl 1.32+ sends for <c>create namespace|configmap|secret|deployment|service|job|cronjob|role|rolebinding|clusterrole|clusterrolebinding|serviceaccount|token</c> and <c>auth</c>
/// into the JSON the rest of the API works on. The body is the <c>k8s\0</c> magic and a <c>runtime.Unknown</c>
/// envelope (field 1 TypeMeta {1 apiVersion, 2 kind}, field 2 the object's own message); the object is decoded
/// by the schema tables below, whose field numbers are those of Kubernetes' <c>generated.proto</c> files
/// (k8s.io/api core/v1, apps/v1 and batch/v1, k8s.io/apimachinery meta/v1, intstr, resource).
/// </summary>
/// <remarks>
/// <para>Go's protobuf encoding writes every non-pointer field, so kubectl's bodies are full of empty strings,
/// zero numbers and empty messages (<c>hostPort: 0</c>, <c>protocol: ""</c>, a zero <c>creationTimestamp</c>).
/// As Go's JSON encoding (<c>omitempty</c>) does, such zero scalars are left out; fields that are pointers in Go
/// (<c>replicas</c>, <c>terminationGracePeriodSeconds</c>, <c>immutable</c>, …) are <see cref="Field.Presence"/>
/// fields and kept even when zero. Messages are always kept, empty or not (<c>resources: {}</c>).</para>
/// <para>Only fields our model has are in the tables; any other field is skipped, whatever its wire type.
/// Kinds without a table are refused with 415, which kubectl reports plainly; malformed bodies with 400.</para>
/// </remarks>
public static class ProtobufBody
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    public static JsonNode Decode(byte[] body)
    {
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw ApiException.BadRequest("protobuf body lacks the k8s magic prefix");

        string apiVersion = "", kind = "";
        ReadOnlySpan<byte> raw = [];
        var envelope = new Reader(body.AsSpan(Magic.Length));
        while (envelope.More)
        {
            var (number, wire) = envelope.Tag();
            if (number == 1 && wire == WireType.Len)
            {
                var typeMeta = new Reader(envelope.Bytes());
                while (typeMeta.More)
                {
                    var (n, w) = typeMeta.Tag();
                    if (n == 1 && w == WireType.Len) apiVersion = Text(typeMeta.Bytes());
                    else if (n == 2 && w == WireType.Len) kind = Text(typeMeta.Bytes());
                    else typeMeta.Skip(w);
                }
            }
            else if (number == 2 && wire == WireType.Len) raw = envelope.Bytes();
            else envelope.Skip(wire);
        }

        if (kind.Length == 0) throw ApiException.BadRequest("protobuf body names no kind");
        if (!Kinds.TryGetValue((apiVersion, kind), out var schema))
            throw ApiException.UnsupportedMediaType($"application/vnd.kubernetes.protobuf ({apiVersion}, Kind={kind})");
        var result = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        DecodeInto(raw, schema, result);
        return result;
    }

    // ---- schema ----

    private enum FieldType
    {
        String, Bytes, Int32, Int64, Bool, Message, Inline, IntOrString, Quantity, Time, StringMap, BytesMap, QuantityMap,
    }

    /// <summary>One field of a message: its JSON name, how it is encoded, and for messages their schema.</summary>
    /// <param name="Presence">A pointer in Go: written only when set, so kept even when zero.</param>
    private sealed record Field(string Name, FieldType Type, bool Repeated = false, bool Presence = false, Schema? Of = null)
    {
        public WireType Wire => Type switch
        {
            FieldType.Int32 or FieldType.Int64 or FieldType.Bool => WireType.Varint,
            _ => WireType.Len,
        };
    }

    /// <summary>A message type: field number → field.</summary>
    private sealed class Schema : Dictionary<int, Field>;

    private static Field Str(string name) => new(name, FieldType.String);
    private static Field OptStr(string name) => new(name, FieldType.String, Presence: true);
    private static Field Strs(string name) => new(name, FieldType.String, Repeated: true);
    private static Field Int32(string name) => new(name, FieldType.Int32);
    private static Field OptInt32(string name) => new(name, FieldType.Int32, Presence: true);
    private static Field Int64(string name) => new(name, FieldType.Int64);
    private static Field OptInt64(string name) => new(name, FieldType.Int64, Presence: true);
    private static Field Bool(string name) => new(name, FieldType.Bool);
    private static Field OptBool(string name) => new(name, FieldType.Bool, Presence: true);
    private static Field Msg(string name, Schema of) => new(name, FieldType.Message, Of: of);
    private static Field Msgs(string name, Schema of) => new(name, FieldType.Message, Repeated: true, Of: of);
    /// <summary>An embedded Go struct whose fields JSON shows in the enclosing object (<c>json:",inline"</c>).</summary>
    private static Field Inline(Schema of) => new("", FieldType.Inline, Of: of);
    private static Field IntOrStr(string name) => new(name, FieldType.IntOrString);
    private static Field OptIntOrStr(string name) => new(name, FieldType.IntOrString, Presence: true);
    private static Field Qty(string name) => new(name, FieldType.Quantity);
    private static Field OptQty(string name) => new(name, FieldType.Quantity, Presence: true);
    private static Field Time(string name) => new(name, FieldType.Time);
    private static Field Map(string name) => new(name, FieldType.StringMap);
    private static Field BytesMap(string name) => new(name, FieldType.BytesMap);
    private static Field QtyMap(string name) => new(name, FieldType.QuantityMap);

    // k8s.io/apimachinery/pkg/apis/meta/v1
    private static readonly Schema OwnerReference = new()
    {
        [5] = Str("apiVersion"), [1] = Str("kind"), [3] = Str("name"), [4] = Str("uid"),
        [6] = OptBool("controller"), [7] = OptBool("blockOwnerDeletion"),
    };

    private static readonly Schema ObjectMeta = new()
    {
        [1] = Str("name"), [2] = Str("generateName"), [3] = Str("namespace"), [5] = Str("uid"),
        [6] = Str("resourceVersion"), [7] = Int64("generation"), [8] = Time("creationTimestamp"),
        [9] = Time("deletionTimestamp"), [10] = OptInt64("deletionGracePeriodSeconds"),
        [11] = Map("labels"), [12] = Map("annotations"), [13] = Msgs("ownerReferences", OwnerReference),
        [14] = Strs("finalizers"),
    };

    private static readonly Schema LabelSelectorRequirement = new() { [1] = Str("key"), [2] = Str("operator"), [3] = Strs("values") };

    private static readonly Schema LabelSelector = new() { [1] = Map("matchLabels"), [2] = Msgs("matchExpressions", LabelSelectorRequirement) };

    // k8s.io/api/core/v1: the pod spec and what it is built from
    private static readonly Schema LocalObjectReference = new() { [1] = Str("name") };

    /// <summary>ConfigMapKeySelector and SecretKeySelector, which share their layout.</summary>
    private static readonly Schema KeySelector = new() { [1] = Inline(LocalObjectReference), [2] = Str("key"), [3] = OptBool("optional") };

    private static readonly Schema ObjectFieldSelector = new() { [1] = Str("apiVersion"), [2] = Str("fieldPath") };

    private static readonly Schema ResourceFieldSelector = new() { [1] = Str("containerName"), [2] = Str("resource"), [3] = Qty("divisor") };

    private static readonly Schema EnvVarSource = new()
    {
        [1] = Msg("fieldRef", ObjectFieldSelector), [2] = Msg("resourceFieldRef", ResourceFieldSelector),
        [3] = Msg("configMapKeyRef", KeySelector), [4] = Msg("secretKeyRef", KeySelector),
    };

    private static readonly Schema EnvVar = new() { [1] = Str("name"), [2] = Str("value"), [3] = Msg("valueFrom", EnvVarSource) };

    /// <summary>ConfigMapEnvSource and SecretEnvSource, which share their layout.</summary>
    private static readonly Schema EnvSource = new() { [1] = Inline(LocalObjectReference), [2] = OptBool("optional") };

    private static readonly Schema EnvFromSource = new() { [1] = Str("prefix"), [2] = Msg("configMapRef", EnvSource), [3] = Msg("secretRef", EnvSource) };

    private static readonly Schema ContainerPort = new()
    {
        [1] = Str("name"), [2] = Int32("hostPort"), [3] = Int32("containerPort"), [4] = Str("protocol"), [5] = Str("hostIP"),
    };

    private static readonly Schema ResourceRequirements = new() { [1] = QtyMap("limits"), [2] = QtyMap("requests") };

    private static readonly Schema VolumeMount = new()
    {
        [1] = Str("name"), [2] = Bool("readOnly"), [3] = Str("mountPath"), [4] = Str("subPath"), [5] = OptStr("mountPropagation"),
    };

    private static readonly Schema Container = new()
    {
        [1] = Str("name"), [2] = Str("image"), [3] = Strs("command"), [4] = Strs("args"), [5] = Str("workingDir"),
        [6] = Msgs("ports", ContainerPort), [19] = Msgs("envFrom", EnvFromSource), [7] = Msgs("env", EnvVar),
        [8] = Msg("resources", ResourceRequirements), [9] = Msgs("volumeMounts", VolumeMount),
        [13] = Str("terminationMessagePath"), [20] = Str("terminationMessagePolicy"), [14] = Str("imagePullPolicy"),
        [16] = Bool("stdin"), [17] = Bool("stdinOnce"), [18] = Bool("tty"), [24] = OptStr("restartPolicy"),
    };

    private static readonly Schema KeyToPath = new() { [1] = Str("key"), [2] = Str("path"), [3] = OptInt32("mode") };

    private static readonly Schema VolumeSource = new()
    {
        [1] = Msg("hostPath", new() { [1] = Str("path"), [2] = OptStr("type") }),
        [2] = Msg("emptyDir", new() { [1] = Str("medium"), [2] = OptQty("sizeLimit") }),
        [6] = Msg("secret", new()
        {
            [1] = Str("secretName"), [2] = Msgs("items", KeyToPath), [3] = OptInt32("defaultMode"), [4] = OptBool("optional"),
        }),
        [10] = Msg("persistentVolumeClaim", new() { [1] = Str("claimName"), [2] = Bool("readOnly") }),
        [19] = Msg("configMap", new()
        {
            [1] = Inline(LocalObjectReference), [2] = Msgs("items", KeyToPath), [3] = OptInt32("defaultMode"), [4] = OptBool("optional"),
        }),
    };

    private static readonly Schema Volume = new() { [1] = Str("name"), [2] = Inline(VolumeSource) };

    private static readonly Schema PodSpec = new()
    {
        [1] = Msgs("volumes", Volume), [20] = Msgs("initContainers", Container), [2] = Msgs("containers", Container),
        [3] = Str("restartPolicy"), [4] = OptInt64("terminationGracePeriodSeconds"), [5] = OptInt64("activeDeadlineSeconds"),
        [6] = Str("dnsPolicy"), [7] = Map("nodeSelector"), [8] = Str("serviceAccountName"), [9] = Str("serviceAccount"),
        [21] = OptBool("automountServiceAccountToken"), [10] = Str("nodeName"), [11] = Bool("hostNetwork"),
        [12] = Bool("hostPID"), [13] = Bool("hostIPC"), [27] = OptBool("shareProcessNamespace"),
        [15] = Msgs("imagePullSecrets", LocalObjectReference), [16] = Str("hostname"), [17] = Str("subdomain"),
        [19] = Str("schedulerName"), [24] = Str("priorityClassName"), [25] = OptInt32("priority"),
        [30] = OptBool("enableServiceLinks"), [31] = OptStr("preemptionPolicy"),
    };

    private static readonly Schema PodTemplateSpec = new() { [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", PodSpec) };

    // k8s.io/api/core/v1: services
    private static readonly Schema ServicePort = new()
    {
        [1] = Str("name"), [2] = Str("protocol"), [6] = OptStr("appProtocol"), [3] = Int32("port"),
        [4] = IntOrStr("targetPort"), [5] = Int32("nodePort"),
    };

    private static readonly Schema ServiceSpec = new()
    {
        [1] = Msgs("ports", ServicePort), [2] = Map("selector"), [3] = Str("clusterIP"), [18] = Strs("clusterIPs"),
        [4] = Str("type"), [5] = Strs("externalIPs"), [7] = Str("sessionAffinity"), [8] = Str("loadBalancerIP"),
        [9] = Strs("loadBalancerSourceRanges"), [10] = Str("externalName"), [11] = Str("externalTrafficPolicy"),
        [13] = Bool("publishNotReadyAddresses"), [19] = Strs("ipFamilies"), [17] = OptStr("ipFamilyPolicy"),
        [20] = OptBool("allocateLoadBalancerNodePorts"), [22] = OptStr("internalTrafficPolicy"),
    };

    // k8s.io/api/apps/v1
    private static readonly Schema DeploymentStrategy = new()
    {
        [1] = Str("type"),
        [2] = Msg("rollingUpdate", new() { [1] = OptIntOrStr("maxUnavailable"), [2] = OptIntOrStr("maxSurge") }),
    };

    private static readonly Schema DeploymentSpec = new()
    {
        [1] = OptInt32("replicas"), [2] = Msg("selector", LabelSelector), [3] = Msg("template", PodTemplateSpec),
        [4] = Msg("strategy", DeploymentStrategy), [5] = Int32("minReadySeconds"), [6] = OptInt32("revisionHistoryLimit"),
        [7] = Bool("paused"), [9] = OptInt32("progressDeadlineSeconds"),
    };

    // k8s.io/api/batch/v1: kubectl create job (also --from=cronjob/NAME, which sends the CronJob's template) and create cronjob
    private static readonly Schema PodFailurePolicyRule = new()
    {
        [1] = Str("action"),
        [2] = Msg("onExitCodes", new() { [1] = OptStr("containerName"), [2] = Str("operator"), [3] = new("values", FieldType.Int32, Repeated: true) }),
        [3] = Msgs("onPodConditions", new() { [1] = Str("type"), [2] = Str("status") }),
    };

    private static readonly Schema JobSpec = new()
    {
        [1] = OptInt32("parallelism"), [2] = OptInt32("completions"), [3] = OptInt64("activeDeadlineSeconds"),
        [11] = Msg("podFailurePolicy", new() { [1] = Msgs("rules", PodFailurePolicyRule) }), [7] = OptInt32("backoffLimit"),
        [4] = Msg("selector", LabelSelector), [5] = OptBool("manualSelector"), [6] = Msg("template", PodTemplateSpec),
        [8] = OptInt32("ttlSecondsAfterFinished"), [9] = OptStr("completionMode"), [10] = OptBool("suspend"),
        [14] = OptStr("podReplacementPolicy"),
    };

    private static readonly Schema CronJobSpec = new()
    {
        [1] = Str("schedule"), [8] = OptStr("timeZone"), [2] = OptInt64("startingDeadlineSeconds"), [3] = Str("concurrencyPolicy"),
        [4] = OptBool("suspend"), [5] = Msg("jobTemplate", new() { [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", JobSpec) }),
        [6] = OptInt32("successfulJobsHistoryLimit"), [7] = OptInt32("failedJobsHistoryLimit"),
    };

    // k8s.io/api/rbac/v1
    private static readonly Schema PolicyRule = new()
    {
        [1] = Strs("verbs"), [2] = Strs("apiGroups"), [3] = Strs("resources"), [4] = Strs("resourceNames"), [5] = Strs("nonResourceURLs"),
    };

    private static readonly Schema Subject = new() { [1] = Str("kind"), [2] = Str("apiGroup"), [3] = Str("name"), [4] = Str("namespace") };

    private static readonly Schema RoleRef = new() { [1] = Str("apiGroup"), [2] = Str("kind"), [3] = Str("name") };

    private static readonly Schema Binding = new() { [1] = Msg("metadata", ObjectMeta), [2] = Msgs("subjects", Subject), [3] = Msg("roleRef", RoleRef) };

    // k8s.io/api/authorization/v1 and authentication/v1: the reviews kubectl auth posts
    private static readonly Schema ResourceAttributes = new()
    {
        [1] = Str("namespace"), [2] = Str("verb"), [3] = Str("group"), [4] = Str("version"), [5] = Str("resource"), [6] = Str("subresource"), [7] = Str("name"),
    };

    private static readonly Schema NonResourceAttributes = new() { [1] = Str("path"), [2] = Str("verb") };

    private static readonly Schema SubjectAccessReview = new()
    {
        [1] = Msg("metadata", ObjectMeta),
        [2] = Msg("spec", new()
        {
            [1] = Msg("resourceAttributes", ResourceAttributes), [2] = Msg("nonResourceAttributes", NonResourceAttributes),
            [3] = Str("user"), [4] = Strs("groups"), [6] = Str("uid"),
        }),
    };

    /// <summary>The objects we decode, by apiVersion and kind. Status is never read: a create ignores it.</summary>
    private static readonly Dictionary<(string ApiVersion, string Kind), Schema> Kinds = new()
    {
        [("v1", "Namespace")] = new() { [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", new() { [1] = Strs("finalizers") }) },
        [("v1", "ConfigMap")] = new()
        {
            [1] = Msg("metadata", ObjectMeta), [2] = Map("data"), [3] = BytesMap("binaryData"), [4] = OptBool("immutable"),
        },
        [("v1", "Secret")] = new()
        {
            [1] = Msg("metadata", ObjectMeta), [2] = BytesMap("data"), [4] = Map("stringData"), [3] = Str("type"),
            [5] = OptBool("immutable"),
        },
        [("v1", "Service")] = new() { [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", ServiceSpec) },
        [("v1", "Pod")] = new() { [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", PodSpec) },
        [("apps/v1", "Deployment")] = new() { [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", DeploymentSpec) },
        [("batch/v1", "Job")] = new() { [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", JobSpec) },
        [("batch/v1", "CronJob")] = new() { [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", CronJobSpec) },
        [("rbac.authorization.k8s.io/v1", "Role")] = new() { [1] = Msg("metadata", ObjectMeta), [2] = Msgs("rules", PolicyRule) },
        [("rbac.authorization.k8s.io/v1", "ClusterRole")] = new()
        {
            [1] = Msg("metadata", ObjectMeta), [2] = Msgs("rules", PolicyRule), [3] = Msg("aggregationRule", new() { [1] = Msgs("clusterRoleSelectors", LabelSelector) }),
        },
        [("rbac.authorization.k8s.io/v1", "RoleBinding")] = Binding,
        [("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")] = Binding,
        [("authorization.k8s.io/v1", "SelfSubjectAccessReview")] = new()
        {
            [1] = Msg("metadata", ObjectMeta),
            [2] = Msg("spec", new() { [1] = Msg("resourceAttributes", ResourceAttributes), [2] = Msg("nonResourceAttributes", NonResourceAttributes) }),
        },
        [("authorization.k8s.io/v1", "SelfSubjectRulesReview")] = new() { [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", new() { [1] = Str("namespace") }) },
        [("authorization.k8s.io/v1", "SubjectAccessReview")] = SubjectAccessReview,
        [("authorization.k8s.io/v1", "LocalSubjectAccessReview")] = SubjectAccessReview,
        [("authentication.k8s.io/v1", "SelfSubjectReview")] = new() { [1] = Msg("metadata", ObjectMeta) },
        [("v1", "ServiceAccount")] = new()
        {
            [1] = Msg("metadata", ObjectMeta), [2] = Msgs("secrets", new() { [1] = Str("kind"), [2] = Str("namespace"), [3] = Str("name"), [4] = Str("uid"), [5] = Str("apiVersion") }),
            [3] = Msgs("imagePullSecrets", LocalObjectReference), [4] = OptBool("automountServiceAccountToken"),
        },
        [("authentication.k8s.io/v1", "TokenRequest")] = new()
        {
            [1] = Msg("metadata", ObjectMeta),
            [2] = Msg("spec", new()
            {
                [1] = Strs("audiences"), [4] = OptInt64("expirationSeconds"),
                [3] = Msg("boundObjectRef", new() { [1] = Str("kind"), [2] = Str("apiVersion"), [3] = Str("name"), [4] = Str("uid") }),
            }),
        },
        [("authentication.k8s.io/v1", "TokenReview")] = new() { [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", new() { [1] = Str("token"), [2] = Strs("audiences") }) },
    };

    // ---- decoding ----

    private static void DecodeInto(ReadOnlySpan<byte> message, Schema schema, JsonObject target)
    {
        var reader = new Reader(message);
        while (reader.More)
        {
            var (number, wire) = reader.Tag();
            if (!schema.TryGetValue(number, out var field))
            {
                reader.Skip(wire);
                continue;
            }
            if (wire != field.Wire)
                throw ApiException.BadRequest($"protobuf field {number} ({(field.Name.Length > 0 ? field.Name : "inline")}) has wire type {(int)wire}, expected {(int)field.Wire}");

            switch (field.Type)
            {
                case FieldType.Inline:
                    DecodeInto(reader.Bytes(), field.Of!, target);
                    break;
                case FieldType.Message when field.Repeated:
                    var element = new JsonObject();
                    DecodeInto(reader.Bytes(), field.Of!, element);
                    Array(target, field.Name).Add(element);
                    break;
                case FieldType.Message:
                    // A message field seen twice is merged, as protobuf does.
                    if (target[field.Name] is not JsonObject existing) target[field.Name] = existing = new JsonObject();
                    DecodeInto(reader.Bytes(), field.Of!, existing);
                    break;
                case FieldType.StringMap or FieldType.BytesMap or FieldType.QuantityMap:
                    var (key, value) = MapEntry(reader.Bytes(), field.Type);
                    ((target[field.Name] ??= new JsonObject()).AsObject())[key] = value;
                    break;
                default:
                    var (node, isZero) = Scalar(ref reader, field.Type);
                    if (field.Repeated) Array(target, field.Name).Add(node);
                    else if (isZero && !field.Presence) target.Remove(field.Name);
                    else target[field.Name] = node;
                    break;
            }
        }
    }

    /// <summary>A scalar's JSON value, and whether it is its type's zero (which Go's JSON would omit).</summary>
    private static (JsonNode? Node, bool IsZero) Scalar(ref Reader reader, FieldType type)
    {
        switch (type)
        {
            case FieldType.String:
                var text = Text(reader.Bytes());
                return (text, text.Length == 0);
            case FieldType.Bytes:
                var bytes = reader.Bytes();
                return (Convert.ToBase64String(bytes), bytes.IsEmpty);
            case FieldType.Int32:
                var int32 = unchecked((int)reader.Varint());
                return (int32, int32 == 0);
            case FieldType.Int64:
                var int64 = unchecked((long)reader.Varint());
                return (int64, int64 == 0);
            case FieldType.Bool:
                var flag = reader.Varint() != 0;
                return (flag, !flag);
            case FieldType.IntOrString:
                return IntOrString(reader.Bytes());
            case FieldType.Quantity:
                var quantity = Quantity(reader.Bytes());
                return (quantity, quantity is "" or "0");
            case FieldType.Time:
                var time = Time(reader.Bytes());
                return (time, time is null);
            default:
                throw new InvalidOperationException($"no scalar decoding for {type}");
        }
    }

    /// <summary><c>intstr.IntOrString</c> {1 type (0 int, 1 string), 2 intVal, 3 strVal}: a JSON number or string.</summary>
    private static (JsonNode Node, bool IsZero) IntOrString(ReadOnlySpan<byte> message)
    {
        long type = 0;
        var intVal = 0;
        var strVal = "";
        var reader = new Reader(message);
        while (reader.More)
        {
            var (number, wire) = reader.Tag();
            switch (number, wire)
            {
                case (1, WireType.Varint): type = unchecked((long)reader.Varint()); break;
                case (2, WireType.Varint): intVal = unchecked((int)reader.Varint()); break;
                case (3, WireType.Len): strVal = Text(reader.Bytes()); break;
                default: reader.Skip(wire); break;
            }
        }
        return type == 1 ? ((JsonNode)strVal, strVal.Length == 0) : ((JsonNode)intVal, intVal == 0);
    }

    /// <summary><c>resource.Quantity</c> {1 string}: its string.</summary>
    private static string Quantity(ReadOnlySpan<byte> message)
    {
        var text = "";
        var reader = new Reader(message);
        while (reader.More)
        {
            var (number, wire) = reader.Tag();
            if (number == 1 && wire == WireType.Len) text = Text(reader.Bytes());
            else reader.Skip(wire);
        }
        return text;
    }

    /// <summary><c>metav1.Time</c> {1 seconds, 2 nanos} as RFC 3339 whole seconds; an empty message is the zero time (null).</summary>
    private static string? Time(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty) return null;
        long seconds = 0;
        var reader = new Reader(message);
        while (reader.More)
        {
            var (number, wire) = reader.Tag();
            if (number == 1 && wire == WireType.Varint) seconds = unchecked((long)reader.Varint());
            else reader.Skip(wire);
        }
        if (seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            throw ApiException.BadRequest($"protobuf time out of range ({seconds} seconds)");
        return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>A map entry is a message with the key as field 1 and the value as field 2.</summary>
    private static (string Key, string Value) MapEntry(ReadOnlySpan<byte> entry, FieldType mapType)
    {
        string key = "", value = mapType == FieldType.QuantityMap ? "0" : "";
        var reader = new Reader(entry);
        while (reader.More)
        {
            var (number, wire) = reader.Tag();
            if (number == 1 && wire == WireType.Len) key = Text(reader.Bytes());
            else if (number == 2 && wire == WireType.Len)
                value = mapType switch
                {
                    FieldType.BytesMap => Convert.ToBase64String(reader.Bytes()),
                    FieldType.QuantityMap => Quantity(reader.Bytes()),
                    _ => Text(reader.Bytes()),
                };
            else if (number is 1 or 2) throw ApiException.BadRequest($"protobuf map entry field {number} has wire type {(int)wire}, expected 2");
            else reader.Skip(wire);
        }
        return (key, value);
    }

    private static JsonArray Array(JsonObject target, string name) => (target[name] ??= new JsonArray()).AsArray();

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private enum WireType { Varint = 0, Fixed64 = 1, Len = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5 }

    /// <summary>Reads the tags and values of one message, refusing (400) anything truncated or malformed.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;

        public readonly bool More => position < data.Length;

        public (int Number, WireType Wire) Tag()
        {
            var tag = Varint();
            var number = tag >> 3;
            if (number is 0 or > 536_870_911) throw ApiException.BadRequest($"malformed protobuf: field number {number}");
            return ((int)number, (WireType)(tag & 7));
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                if (position >= data.Length) throw ApiException.BadRequest("truncated protobuf body (inside a varint)");
                var b = data[position++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return result;
            }
            throw ApiException.BadRequest("malformed protobuf varint (longer than 10 bytes)");
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = Varint();
            if (length > (ulong)(data.Length - position))
                throw ApiException.BadRequest($"truncated protobuf body (a field of {length} bytes, {data.Length - position} left)");
            var bytes = data.Slice(position, (int)length);
            position += (int)length;
            return bytes;
        }

        public void Skip(WireType wire)
        {
            switch (wire)
            {
                case WireType.Varint: Varint(); break;
                case WireType.Fixed64: Advance(8); break;
                case WireType.Len: Bytes(); break;
                case WireType.Fixed32: Advance(4); break;
                default: throw ApiException.BadRequest($"unsupported protobuf wire type {(int)wire}");
            }
        }

        private void Advance(int count)
        {
            if (count > data.Length - position) throw ApiException.BadRequest("truncated protobuf body (inside a fixed-size field)");
            position += count;
        }
    }
}
