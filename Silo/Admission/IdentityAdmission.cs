using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth.Identity;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Mutating, for users and their tokens, whoever writes: a user's <c>spec.password</c> becomes <c>spec.passwordHash</c>
/// before anything is stored (also out of kubectl's last-applied annotation, which would otherwise keep the password in
/// plain text); a write without a password keeps the stored hash; a new token is owned by its user, so that deleting the
/// user collects it. A password of a length refused is left in place for validation to refuse (it is never stored).
/// A user's namespace is a tenant: the first user of a tenant the token file names gets that namespace made in the system
/// tenant (which is how <see cref="Api.Auth.Identity.StoredIdentities"/> knows the tenant has users); a tenant known
/// nowhere is refused by <see cref="NamespaceLifecycle"/> as an unknown namespace.
/// </summary>
public sealed class IdentityAdmission(IGrainFactory grains, Tenancy.KnownTenants tenants) : IMutatingAdmission, IValidatingAdmission
{
    private const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    public async ValueTask<KubeObject> Mutate(AdmissionRequest request)
    {
        if (!request.WritesMain) return request.Object;
        switch (request.Object)
        {
            case User user:
                if (request.Operation == AdmissionOperation.Create && !request.DryRun) await EnsureTenantNamespace(user.Metadata.Namespace ?? "");
                return WithPasswordHashed(user, request.Old as User);
            case AccessToken token when request.Operation == AdmissionOperation.Create && token.Metadata.OwnerReferences is not { Count: > 0 }:
                var owner = await UserOf(request.Tenant, token);
                if (owner?.Metadata.Uid is not { } uid) return token;
                return token with
                {
                    Metadata = token.Metadata with
                    {
                        OwnerReferences = [new OwnerReference { ApiVersion = $"{ResourceKinds.TenancyGroup}/v1", Kind = "User", Name = owner.Metadata.Name!, Uid = uid }],
                    },
                };
            default:
                return request.Object;
        }
    }

    /// <summary>A token's user must exist when the token is made (a token of nobody would be refused at every use).</summary>
    public async ValueTask<StoreError?> Validate(AdmissionRequest request)
    {
        if (request.Operation != AdmissionOperation.Create || request.Object is not AccessToken token || token.Spec.User.Length == 0) return null;
        if (await UserOf(request.Tenant, token) is not null) return null;
        return StoreError.Invalid(request.Kind, token.Metadata.Name ?? "",
            [new FieldCause("spec.user", "FieldValueNotFound", $"Not found: {Api.Admission.Validation.Quote(token.Spec.User)}")]);
    }

    private async Task EnsureTenantNamespace(string tenant)
    {
        if (tenant.Length == 0 || !(await tenants.Active()).Contains(tenant)) return;
        var grain = grains.GetGrain<IObjectGrain>(StoreKeys.Object(StoreKeys.SystemTenant, ResourceKinds.Namespace, null, tenant));
        if (await grain.Get() is not null) return;
        await grain.Create(new Namespace { Metadata = new ObjectMeta { Name = tenant } }, Controllers.SystemActors.Bootstrap);
    }

    private async Task<User?> UserOf(string tenant, AccessToken token) =>
        Api.ResourcePath.SegmentNameProblem(token.Spec.User) is null
            ? await grains.GetGrain<IObjectGrain>(StoreKeys.Object(tenant, ResourceKinds.User, token.Metadata.Namespace ?? "", token.Spec.User)).Get() as User
            : null;

    public static User WithPasswordHashed(User user, User? stored)
    {
        var spec = user.Spec;
        if (spec.Password is { } password)
        {
            if (password.Length is >= Credentials.MinPasswordLength and <= Credentials.MaxPasswordLength)
                spec = spec with { Password = null, PasswordHash = Credentials.HashPassword(password) };
        }
        else if (spec.PasswordHash is null)
        {
            spec = spec with { PasswordHash = stored?.Spec.PasswordHash };
        }
        return user with { Spec = spec, Metadata = WithoutPasswordInAnnotation(user.Metadata) };
    }

    /// <summary>kubectl apply keeps the applied manifest in an annotation: its password must not be stored there either.</summary>
    private static ObjectMeta WithoutPasswordInAnnotation(ObjectMeta meta)
    {
        if (meta.Annotations?.GetValueOrDefault(LastApplied) is not { } applied || !applied.Contains("password", StringComparison.Ordinal)) return meta;
        string scrubbed;
        try
        {
            var node = JsonNode.Parse(applied);
            if (node?["spec"] is JsonObject spec) spec.Remove("password");
            scrubbed = node?.ToJsonString() ?? "";
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: it is no manifest kubectl could use, and may hold the password.
            scrubbed = "";
        }
        var annotations = new Dictionary<string, string>(meta.Annotations, StringComparer.Ordinal);
        if (scrubbed.Length == 0) annotations.Remove(LastApplied);
        else annotations[LastApplied] = scrubbed;
        return meta with { Annotations = annotations };
    }
}
