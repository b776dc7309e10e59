using static TorchSharp.torch;

namespace CryoSphere.Distributed;

/// <summary>How <see cref="ICommunicator.AllReduce"/> combines the ranks' values.</summary>
public enum ReduceOp { Sum, Average, Max }

/// <summary>
/// The collective operations data-parallel training and sharded analysis need, over K processes ("ranks").
/// Every rank must make the same calls in the same order with tensors of the same shape and dtype, or the job
/// hangs (MPI semantics). Tensors are changed in place. One implementation per transport: a single process
/// (<see cref="SingleProcess"/>), MPI on the host (<see cref="MpiCommunicator"/>); an NCCL one for CUDA tensors
/// would sit behind the same interface.
/// </summary>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's index, 0 … <see cref="Size"/> − 1; rank 0 writes the run's files.</summary>
    int Rank { get; }

    /// <summary>Number of processes in the job.</summary>
    int Size { get; }

    /// <summary>What the transport is, for run.log ("single process", "Open MPI 4.1.4, 2 ranks").</summary>
    string Description { get; }

    /// <summary>Overwrites <paramref name="t"/> on every rank with rank <paramref name="root"/>'s values.</summary>
    void Broadcast(Tensor t, int root = 0);

    /// <summary>Replaces <paramref name="t"/> by the element-wise sum, average or maximum over the ranks.</summary>
    void AllReduce(Tensor t, ReduceOp op);

    /// <summary>The ranks' tensors (equal shapes) concatenated along dimension 0 in rank order.</summary>
    Tensor AllGather(Tensor t);

    /// <summary>Returns when every rank has called it.</summary>
    void Barrier();
}
