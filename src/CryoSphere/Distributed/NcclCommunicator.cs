using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Distributed;

/// <summary>
/// SKETCH, NEVER RUN: <see cref="ICommunicator"/> over NVIDIA's NCCL for CUDA tensors, so gradients are reduced
/// GPU to GPU (NVLink, InfiniBand with GPUDirect) instead of through host memory as <see cref="MpiCommunicator"/>
/// does. libnccl.so.2 is bound at run time, so this compiles and loads without any CUDA package; it has not been
/// executed (no GPU where it was written). MPI bootstraps it: rank 0's ncclUniqueId is broadcast over MPI, and MPI
/// stays the rank/size authority. Work is enqueued on the legacy default CUDA stream (null), the stream libtorch
/// uses when no other is set, so it is ordered after the backward pass and before the optimiser step.
/// Opt-in: <c>CRYOSPHERE_NCCL=1</c> under MPI with a CUDA device.
/// </summary>
public sealed unsafe class NcclCommunicator : ICommunicator
{
    [StructLayout(LayoutKind.Sequential)]
    private struct UniqueId { public fixed byte Internal[128]; }

    // ncclDataType_t and ncclRedOp_t values from nccl.h (2.10+: ncclAvg = 4).
    private const int NcclUint8 = 1, NcclFloat32 = 7, NcclFloat64 = 8, NcclSum = 0, NcclMax = 2, NcclAvg = 4;

    private readonly ICommunicator bootstrap;
    private readonly nint comm;
    private readonly delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int> allReduce;
    private readonly delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int> broadcast;
    private readonly delegate* unmanaged<nint, nint, nuint, int, nint, nint, int> allGather;
    private readonly delegate* unmanaged<nint, int> destroy;
    private readonly delegate* unmanaged<int, byte*> errorString;

    public int Rank => bootstrap.Rank;
    public int Size => bootstrap.Size;
    public string Description => $"NCCL over {bootstrap.Description} (untested sketch)";

    private NcclCommunicator(ICommunicator bootstrap, nint lib)
    {
        this.bootstrap = bootstrap;
        nint F(string name) => NativeLibrary.GetExport(lib, name);
        var getUniqueId = (delegate* unmanaged<UniqueId*, int>)F("ncclGetUniqueId");
        var initRank = (delegate* unmanaged<nint*, int, UniqueId, int, int>)F("ncclCommInitRank");
        allReduce = (delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int>)F("ncclAllReduce");
        broadcast = (delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int>)F("ncclBroadcast");
        allGather = (delegate* unmanaged<nint, nint, nuint, int, nint, nint, int>)F("ncclAllGather");
        destroy = (delegate* unmanaged<nint, int>)F("ncclCommDestroy");
        errorString = (delegate* unmanaged<int, byte*>)F("ncclGetErrorString");
        UniqueId id = default;
        if (bootstrap.Rank == 0) Check(getUniqueId(&id), "ncclGetUniqueId");
        var idBytes = new byte[128];
        if (bootstrap.Rank == 0) new ReadOnlySpan<byte>(id.Internal, 128).CopyTo(idBytes);
        idBytes = DataParallel.Broadcast(bootstrap, bootstrap.Rank == 0 ? idBytes : null);
        idBytes.CopyTo(new Span<byte>(id.Internal, 128));
        nint c = 0;
        Check(initRank(&c, bootstrap.Size, id, bootstrap.Rank), "ncclCommInitRank");
        comm = c;
    }

    /// <summary>NCCL over <paramref name="bootstrap"/>'s ranks; null when libnccl.so.2 is not there.</summary>
    public static NcclCommunicator? TryCreate(ICommunicator bootstrap) =>
        NativeLibrary.TryLoad("libnccl.so.2", out var lib) ? new NcclCommunicator(bootstrap, lib) : null;

    // Host tensors (the trainer's small vectors of loss terms and flags, the state broadcast) go over MPI.
    public void AllReduce(Tensor t, ReduceOp op)
    {
        if (t.device_type != DeviceType.CUDA) { bootstrap.AllReduce(t, op); return; }
        var (p, n, type) = Device(t);
        Check(allReduce(p, p, n, type, op switch { ReduceOp.Sum => NcclSum, ReduceOp.Max => NcclMax, _ => NcclAvg }, comm, 0), "ncclAllReduce");
    }

    public void Broadcast(Tensor t, int root = 0)
    {
        if (t.device_type != DeviceType.CUDA) { bootstrap.Broadcast(t, root); return; }
        var (p, n, type) = Device(t);
        Check(broadcast(p, p, n, type, root, comm, 0), "ncclBroadcast");
    }

    public Tensor AllGather(Tensor t)
    {
        if (t.device_type != DeviceType.CUDA) return bootstrap.AllGather(t);
        var src = t.contiguous();
        var shape = src.shape.ToArray();
        shape[0] *= Size;
        var result = empty(shape, src.dtype, src.device);
        var (s, n, type) = Device(src);
        var (r, _, _) = Device(result);
        Check(allGather(s, r, n, type, comm, 0), "ncclAllGather");
        return result;
    }

    public void Barrier()
    {
        using var one = ones(1, device: CUDA);
        AllReduce(one, ReduceOp.Sum);
        cuda.synchronize();
    }

    // The device address of a contiguous CUDA tensor's first element, its element count and NCCL type.
    private static (nint Ptr, nuint Count, int Type) Device(Tensor t)
    {
        if (t.device_type != DeviceType.CUDA || !t.is_contiguous()) throw new ArgumentException("NCCL collectives take contiguous CUDA tensors");
        var (type, size) = t.dtype switch
        {
            ScalarType.Float32 => (NcclFloat32, 4),
            ScalarType.Float64 => (NcclFloat64, 8),
            ScalarType.Byte => (NcclUint8, 1),
            _ => throw new ArgumentException($"NCCL collectives here take float32, float64 or uint8, not {t.dtype}"),
        };
        nint basePtr = t.dtype switch
        {
            ScalarType.Float32 => t.storage<float>().data_ptr(),
            ScalarType.Float64 => t.storage<double>().data_ptr(),
            _ => t.storage<byte>().data_ptr(),
        };
        return (basePtr + (nint)(t.storage_offset() * size), (nuint)t.numel(), type);
    }

    private void Check(int rc, string call)
    {
        if (rc != 0) throw new RunFailedException($"{call} failed: {Marshal.PtrToStringAnsi((nint)errorString(rc))}");
    }

    public void Dispose()
    {
        destroy(comm);
        bootstrap.Dispose();
    }
}
