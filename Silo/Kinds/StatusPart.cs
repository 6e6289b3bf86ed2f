using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Kinds;

/// <summary>
/// A kind's observed state, written only through the <c>status</c> subresource: how to take it from another
/// object (a main write keeps the stored status; a status write keeps everything else), and what a new
/// object starts with (a client cannot create an object with a status of its choosing).
/// </summary>
public sealed record StatusPart<T>(Func<T, T, T> WithStatusOf, Func<T, T> OnCreate) where T : KubeObject;
