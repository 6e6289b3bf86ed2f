using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OrleansOrchestrator.Agents.Runtime.Docker;

/// <summary>
/// Sockets made inside another process's network namespace (a pod's sandbox), as the kubelet's port forwarder does:
/// a socket belongs to the namespace it was created in for its whole life, whichever thread uses it afterwards. Only
/// creating it needs the namespace, so a dedicated thread enters it (setns(2) changes the calling thread only), creates
/// the socket, returns to its own namespace and ends — no thread of the pool ever runs in a pod's network.
/// Needs CAP_SYS_ADMIN (the agent runs as root, as a kubelet does).
/// </summary>
internal static partial class NetworkNamespace
{
    private const int CloneNewNet = 0x40000000; // CLONE_NEWNET: only a network namespace may be entered through the fd

    public static Socket CreateTcpSocket(int pid, AddressFamily family)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid);
        Socket? created = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var own = File.OpenHandle("/proc/thread-self/ns/net");
                using var pods = File.OpenHandle($"/proc/{pid}/ns/net");
                Enter(pods, $"the network namespace of process {pid}");
                try
                {
                    created = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
                }
                finally
                {
                    // Should this fail, the thread still ends right after; nothing else ever runs on it.
                    Enter(own, "the agent's own network namespace");
                }
            }
            catch (Exception e)
            {
                created?.Dispose();
                created = null;
                failure = e is IOException or UnauthorizedAccessException
                    ? new PodPortUnreachableException($"cannot enter the pod's network namespace: {e.Message}", e)
                    : e;
            }
        })
        {
            IsBackground = true,
            Name = "pod network namespace",
        };
        // A moment's work (two opens, two setns, one socket): waiting for it is cheaper than a hop through a task.
        thread.Start();
        thread.Join();
        return created ?? throw failure ?? new InvalidOperationException("no socket was made");
    }

    private static void Enter(SafeFileHandle namespaceFile, string what)
    {
        if (setns((int)namespaceFile.DangerousGetHandle(), CloneNewNet) != 0)
        {
            throw new PodPortUnreachableException($"cannot enter {what}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);
}
