using Orleans.Concurrency;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Security;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api.Auth.ServiceAccounts;

/// <summary>The API's certificate as pods trust it (<c>ca.crt</c> of their service account folder).</summary>
public sealed record ApiCertificatePem(string Pem);

/// <summary>
/// Issues a pod's projected token for its node's agent, as the kubelet's TokenRequest for the pod: only for a pod that
/// exists with the uid the agent names and is bound to the asking node, so an agent cannot mint tokens of pods it
/// does not run.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class PodTokenGrain(ServiceAccountTokens tokens, ApiCertificatePem certificate) : Grain, IPodTokenGrain
{
    public async Task<PodToken> Issue(string podKey, string uid, string node)
    {
        var (tenant, _, _, _) = StoreKeys.ParseObject(podKey);
        var pod = await GrainFactory.GetGrain<IObjectGrain>(podKey).Get() as Pod;
        if (pod is null || pod.Metadata.Uid != uid) return Refused($"pod {podKey} with uid {uid} not found");
        if (pod.Spec.NodeName != node) return Refused($"pod {podKey} is not bound to node {node}");
        if (pod.Spec.AutomountServiceAccountToken == false) return new PodToken(null, default, default, certificate.Pem, null, Automount: false);
        var accountName = pod.Spec.ServiceAccountName is { Length: > 0 } named ? named : "default";
        var account = await GrainFactory.GetGrain<IObjectGrain>(StoreKeys.Object(tenant, ResourceKinds.ServiceAccount, pod.Metadata.Namespace ?? "", accountName)).Get() as ServiceAccount;
        // The pod's own setting wins; unset, the account's decides.
        if (pod.Spec.AutomountServiceAccountToken is null && account?.AutomountServiceAccountToken == false)
            return new PodToken(null, default, default, certificate.Pem, null, Automount: false);
        try
        {
            var token = await tokens.ForPod(tenant, pod);
            return new PodToken(tokens.Jwt.Issue(token), token.IssuedAt, token.Expires, certificate.Pem, null);
        }
        catch (ApiException e)
        {
            return Refused(e.Message);
        }
    }

    private PodToken Refused(string reason) => new(null, default, default, certificate.Pem, reason);
}
