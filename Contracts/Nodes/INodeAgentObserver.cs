using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Nodes;

/// <summary>The push channel from a node's grain to its agent: a bound pod changed or went away.</summary>
[Alias("oo.INodeAgentObserver")]
public interface INodeAgentObserver : IGrainObserver
{
    /// <param name="podKey">The pod's store key (carries its tenant).</param>
    /// <param name="pod">The pod's newest state, or null once it is deleted.</param>
    [Alias("PodChanged")]
    void PodChanged(string podKey, Pod? pod);
}
