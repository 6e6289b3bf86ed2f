using System.Diagnostics;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Networking.Proxy;

/// <summary>How one node's Service proxy runs.</summary>
public sealed record ServiceProxyOptions
{
    public required string NodeName { get; init; }

    /// <summary>The node's addresses (LoadBalancer Services this node serves are offered there).</summary>
    public required IReadOnlyList<string> NodeAddresses { get; init; }

    public required ProxyChainNames Chains { get; init; }

    /// <summary>The node's DNS server port on each tenant gateway; null: no DNS redirect.</summary>
    public int? DnsPort { get; init; }

    /// <summary>Changes that arrive within this time are applied together.</summary>
    public TimeSpan CoalesceDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How often the kernel's rules are compared with ours (and repaired when someone changed them), at least: a
    /// check reads both tables whole, which takes seconds with thousands of Services, so the pause between checks
    /// is also at least <see cref="RepairCostFactor"/> times the last check's duration.
    /// </summary>
    public TimeSpan RepairInterval { get; init; } = TimeSpan.FromSeconds(3);

    public int RepairCostFactor { get; init; } = 5;

    /// <summary>Where this host's agents say they are alive (one folder for all of them: see <see cref="ProxyLeases"/>).</summary>
    public ProxyLeases Leases { get; init; } = ProxyLeases.Host;
}

