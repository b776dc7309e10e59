using static TorchSharp.torch;

namespace CryoSphere.Distributed;

/// <summary>One process, no transport: every collective is the identity. What <c>train</c> uses outside MPI.</summary>
public sealed class SingleProcess : ICommunicator
{
    public static readonly SingleProcess Instance = new();

    public int Rank => 0;
    public int Size => 1;
    public string Description => "single process";
    public void Broadcast(Tensor t, int root = 0) { }
    public void AllReduce(Tensor t, ReduceOp op) { }
    public Tensor AllGather(Tensor t) => t.clone();
    public void Barrier() { }
    public void Dispose() { }
}
