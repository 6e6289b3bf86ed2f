using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;

namespace OrleansOrchestrator.Silo.Store;

/// <summary>
/// What a controller's claim needs from a collection (implemented by <see cref="CollectionGrain"/>, same key):
/// only the objects it could own — those it controls and the orphans its selector matches — instead of the whole
/// namespace. A ReplicaSet's pass used to list (and check) every pod of its namespace: with a hundred
/// ReplicaSets of a hundred pods, each pass walked ten thousand pods on the controller's side.
/// </summary>
[Alias("oo.IClaimCandidates")]
public interface IClaimCandidates : IGrainWithStringKey
{
    /// <summary>
    /// The released objects whose controller reference has <paramref name="ownerUid"/>, plus the objects without a
    /// controller whose labels meet every requirement of <paramref name="selector"/> (an empty selector matches
    /// nothing, as in a claim). Objects another controller owns are left out: a claim never adopts them.
    /// </summary>
    [Alias("ClaimCandidates"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<KubeObject>> ClaimCandidates(string ownerUid, IReadOnlyList<LabelRequirement> selector);
}