/// <summary>
/// The node's Service proxy (kube-proxy's iptables mode): keeps this agent's chains equal to
/// <see cref="ProxyRuleBuilder"/>'s output for the routes it is pushed. A change is applied as one
/// <c>iptables-restore --noflush</c> transaction of our chains only; every <see cref="ServiceProxyOptions.RepairInterval"/>
/// the kernel's copy is compared with what we wrote and rewritten when it differs. Nothing is applied before the
/// directory's view is complete, so that a restarted agent keeps the rules of its previous run (and traffic keeps
/// flowing) until it knows every Service; and nothing is removed when the agent stops. <paramref name="hostPorts"/>
/// (this node's pods' published ports) are guarded so that only their own tenant's pods reach them.
/// </summary>
public sealed partial class ServiceProxy(IServiceRoutes routes, ITenantNetworks tenantNetworks, ServiceProxyOptions options, ILogger<ServiceProxy> logger,
    IHostPortOwners? hostPorts = null)
{
    private const string Iptables = "iptables";
    private const string IptablesSave = "iptables-save";
    private const string IptablesRestore = "iptables-restore";

    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private readonly SemaphoreSlim _syncGate = new(1, 1);
    private ProxyRules? _applied;
    private string? _routedCidr;
    private bool _toldWaiting;
    private bool _toldLeaseFailed;

    /// <summary>How many times rules were written to the kernel (for tests and status).</summary>
    public int Applies { get; private set; }

    /// <summary>The tenant bridges the rules now in the kernel were written for (their cluster IPs and DNS address).</summary>
    private IReadOnlySet<string> _appliedBridges = new HashSet<string>();

    /// <summary>
    /// Whether the kernel holds rules for a complete view of the routes that cover every one of
    /// <paramref name="networks"/>: until then a pod on such a network could send its first DNS question or
    /// connection to a Service before any rule catches it.
    /// </summary>
    public bool Covers(IReadOnlyList<TenantNetwork> networks)
    {
        var applied = Volatile.Read(ref _appliedBridges);
        return Applies > 0 && networks.All(n => applied.Contains(n.Bridge));
    }

    /// <summary>How many times rules changed behind our back were rewritten.</summary>
    public int Repairs { get; private set; }

    /// <summary>How long the last write took (build, restore and read-back).</summary>
    public TimeSpan LastApplyDuration { get; private set; }

    public async Task Run(CancellationToken cancellationToken)
    {
        void OnChanged() => _changed.Release();
        routes.Changed += OnChanged;
        tenantNetworks.Changed += OnChanged;
        if (hostPorts is not null) hostPorts.Changed += OnChanged;
        try
        {
            if (await IptablesUnusable(cancellationToken) is { } problem)
            {
                LogIptablesUnusable(logger, options.NodeName, problem);
                return;
            }
            EnableForwarding();
            // Before the first rule: another agent starting now must see that these chains are looked after.
            RenewLease();
            LogStarted(logger, options.NodeName, options.Chains.Prefix);
            await SyncNow(force: false, cancellationToken);
            var nextRepair = DateTime.UtcNow + options.RepairInterval;
            while (!cancellationToken.IsCancellationRequested)
            {
                var untilRepair = nextRepair - DateTime.UtcNow;
                if (untilRepair > TimeSpan.Zero && await _changed.WaitAsync(untilRepair, cancellationToken))
                {
                    await Task.Delay(options.CoalesceDelay, cancellationToken);
                    while (_changed.CurrentCount > 0) await _changed.WaitAsync(cancellationToken);
                    await SyncNow(force: false, cancellationToken);
                    continue;
                }
                var check = Stopwatch.StartNew();
                RenewLease();
                await RepairIfChanged(cancellationToken);
                var pause = TimeSpan.FromTicks(Math.Max(options.RepairInterval.Ticks, check.Elapsed.Ticks * options.RepairCostFactor));
                nextRepair = DateTime.UtcNow + pause;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Rules stay in place when the agent stops: traffic keeps flowing until the next agent takes over.
        }
        finally
        {
            routes.Changed -= OnChanged;
            tenantNetworks.Changed -= OnChanged;
            if (hostPorts is not null) hostPorts.Changed -= OnChanged;
        }
    }

    /// <summary>
    /// Brings the kernel's rules to what the routes say now. The first write (and any after a failure or a repair)
    /// is whole: every chain of ours, the stale ones of an earlier run deleted, missing jumps put back. After that,
    /// only the chains that changed are rewritten. <paramref name="force"/> makes it whole. Returns whether rules
    /// were written; errors are logged and retried on the next pass.
    /// </summary>
    public async Task<bool> SyncNow(bool force, CancellationToken cancellationToken)
    {
        await _syncGate.WaitAsync(cancellationToken);
        try
        {
            if (routes.Network is not { } network) return false;
            await RouteServiceRange(network, cancellationToken);
            if (!routes.Complete || hostPorts is { Complete: false })
            {
                // An incomplete view would remove the rules of Services we have not heard of yet, or the guards of
                // host ports whose pods a restarted agent has not listed yet.
                if (!_toldWaiting) LogWaitingForCompleteView(logger, options.NodeName);
                _toldWaiting = true;
                return false;
            }

            var started = Stopwatch.StartNew();
            var bridges = tenantNetworks.Known;
            var rules = ProxyRuleBuilder.Build(new ProxyInputs
            {
                Routes = routes.Routes.Values.ToList(),
                NodeName = options.NodeName,
                NodeAddresses = options.NodeAddresses,
                Network = network,
                TenantNetworks = bridges,
                HostPorts = hostPorts?.Known ?? [],
                DnsPort = options.DnsPort,
                Chains = options.Chains,
            });
            string script;
            var whole = force || _applied is null;
            if (whole)
            {
                var saved = await SaveTables(cancellationToken);
                await ReclaimAbandoned(saved, cancellationToken);
                var existing = saved.ToDictionary(t => t.Key, t => IptablesState.OwnChains(t.Value, options.Chains));
                script = rules.RestoreScript(existing, MissingJumps(saved));
            }
            else if (ProxyRulesDiff.Script(_applied!, rules) is { } partial)
            {
                script = partial;
            }
            else
            {
                Volatile.Write(ref _appliedBridges, bridges.Select(n => n.Bridge).ToHashSet());
                hostPorts?.Guarded(rules.GuardedHostPorts);
                return false;
            }

            _applied = null;
            await HostCommand.RunChecked(IptablesRestore, ["--noflush", "-w"], script, cancellationToken);
            _applied = rules;
            Volatile.Write(ref _appliedBridges, bridges.Select(n => n.Bridge).ToHashSet());
            hostPorts?.Guarded(rules.GuardedHostPorts);
            Applies++;
            LastApplyDuration = started.Elapsed;
            if (whole) LogAppliedWhole(logger, options.NodeName, routes.Routes.Count, rules.Nat.Rules.Count + rules.Filter.Rules.Count, started.ElapsedMilliseconds);
            else LogApplied(logger, options.NodeName, routes.Routes.Count, rules.Nat.Rules.Count + rules.Filter.Rules.Count, started.ElapsedMilliseconds);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _applied = null;
            LogApplyFailed(logger, e, options.NodeName);
            return false;
        }
        finally
        {
            _syncGate.Release();
        }
    }

    /// <summary>
    /// Compares the kernel's copy of our chains with what we wrote (chains, rules per chain, jumps); rewrites all
    /// of them when anything differs.
    /// </summary>
    public async Task<bool> RepairIfChanged(CancellationToken cancellationToken)
    {
        try
        {
            if (routes.Network is { } network) await RouteServiceRange(network, cancellationToken, force: true);
            if (_applied is not { } applied)
            {
                // Never applied (or the last attempt failed): try again.
                return await SyncNow(force: true, cancellationToken);
            }
            var saved = await SaveTables(cancellationToken);
            await ReclaimAbandoned(saved, cancellationToken);
            if (Matches(applied, saved)) return false;
            LogRepairing(logger, options.NodeName);
            Repairs++;
            return await SyncNow(force: true, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogApplyFailed(logger, e, options.NodeName);
            return false;
        }
    }

    private bool Matches(ProxyRules applied, IReadOnlyDictionary<string, string> saved)
    {
        foreach (var table in new[] { applied.Nat, applied.Filter })
        {
            var counts = IptablesState.RuleCounts(saved[table.Name], options.Chains);
            var expected = table.RulesByChain.ToDictionary(c => c.Key, c => c.Value.Count);
            if (counts.Count != expected.Count || counts.Any(c => !expected.TryGetValue(c.Key, out var n) || n != c.Value)) return false;
        }
        return options.Chains.Jumps.All(j => IptablesState.HasJump(saved[j.Table], j.From, j.To));
    }

    private void RenewLease()
    {
        try
        {
            options.Leases.Renew(options.Chains);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!_toldLeaseFailed) LogLeaseFailed(logger, e, options.Leases.Directory);
            _toldLeaseFailed = true;
        }
    }

    /// <summary>
    /// Removes the chains (and jumps) of the other agents on this host whose lease ran out (<see cref="ProxyLeases"/>),
    /// from the tables just read. Ours are not touched; a failure (say, another agent removing the same ones at the
    /// same moment) is logged and tried again at the next check.
    /// </summary>
    private async Task ReclaimAbandoned(IReadOnlyDictionary<string, string> saved, CancellationToken cancellationToken)
    {
        try
        {
            var abandoned = options.Leases.Abandoned(saved.Values.SelectMany(table => IptablesState.OtherOwners(table, options.Chains)).Distinct());
            if (abandoned.Count == 0) return;
            if (IptablesState.RemovalScript(saved, abandoned.Select(prefix => new ProxyChainNames(prefix)).ToList()) is { } script)
                await HostCommand.RunChecked(IptablesRestore, ["--noflush", "-w"], script, cancellationToken);
            foreach (var prefix in abandoned) options.Leases.Release(prefix);
            LogReclaimed(logger, options.NodeName, abandoned.Count, string.Join(", ", abandoned));
        }
        catch (Exception e) when (e is HostCommandException or IOException or UnauthorizedAccessException)
        {
            LogReclaimFailed(logger, e, options.NodeName);
        }
    }

    /// <summary>
    /// Removes every chain of <paramref name="chains"/> and the jumps to them (the agent's <c>--cleanup</c>;
    /// agents never do this on their own when they stop, so that traffic keeps flowing across restarts; another
    /// agent of the host does it once the lease is old, see <see cref="ProxyLeases"/>), and the lease.
    /// </summary>
    public static async Task Cleanup(ProxyChainNames chains, CancellationToken cancellationToken = default)
    {
        if (IptablesState.RemovalScript(await SaveTables(cancellationToken), [chains]) is { } script)
            await HostCommand.RunChecked(IptablesRestore, ["--noflush", "-w"], script, cancellationToken);
        ProxyLeases.Host.Release(chains.Prefix);
    }

    /// <summary>
    /// The jumps from the built-in chains that are missing: they go in front of what others (Docker) put there, in
    /// the same transaction as the chains they lead to.
    /// </summary>
    private Dictionary<string, IReadOnlyList<string>> MissingJumps(IReadOnlyDictionary<string, string> saved) =>
        IptablesState.Tables.ToDictionary(table => table, IReadOnlyList<string> (table) => options.Chains.Jumps
            .Where(j => j.Table == table && !IptablesState.HasJump(saved[table], j.From, j.To))
            .Select(j => $"-I {j.From} 1 -m comment --comment \"orleans-orchestrator service proxy\" -j {j.To}")
            .ToList());

    private static async Task<string?> IptablesUnusable(CancellationToken cancellationToken)
    {
        try
        {
            var result = await HostCommand.Run(IptablesSave, ["-t", "nat"], cancellationToken: cancellationToken);
            return result.Succeeded ? null : result.Error.Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }

    private static async Task<Dictionary<string, string>> SaveTables(CancellationToken cancellationToken)
    {
        var saved = new Dictionary<string, string>();
        foreach (var table in IptablesState.Tables)
            saved[table] = await HostCommand.RunChecked(IptablesSave, ["-t", table], cancellationToken: cancellationToken);
        return saved;
    }

    /// <summary>
    /// Routes the service range to this host (<c>ip route replace local CIDR dev lo</c>): a packet to a cluster IP
    /// is delivered here, never sent to the default gateway, even before any rule exists.
    /// </summary>
    private async Task RouteServiceRange(ClusterNetwork network, CancellationToken cancellationToken, bool force = false)
    {
        if (!force && _routedCidr == network.ServiceCidr) return;
        await HostCommand.RunChecked("ip", ["route", "replace", "local", network.ServiceCidr, "dev", "lo"], cancellationToken: cancellationToken);
        if (_routedCidr != network.ServiceCidr) LogRouted(logger, network.ServiceCidr);
        _routedCidr = network.ServiceCidr;
    }

    private void EnableForwarding()
    {
        // route_localnet lets node ports answer on 127.0.0.1 (the packet is translated to a pod address); ip_forward
        // carries pod and node-port traffic between interfaces.
        foreach (var (path, value) in new[] { ("/proc/sys/net/ipv4/conf/all/route_localnet", "1"), ("/proc/sys/net/ipv4/ip_forward", "1") })
        {
            try
            {
                if (File.ReadAllText(path).Trim() != value) File.WriteAllText(path, value);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogSysctlFailed(logger, e, path);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service proxy of node {Node} started (chains {Prefix}*)")]
    private static partial void LogStarted(ILogger logger, string node, string prefix);

    [LoggerMessage(Level = LogLevel.Error, Message = "Service proxy of node {Node} is not running: iptables cannot be used here ({Problem}). Cluster IPs and node ports will not answer on this node; start the agent with --no-proxy to run without it")]
    private static partial void LogIptablesUnusable(ILogger logger, string node, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service proxy: the service range {Cidr} is routed to this host")]
    private static partial void LogRouted(ILogger logger, string cidr);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service proxy of node {Node}: waiting for the directory's complete view (and a first listing of the node's pods) before changing rules")]
    private static partial void LogWaitingForCompleteView(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service proxy of node {Node}: all chains written ({Routes} Services, {Rules} rules) in {Milliseconds} ms")]
    private static partial void LogAppliedWhole(ILogger logger, string node, int routes, int rules, long milliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Service proxy of node {Node}: changed chains written ({Routes} Services, {Rules} rules) in {Milliseconds} ms")]
    private static partial void LogApplied(ILogger logger, string node, int routes, int rules, long milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Service proxy of node {Node}: applying rules failed; retrying")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service proxy of node {Node}: its rules were changed behind its back; rewriting them")]
    private static partial void LogRepairing(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service proxy of node {Node}: removed the rules of {Count} agent(s) of this host gone for longer than their lease ({Prefixes})")]
    private static partial void LogReclaimed(ILogger logger, string node, int count, string prefixes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service proxy of node {Node}: could not remove the rules of agents gone from this host; trying again at the next check")]
    private static partial void LogReclaimFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service proxy: could not renew this agent's lease in {Directory}; other agents of this host may remove its rules once it is older than their limit")]
    private static partial void LogLeaseFailed(ILogger logger, Exception exception, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service proxy: could not set {Path}")]
    private static partial void LogSysctlFailed(ILogger logger, Exception exception, string path);
}
