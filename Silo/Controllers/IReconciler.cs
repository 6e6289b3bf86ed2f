namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>
/// A level-triggered control loop for one key. <see cref="Wake"/> only says "look again": the loop reads
/// the current state itself and never trusts the event that woke it.
/// </summary>
public interface IReconciler : IGrainWithStringKey
{
    [Orleans.Concurrency.OneWay]
    Task Wake();
}

/// <summary>Keeps the pods of one ReplicaSet (key: the ReplicaSet's store key).</summary>
[Alias("oo.IReplicaSetController")]
public interface IReplicaSetController : IReconciler;

/// <summary>Rolls one Deployment out through its ReplicaSets (key: the Deployment's store key).</summary>
[Alias("oo.IDeploymentController")]
public interface IDeploymentController : IReconciler;

/// <summary>Runs the pods of one Job to completion (key: the Job's store key).</summary>
[Alias("oo.IJobController")]
public interface IJobController : IReconciler;

/// <summary>Binds the pending pods of one pod collection to nodes (key: the collection key).</summary>
[Alias("oo.IScheduler")]
public interface IScheduler : IReconciler;

/// <summary>Deletes or releases the dependents of deleted owners in one namespace (key: tenant/namespace).</summary>
[Alias("oo.IGarbageCollector")]
public interface IGarbageCollector : IReconciler;

/// <summary>Starts the Jobs of one CronJob on its schedule (key: the CronJob's store key).</summary>
[Alias("oo.ICronJobController")]
public interface ICronJobController : IReconciler;
