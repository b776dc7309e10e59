using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Distributed;

/// <summary>
/// <see cref="ICommunicator"/> over MPI on host memory: tensors are copied to host arrays, reduced by libmpi and
/// copied back (CPU training; a CUDA build would want NCCL or a CUDA-aware MPI instead). Errors return instead
/// of aborting (MPI_ERRORS_RETURN) and become one line; a collective that never returns is cut by the
/// <see cref="CollectiveWatchdog"/>; SIGTERM (mpirun or Slurm ending the job because a rank died) prints one line.
/// </summary>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    private readonly MpiLibrary mpi;
    private readonly CollectiveWatchdog? watchdog;   // null only while the constructor starts MPI
    private readonly PosixSignalRegistration? sigterm;
    private bool disposed;

    public int Rank { get; }
    public int Size { get; }
    public string Description { get; }

    /// <summary>Appended to the one-line stop message, e.g. where the last checkpoint is and how to resume.</summary>
    public string StopHint { get; set; } = "";

    internal MpiCommunicator(MpiLibrary mpi, TimeSpan timeout)
    {
        this.mpi = mpi;
        int flag = 0;
        Check(mpi.Initialized(&flag), "MPI_Initialized");
        if (flag == 0) Check(mpi.Init(0, 0), "MPI_Init");
        Check(mpi.CommSetErrhandler(mpi.CommWorld, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        int rank = 0, size = 0;
        Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        Rank = rank;
        Size = size;
        Description = $"{mpi.Version()} ({mpi.Path}), {size} ranks";
        watchdog = new CollectiveWatchdog(timeout, why => $"cryosphere rank {Rank}/{Size}: stopped: {why}{StopHint}");
        if (size > 1)
            sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ =>
                watchdog!.Stop("terminated (SIGTERM: another rank ended or the job was cancelled)"));
    }

    public void Broadcast(Tensor t, int root = 0)
    {
        using var w = watchdog!.Enter("broadcast");
        WithHost(t, (p, n, type) => Check(mpi.Bcast(p, n, type, root, mpi.CommWorld), "MPI_Bcast"), writeBack: Rank != root);
    }

    public void AllReduce(Tensor t, ReduceOp op)
    {
        using var w = watchdog!.Enter("all-reduce");
        WithHost(t, (p, n, type) => Check(mpi.Allreduce(mpi.InPlace, p, n, type, op == ReduceOp.Max ? mpi.OpMax : mpi.OpSum, mpi.CommWorld), "MPI_Allreduce"), writeBack: true);
        if (op == ReduceOp.Average) t.div_(Size);
    }

    public Tensor AllGather(Tensor t)
    {
        using var w = watchdog!.Enter("all-gather");
        var shape = t.shape.ToArray();
        shape[0] *= Size;
        var result = empty(shape, t.dtype);
        using var send = t.detach().cpu().contiguous();
        var (type, _) = TypeOf(t.dtype);
        long n = send.numel();
        if (n > int.MaxValue) throw new ArgumentException("all-gather of more than 2^31 elements");
        var sendBytes = send.bytes.ToArray();
        var recv = new byte[sendBytes.Length * Size];
        fixed (byte* s = sendBytes)
        fixed (byte* r = recv)
            Check(mpi.Allgather((nint)s, (int)n, type, (nint)r, (int)n, type, mpi.CommWorld), "MPI_Allgather");
        result.bytes = recv;
        return result.to(t.device);
    }

    public void Barrier()
    {
        using var w = watchdog!.Enter("barrier");
        Check(mpi.Barrier(mpi.CommWorld), "MPI_Barrier");
    }

    // The tensor's bytes in a pinned host array, handed to MPI, copied back when the call changed them.
    private void WithHost(Tensor t, Action<nint, int, nint> call, bool writeBack)
    {
        if (!t.is_contiguous() && writeBack) throw new ArgumentException("collectives work in place on contiguous tensors");
        var (type, _) = TypeOf(t.dtype);
        long n = t.numel();
        if (n > int.MaxValue) throw new ArgumentException("collective on more than 2^31 elements");
        byte[] host;
        using (var c = t.detach().cpu().contiguous()) host = c.bytes.ToArray();
        fixed (byte* p = host) call((nint)p, (int)n, type);
        if (!writeBack) return;
        if (t.device_type == DeviceType.CPU) t.bytes = host;
        else
        {
            using var h = empty(t.shape, t.dtype);
            h.bytes = host;
            using var _ = no_grad();
            t.copy_(h);
        }
    }

    private (nint Type, int Bytes) TypeOf(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => (mpi.Float, 4),
        ScalarType.Float64 => (mpi.Double, 8),
        ScalarType.Byte => (mpi.Byte, 1),
        _ => throw new ArgumentException($"MPI collectives here take float32, float64 or uint8 tensors, not {dtype}"),
    };

    private void Check(int rc, string call)
    {
        if (rc == 0) return;
        // Another rank is gone or the transport failed: the job cannot go on, and this thread may be the only one
        // that knows; one line, and out (a stack trace would say nothing more).
        string what = $"{call} failed: {mpi.ErrorText(rc)}";
        if (watchdog is null) throw new RunFailedException("MPI start-up: " + what);
        watchdog.Stop(what);
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        sigterm?.Dispose();
        watchdog?.Dispose();
        int done = 0;
        if (mpi.Finalized(&done) == 0 && done == 0) mpi.Finalize();
    }
}
