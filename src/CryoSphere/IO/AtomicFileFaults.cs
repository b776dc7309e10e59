namespace CryoSphere.IO;

/// <summary>
/// Fault injection for tests of full-disk handling: when <see cref="DiskFullFor"/> returns true for the
/// final path being written, the write fails like ENOSPC after part of the data reached the temporary file.
/// Per async flow, so tests running beside each other do not see each other's faults.
/// </summary>
internal static class AtomicFileFaults
{
    private static readonly AsyncLocal<Func<string, bool>?> Fault = new();

    public static Func<string, bool>? DiskFullFor
    {
        get => Fault.Value;
        set => Fault.Value = value;
    }

    private static readonly AsyncLocal<Func<string, bool>?> Bug = new();

    /// <summary>When true for a path, writing it throws an InvalidOperationException: a stand-in for a bug, to test how bugs are reported.</summary>
    public static Func<string, bool>? BugFor
    {
        get => Bug.Value;
        set => Bug.Value = value;
    }

    /// <summary>ENOSPC's errno, which .NET puts in the low bits of the IOException's HResult.</summary>
    public const int NoSpaceErrno = 28;

    internal static void MaybeFail(string path, Stream written)
    {
        if (Bug.Value?.Invoke(path) == true) throw new InvalidOperationException($"injected bug while writing {path}");
        if (Fault.Value?.Invoke(path) != true) return;
        throw new IOException($"No space left on device : '{path}'", NoSpaceErrno);
    }
}
