using System.Globalization;

namespace CryoSphere.Distributed;

/// <summary>
/// Chooses the communicator at run time from the launcher's environment: mpirun (Open MPI sets
/// OMPI_COMM_WORLD_SIZE), MPICH's Hydra or Slurm's PMI (PMI_SIZE), PMIx launchers (PMIX_RANK). Outside a
/// launcher, or with one rank, it is <see cref="SingleProcess"/> and nothing of MPI is loaded.
/// </summary>
public static class Communicators
{
    /// <summary>Seconds a collective may block before the job is declared dead (<c>CRYOSPHERE_MPI_TIMEOUT</c>).</summary>
    public const int DefaultTimeoutSeconds = 600;

    private static readonly string[] SizeVariables = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MPI_LOCALNRANKS"];

    /// <summary>The launcher's announced number of ranks; null when no MPI launcher started this process.</summary>
    public static int? LaunchedRanks(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        foreach (var v in SizeVariables)
            if (env(v) is { } s && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0) return n;
        // PMIx announces the rank, not the size; MPI_Comm_size tells.
        return env("PMIX_RANK") is not null ? 0 : null;
    }

    /// <summary>
    /// MPI when launched with more than one rank (0 = size unknown until MPI starts), else the single process.
    /// A launcher without a loadable libmpi is a one-line error, not a silent single-rank run K times over.
    /// </summary>
    public static ICommunicator FromEnvironment()
    {
        if (LaunchedRanks() is not { } k || k == 1) return SingleProcess.Instance;
        var lib = MpiLibrary.TryLoad(out string tried)
            ?? throw new RunFailedException($"launched by an MPI launcher ({k} ranks) but no MPI library loads (tried {tried}); install Open MPI or MPICH, or set CRYOSPHERE_MPI_LIBRARY");
        int secs = int.TryParse(Environment.GetEnvironmentVariable("CRYOSPHERE_MPI_TIMEOUT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int t) && t > 0 ? t : DefaultTimeoutSeconds;
        var comm = new MpiCommunicator(lib, TimeSpan.FromSeconds(secs));
        // Opt-in, untested: CUDA tensors reduced by NCCL (one GPU per rank, e.g. Slurm --gpus-per-task=1).
        if (comm.Size > 1 && Environment.GetEnvironmentVariable("CRYOSPHERE_NCCL") == "1")
            return NcclCommunicator.TryCreate(comm) ?? throw new RunFailedException("CRYOSPHERE_NCCL=1 but libnccl.so.2 does not load; unset it to reduce through MPI");
        if (comm.Size > 1) return comm;
        comm.Dispose();
        return SingleProcess.Instance;
    }
}
