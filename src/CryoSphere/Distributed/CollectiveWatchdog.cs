using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CryoSphere.Distributed;

/// <summary>
/// Ends the process with one line when a collective call has not returned for <see cref="Timeout"/>: a rank
/// that died or hangs leaves the others blocked inside MPI forever (Open MPI's shared-memory transport does not
/// report a dead peer), and a batch job would burn its allocation. mpirun usually kills the job first; this is
/// the backstop for launchers that do not (srun without --kill-on-bad-exit, a hung node).
/// </summary>
internal sealed class CollectiveWatchdog : IDisposable
{
    public const int ExitCode = 3;
    private long startedTicks;   // 0 when no collective is in flight
    private string what = "";
    private readonly Thread thread;
    private volatile bool stopped;
    private readonly Func<string, string> message;

    public TimeSpan Timeout { get; }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitNow(int code);

    /// <param name="timeout">How long one collective may block.</param>
    /// <param name="message">The one line printed for a reason to stop.</param>
    public CollectiveWatchdog(TimeSpan timeout, Func<string, string> message)
    {
        Timeout = timeout;
        this.message = message;
        thread = new Thread(Watch) { IsBackground = true, Name = "MPI watchdog" };
        thread.Start();
    }

    /// <summary>Marks a collective in flight until the returned scope is disposed.</summary>
    public Scope Enter(string collective)
    {
        what = collective;
        Interlocked.Exchange(ref startedTicks, Stopwatch.GetTimestamp());
        return new Scope(this);
    }

    public readonly struct Scope(CollectiveWatchdog w) : IDisposable
    {
        public void Dispose() => Interlocked.Exchange(ref w.startedTicks, 0);
    }

    private void Watch()
    {
        while (!stopped)
        {
            Thread.Sleep(200);
            long t = Interlocked.Read(ref startedTicks);
            if (t != 0 && Stopwatch.GetElapsedTime(t) > Timeout)
                Stop($"no answer from the other ranks in {what} for {Timeout.TotalSeconds:0} s (a rank died or hangs)");
        }
    }

    /// <summary>Prints one line and exits at once: another thread is blocked inside MPI and cannot unwind.</summary>
    public void Stop(string why)
    {
        try
        {
            Console.Error.WriteLine(message(why));
            Console.Error.Flush();
        }
        finally { ExitNow(ExitCode); }
    }

    public void Dispose() => stopped = true;
}
