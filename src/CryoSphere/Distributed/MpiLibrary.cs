using System.Runtime.InteropServices;
using System.Text;

namespace CryoSphere.Distributed;

/// <summary>
/// The few MPI functions CryoSphere calls, bound at run time to whichever libmpi the job was launched with.
/// The C API is the same across implementations; the handles are not: Open MPI's MPI_COMM_WORLD, MPI_FLOAT,
/// MPI_SUM … are exported global objects whose addresses are the handles (<c>ompi_mpi_comm_world</c> …),
/// MPICH (and Intel MPI, MVAPICH, which share its ABI) uses integer constants from its mpi.h. Both are exercised by
/// the tests (Debian's openmpi-bin 4.1 and mpich 4.0).
/// </summary>
internal sealed unsafe class MpiLibrary
{
    private const int RtldNow = 2, RtldGlobal = 0x100;

    /// <summary>
    /// Sonames to try, the launcher's own implementation first: the library must be the one whose launcher started
    /// the job (Open MPI's mpirun announces OMPI_COMM_WORLD_SIZE; MPICH's Hydra and Slurm's PMI, PMI_SIZE), or
    /// MPI_Init sees a singleton. With both installed (Debian: libmpi.so.40 and libmpich.so.12) the first found
    /// would otherwise win whatever the launcher.
    /// </summary>
    internal static IReadOnlyList<string> Candidates(Func<string, string?> env)
    {
        string[] openMpi = ["libmpi.so.40"], mpich = ["libmpich.so.12", "libmpi.so.12"];
        IEnumerable<string> order = env("OMPI_COMM_WORLD_SIZE") is null && env("PMI_SIZE") is not null ? mpich.Concat(openMpi) : openMpi.Concat(mpich);
        return [.. order, "libmpi.so"];
    }

    public string Path { get; }
    public bool IsOpenMpi { get; }
    public nint CommWorld { get; }
    public nint Float { get; }
    public nint Double { get; }
    public nint Byte { get; }
    public nint OpSum { get; }
    public nint OpMax { get; }
    public nint ErrorsReturn { get; }
    public nint InPlace { get; }

    public readonly delegate* unmanaged<int*, int> Initialized;
    public readonly delegate* unmanaged<nint, nint, int> Init;
    public readonly delegate* unmanaged<int*, int> Finalized;
    public readonly delegate* unmanaged<int> Finalize;
    public readonly delegate* unmanaged<nint, int*, int> CommRank;
    public readonly delegate* unmanaged<nint, int*, int> CommSize;
    public readonly delegate* unmanaged<nint, nint, int, nint, nint, nint, int> Allreduce;
    public readonly delegate* unmanaged<nint, int, nint, int, nint, int> Bcast;
    public readonly delegate* unmanaged<nint, int, nint, nint, int, nint, nint, int> Allgather;
    public readonly delegate* unmanaged<nint, int> Barrier;
    public readonly delegate* unmanaged<nint, nint, int> CommSetErrhandler;
    public readonly delegate* unmanaged<nint, int, int> Abort;
    private readonly delegate* unmanaged<byte*, int*, int> getLibraryVersion;
    private readonly delegate* unmanaged<int, byte*, int*, int> errorString;

    // RTLD_GLOBAL: Open MPI's plugins (mca_*.so) resolve libmpi's symbols from the global namespace, as with mpi4py.
    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern nint DlOpen(string file, int mode);

    private MpiLibrary(string path, nint h)
    {
        Path = path;
        nint F(string name) => NativeLibrary.GetExport(h, name);
        IsOpenMpi = NativeLibrary.TryGetExport(h, "ompi_mpi_comm_world", out _);
        if (IsOpenMpi)
        {
            CommWorld = F("ompi_mpi_comm_world");
            Float = F("ompi_mpi_float");
            Double = F("ompi_mpi_double");
            Byte = F("ompi_mpi_byte");
            OpSum = F("ompi_mpi_op_sum");
            OpMax = F("ompi_mpi_op_max");
            ErrorsReturn = F("ompi_mpi_errors_return");
            InPlace = 1;
        }
        else
        {
            CommWorld = 0x44000000;
            Float = 0x4c00040a;
            Double = 0x4c00080b;
            Byte = 0x4c00010d;
            OpSum = 0x58000003;
            OpMax = 0x58000001;
            ErrorsReturn = 0x54000001;
            InPlace = -1;
        }
        Initialized = (delegate* unmanaged<int*, int>)F("MPI_Initialized");
        Init = (delegate* unmanaged<nint, nint, int>)F("MPI_Init");
        Finalized = (delegate* unmanaged<int*, int>)F("MPI_Finalized");
        Finalize = (delegate* unmanaged<int>)F("MPI_Finalize");
        CommRank = (delegate* unmanaged<nint, int*, int>)F("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<nint, int*, int>)F("MPI_Comm_size");
        Allreduce = (delegate* unmanaged<nint, nint, int, nint, nint, nint, int>)F("MPI_Allreduce");
        Bcast = (delegate* unmanaged<nint, int, nint, int, nint, int>)F("MPI_Bcast");
        Allgather = (delegate* unmanaged<nint, int, nint, nint, int, nint, nint, int>)F("MPI_Allgather");
        Barrier = (delegate* unmanaged<nint, int>)F("MPI_Barrier");
        CommSetErrhandler = (delegate* unmanaged<nint, nint, int>)F("MPI_Comm_set_errhandler");
        Abort = (delegate* unmanaged<nint, int, int>)F("MPI_Abort");
        getLibraryVersion = (delegate* unmanaged<byte*, int*, int>)F("MPI_Get_library_version");
        errorString = (delegate* unmanaged<int, byte*, int*, int>)F("MPI_Error_string");
    }

    /// <summary>Loads the first libmpi found (<c>CRYOSPHERE_MPI_LIBRARY</c> first when set); null when there is none.</summary>
    public static MpiLibrary? TryLoad(out string tried)
    {
        var names = new List<string>();
        if (Environment.GetEnvironmentVariable("CRYOSPHERE_MPI_LIBRARY") is { Length: > 0 } custom) names.Add(custom);
        names.AddRange(Candidates(Environment.GetEnvironmentVariable));
        tried = string.Join(", ", names);
        foreach (var n in names)
        {
            nint h = DlOpen(n, RtldNow | RtldGlobal);
            if (h != 0) return new MpiLibrary(n, h);
        }
        return null;
    }

    /// <summary>The implementation's own one-line description ("Open MPI v4.1.4, …").</summary>
    public string Version()
    {
        var buf = new byte[8192];
        int len = 0;
        fixed (byte* p = buf)
            if (getLibraryVersion(p, &len) != 0) return "unknown MPI";
        string first = Encoding.ASCII.GetString(buf, 0, Math.Clamp(len, 0, buf.Length)).Split('\n')[0].Split(',')[0];
        return string.Join(' ', first.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));   // MPICH: "MPICH Version:\t4.0.2"
    }

    /// <summary>MPI's message for an error code.</summary>
    public string ErrorText(int code)
    {
        var buf = new byte[1024];
        int len = 0;
        fixed (byte* p = buf)
            if (errorString(code, p, &len) != 0) return $"MPI error {code}";
        return Encoding.ASCII.GetString(buf, 0, Math.Clamp(len, 0, buf.Length)).Trim();
    }
}
