using System.Diagnostics;
using System.Globalization;

namespace CryoSphere.Training;

/// <summary>
/// <c>RUN/train.lock</c>: the PID and host of the process training into a run folder, so a second
/// <c>train</c> into the same folder refuses instead of interleaving checkpoints and logs. Created with
/// CreateNew (atomic), removed on dispose; a lock whose process is gone (same host) is stale and replaced.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly string _path;
    private bool _released;

    private RunLock(string path) => _path = path;

    public static string PathIn(RunFolder f) => System.IO.Path.Combine(f.Root, "train.lock");

    /// <summary>Refuses when a live process holds the folder (cheap check before the setup work); null when free.</summary>
    public static string? Holder(RunFolder f)
    {
        string p = PathIn(f);
        if (!File.Exists(p)) return null;
        var (pid, host) = Parse(p);
        return IsLive(pid, host) ? Describe(pid, host) : null;
    }

    /// <summary>Takes the lock; a stale one is replaced and reported through <paramref name="warn"/>.</summary>
    public static RunLock Acquire(RunFolder f, Action<string> warn)
    {
        string p = PathIn(f);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using (var fs = new FileStream(p, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                using (var w = new StreamWriter(fs))
                    w.Write($"{Environment.ProcessId} {Environment.MachineName}\n");
                return new RunLock(p);
            }
            catch (IOException) when (File.Exists(p))
            {
                var (pid, host) = Parse(p);
                if (IsLive(pid, host))
                    throw new RunFailedException($"{f.Root} is in use by another training run ({Describe(pid, host)}); wait for it or choose another --out");
                warn($"removed a stale lock from {Describe(pid, host)} (that process is gone)");
                File.Delete(p);
            }
        }
        throw new RunFailedException($"could not lock {f.Root} (another process keeps creating {p})");
    }

    private static (int Pid, string Host) Parse(string p)
    {
        string[] parts;
        try { parts = File.ReadAllText(p).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries); }
        catch (IOException) { return (0, ""); }
        int pid = parts.Length > 0 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : 0;
        return (pid, parts.Length > 1 ? parts[1] : "");
    }

    /// <summary>
    /// True unless the lock provably belongs to a dead process: on this host we can look the PID up; a lock from
    /// another host (shared file system) cannot be checked, so it counts as live and the message says which host.
    /// </summary>
    private static bool IsLive(int pid, string host)
    {
        if (pid <= 0) return false;
        if (!string.Equals(host, Environment.MachineName, StringComparison.Ordinal)) return true;
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var proc = Process.GetProcessById(pid);
            return !proc.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static string Describe(int pid, string host) =>
        string.Equals(host, Environment.MachineName, StringComparison.Ordinal) ? $"PID {pid}" : $"PID {pid} on host {host}; delete train.lock if no such process runs";

    public void Dispose()
    {
        if (_released) return;
        _released = true;
        try { File.Delete(_path); } catch (IOException) { }
    }
}
