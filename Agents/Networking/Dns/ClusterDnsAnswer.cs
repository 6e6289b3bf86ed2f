using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace OrleansOrchestrator.Agents.Networking.Dns;

/// <summary>
/// What the cluster DNS says to one question: either an answer of its own (authoritative for names under
/// the cluster domain), or "ask upstream" for names it does not own.
/// </summary>
public sealed record ClusterDnsAnswer
{
    public ReturnCode Code { get; init; } = ReturnCode.NoError;

    public IReadOnlyList<DnsRecordBase> Answers { get; init; } = [];

    /// <summary>The zone's SOA on negative answers, so that resolvers cache the absence for the zone's short TTL only.</summary>
    public IReadOnlyList<DnsRecordBase> Authority { get; init; } = [];

    /// <summary>The addresses of SRV targets, saving the client a second round trip.</summary>
    public IReadOnlyList<DnsRecordBase> Additional { get; init; } = [];

    /// <summary>The name is not ours: the whole question goes to the upstream servers.</summary>
    public bool Forward { get; init; }

    /// <summary>
    /// The answer ends in a CNAME (an ExternalName Service) to a name outside the cluster domain: the server
    /// resolves <see cref="ChaseName"/> upstream and appends what it finds, as CoreDNS does, because stub
    /// resolvers do not follow a bare CNAME themselves.
    /// </summary>
    public DomainName? ChaseName { get; init; }

    public bool Authoritative => !Forward && Code is ReturnCode.NoError or ReturnCode.NxDomain;

    public static ClusterDnsAnswer ForwardUpstream { get; } = new() { Forward = true };

    public static ClusterDnsAnswer Failure(ReturnCode code) => new() { Code = code };
}
