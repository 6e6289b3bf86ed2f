namespace OrleansOrchestrator.Agents.Runtime.Docker;

/// <summary>
/// Reports on the caller's thread, in order. <see cref="Progress{T}"/> posts each report to the thread pool, so
/// reports arrive out of order and may still be running after the Docker.DotNet call has returned — too late
/// to notice an error message in a pull or import stream.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
