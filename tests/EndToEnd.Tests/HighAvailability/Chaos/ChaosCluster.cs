namespace OrleansOrchestrator.Chaos;

/// <summary>
/// One silo of the control plane under test, as the chaos harness needs it: where its API listens, the certificate
/// it serves there, and a way to kill it (SIGKILL, as a crash) and start it again over the same data folder and ports.
/// The end-to-end tests and <c>bench chaos</c> adapt their own process wrappers to it.
/// </summary>
public interface IChaosSilo
{
    string Name { get; }

    Uri ApiUri { get; }

    /// <summary>The API's certificate (PEM); it stays the same across restarts (it lives in the data folder).</summary>
    string CertificatePem { get; }

    Task Kill();

    Task Start();
}

/// <summary>
/// A real node of the cluster under test: an agent process running its pods' containers on the Docker engine, joined
/// through every silo's gateway (as the production topology has it), so that it outlives the loss of any one silo.
/// </summary>
public interface IChaosDockerNode
{
    string Name { get; }

    /// <summary>An image present in the engine (no registry is reachable) with <c>sh</c> and <c>sleep</c>.</summary>
    string Image { get; }

    /// <summary>The engine's running containers of this node, as read from the labels the agent puts on them.</summary>
    Task<IReadOnlyList<EngineContainer>> RunningContainers();
}

/// <summary>One running container in the engine: the pod it belongs to and whether it is the pod's sandbox or one of its containers.</summary>
public sealed record EngineContainer(string Id, string Namespace, string Pod, bool Sandbox);

/// <summary>How hard and how long a chaos run pushes (the short form in CI, the long form in <c>bench chaos</c>).</summary>
public sealed record ChaosSettings
{
    public int Rounds { get; init; } = 3;

    /// <summary>Time between kills; each round kills one silo and restarts it.</summary>
    public TimeSpan Round { get; init; } = TimeSpan.FromSeconds(20);

    public double WritesPerSecond { get; init; } = 50;

    /// <summary>Writes in flight at most (each writer owns its own objects, so its writes never conflict).</summary>
    public int WriteConcurrency { get; init; } = 8;

    /// <summary>ConfigMaps the writers create and then update over and over.</summary>
    public int ConfigMaps { get; init; } = 200;

    public int Watches { get; init; } = 10;

    public int Replicas { get; init; } = 50;

    public string Namespace { get; init; } = "chaos";

    /// <summary>The silo the monkey never kills (the dashboard is open on it), or null to kill any.</summary>
    public int? SparedSilo { get; init; }

    /// <summary>How long the rollout may take to finish once the chaos is over.</summary>
    public TimeSpan RolloutDeadline { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How long every watch may take, after the last write, to show the same state as a fresh list.</summary>
    public TimeSpan ConvergenceDeadline { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>A real Docker node to keep a small Deployment running on through the chaos (null: simulated nodes only).</summary>
    public IChaosDockerNode? DockerNode { get; init; }

    /// <summary>Called once the Deployment is available, before the first kill (e.g. to open the dashboard on it).</summary>
    public Func<Task>? DeploymentReady { get; init; }

    public int Seed { get; init; } = Random.Shared.Next();

    /// <summary>Where progress and findings are printed.</summary>
    public Action<string> Log { get; init; } = Console.WriteLine;
}
