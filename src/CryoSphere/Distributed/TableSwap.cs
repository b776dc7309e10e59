using CryoSphere.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Distributed;

/// <summary>
/// Puts tables of another row count in place of a shard's two per-particle tables (<see cref="PerImageLatents.RowTables"/>)
/// and their Adam moments while TorchSharp's own serialisers, which check shapes, write or read the model and the
/// optimiser: the whole tables for a checkpoint (so the file is the one a single process writes), rank 0's rows while
/// rank 0's state is broadcast. Disposing puts the shard back; <see cref="KeepRows"/> first copies the rows the shard
/// holds out of what was read. The parameters and Adam's states stay the same objects (Adam keys them by handle).
/// </summary>
public sealed class TableSwap : IDisposable
{
    // One per table: the parameter, Adam's state of it (null when only weights are read), the shard's own tensors
    // (a detached alias of the parameter's storage; the moments) and what stands in for them.
    private sealed record Slot(Parameter Table, Adam.State? State, Tensor Value, Tensor? M, Tensor? V, Tensor StandValue, Tensor? StandM, Tensor? StandV);

    private readonly Slot[] slots;
    private bool disposed;

    /// <param name="table">The shard.</param>
    /// <param name="optimizer">Adam holding the shard's tables; null: the tables alone (loading weights only).</param>
    /// <param name="standIns">(value, m, v) for each table in turn, any row count; null: zeros of <paramref name="rows"/> rows.</param>
    /// <param name="rows">Row count of the zero stand-ins when <paramref name="standIns"/> is null.</param>
    public TableSwap(PerImageLatents table, OptimizerHelper? optimizer, IReadOnlyList<Tensor>? standIns, long rows = 0)
    {
        var tables = table.RowTables;
        slots = new Slot[tables.Count];
        using var noGrad = no_grad();
        for (int i = 0; i < tables.Count; i++)
        {
            var t = tables[i];
            var s = optimizer is null ? null : AdamStates.Of(optimizer, t);
            if (s?.max_exp_avg_sq is not null) throw new NotSupportedException("AMSGrad state of a sharded table");
            // Owned by the swap, not by a dispose scope the caller may close first.
            Tensor Stand(int k) => standIns?[3 * i + k] ?? zeros(rows, t.shape[1], dtype: t.dtype, device: t.device).DetachFromDisposeScope();
            slots[i] = new Slot(t, s, t.detach().DetachFromDisposeScope(), s?.exp_avg, s?.exp_avg_sq, Stand(0), s is null ? null : Stand(1), s is null ? null : Stand(2));
            t.set_(slots[i].StandValue);
            if (s is null) continue;
            s.exp_avg = slots[i].StandM!;
            s.exp_avg_sq = slots[i].StandV!;
        }
    }

    /// <summary>Copies rows <paramref name="rows"/> of the stand-ins (what a load read) into the shard.</summary>
    public void KeepRows(RowRange rows)
    {
        using var noGrad = no_grad();
        foreach (var x in slots)
        {
            x.Value.copy_(x.StandValue.narrow(0, rows.First, rows.Count));
            x.M?.copy_(x.StandM!.narrow(0, rows.First, rows.Count));
            x.V?.copy_(x.StandV!.narrow(0, rows.First, rows.Count));
        }
    }

    /// <summary>Puts the shard back (the parameters and Adam's states are the same objects throughout).</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        using var noGrad = no_grad();
        foreach (var x in slots)
        {
            x.Table.set_(x.Value);
            x.Value.Dispose();   // the detached alias; the parameter keeps the storage
            if (x.State is { } s)
            {
                s.exp_avg = x.M!;
                s.exp_avg_sq = x.V!;
            }
            x.StandValue.Dispose();
            x.StandM?.Dispose();
            x.StandV?.Dispose();
        }
    }
}
