using System.Runtime.InteropServices;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// The folder of the cluster's credentials (<see cref="SiloOptions.CredentialsPath"/>), which every silo of one control plane
/// may share (one host's folder, an NFS mount, a mounted Kubernetes or vault secret). A silo holds its lock while it reads
/// the credentials and makes what is missing, so that of two silos started at once on an empty folder one makes them
/// and the other reads that one's, instead of each making its own certificate, token and keys.
/// <para>
/// The lock is <c>flock</c> on <c>.lock</c> in the folder: the kernel drops it when its holder dies, so a crashed silo
/// leaves no stale lock. A folder the silo cannot write (a read-only mounted secret) holds the credentials already;
/// they are then read without the lock.
/// </para>
/// </summary>
public sealed class CredentialsFolder : IDisposable
{
    public const string LockName = ".lock";

    private int _descriptor;

    private CredentialsFolder(int descriptor) => _descriptor = descriptor;

    /// <summary>Whether the lock is held (false: the folder is read-only, nothing will be made in it).</summary>
    public bool Locked => _descriptor >= 0;

    /// <summary>Takes the folder's lock, waiting up to <paramref name="timeout"/> for another silo to finish its start.</summary>
    public static async Task<CredentialsFolder> Lock(string folder, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows()) return new CredentialsFolder(-1);
        // A folder that exists is left as it is: it may be a mounted secret, which is not ours to chmod.
        if (!Directory.Exists(folder)) DataFolder.CreateFolder(folder);
        var path = Path.Combine(folder, LockName);
        var descriptor = Native.open(path, Native.ReadWriteCreate, 0b110_000_000);
        if (descriptor < 0) descriptor = Native.open(path, Native.ReadOnly, 0);
        if (descriptor < 0) return new CredentialsFolder(-1);
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(20);
        while (Native.flock(descriptor, Native.LockExclusive | Native.LockNonBlocking) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error != Native.WouldBlock && error != Native.Interrupted)
            {
                // A file system without flock: the start goes on unlocked, as on a read-only folder.
                Native.close(descriptor);
                return new CredentialsFolder(-1);
            }
            if (DateTime.UtcNow > deadline)
            {
                Native.close(descriptor);
                throw new TimeoutException($"{path} stayed locked for {timeout.TotalSeconds:0} s: another silo holds it while it starts (or is stuck starting).");
            }
            // Another silo is making or reading the credentials: its start takes well under a second.
            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
        return new CredentialsFolder(descriptor);
    }

    public void Dispose()
    {
        var descriptor = Interlocked.Exchange(ref _descriptor, -1);
        if (descriptor >= 0) Native.close(descriptor); // closing the last descriptor releases the flock
    }

    private static class Native
    {
        public const int ReadOnly = 0;
        public const int ReadWriteCreate = 0x2 | 0x40 | 0x80000; // O_RDWR | O_CREAT | O_CLOEXEC
        public const int LockExclusive = 2;
        public const int LockNonBlocking = 4;
        public const int WouldBlock = 11; // EWOULDBLOCK (EAGAIN) on Linux
        public const int Interrupted = 4; // EINTR

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

        [DllImport("libc", SetLastError = true)]
        public static extern int flock(int fd, int operation);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
}
