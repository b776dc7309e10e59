using CryoSphere.Data;
using CryoSphere.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Training;

/// <summary>
/// A host batch on the device (<see cref="BatchObjective.Prepare"/>) with what must last exactly as long as the work on
/// it: a no-GC region (<see cref="NativeCallGuard"/>) and a dispose scope that takes every tensor made meanwhile.
/// Disposing it frees those tensors and hands the host buffer back to the loader.
/// </summary>
public sealed class PreparedBatch : IDisposable
{
    private readonly HostBatch host;
    private readonly NativeCallGuard guard;
    private readonly DisposeScope scope;
    private bool disposed;

    public Tensor Images { get; }
    public Tensor Rotations { get; }
    public Tensor Shifts { get; }
    public CtfBatch? Ctf { get; }
    /// <summary>Particle indices (into the dataset) on the device.</summary>
    public Tensor Indices { get; }
    /// <summary>Particle indices on the host, the first <see cref="Count"/> entries.</summary>
    public int[] HostIndices => host.Indices;
    public int Count => host.Count;

    private PreparedBatch(HostBatch host, BatchObjective objective)
    {
        this.host = host;
        guard = NativeCallGuard.Enter();
        scope = NewDisposeScope();
        try
        {
            (Images, Rotations, Shifts, Ctf, Indices) = objective.Prepare(host);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Each of <paramref name="batches"/> prepared in turn; the caller disposes each before taking the next.</summary>
    public static IEnumerable<PreparedBatch> Each(BatchObjective objective, IEnumerable<HostBatch> batches)
    {
        foreach (var hb in batches) yield return new PreparedBatch(hb, objective);
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Ctf?.Dispose();
        scope.Dispose();
        guard.Dispose();
        host.Dispose();
    }
}
