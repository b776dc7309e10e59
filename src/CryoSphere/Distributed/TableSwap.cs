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
    private readonly Parameter[] tables;
    private readonly Adam.State?[] states;   // null without an optimiser (loading weights only)
    private readonly Tensor[] originals;     // the shard's (value, m, v) per table, in that order
    private readonly Tensor[] stand;         // what stands in for them
    private bool disposed;

    /// <summary>The stand-in tensors, (value, Adam m, Adam v) per table: what a load read, what a save writes.</summary>
    public IReadOnlyList<Tensor> StandIns => stand;

    /// <param name="table">The shard.</param>
    /// <param name="optimizer">Adam holding the shard's tables; null: the tables alone (their moment stand-ins unused).</param>
    /// <param name="standIns">(value, m, v) for each table, of equal width, any row count; null: zeros of <paramref name="rows"/> rows.</param>
    /// <param name="rows">Row count of the zero stand-ins when <paramref name="standIns"/> is null.</param>
    public TableSwap(PerImageLatents table, OptimizerHelper? optimizer, IReadOnlyList<Tensor>? standIns, long rows = 0)
    {
        tables = [.. table.RowTables];
        states = [.. tables.Select(t => optimizer is null ? null : StateOf(optimizer, t))];
        originals = new Tensor[3 * tables.Length];
        stand = new Tensor[3 * tables.Length];
        using var noGrad = no_grad();
        for (int i = 0; i < tables.Length; i++)
        {
            var s = states[i];
            if (s?.max_exp_avg_sq is not null) throw new NotSupportedException("AMSGrad state of a sharded table");
            originals[3 * i] = tables[i].detach();
            // Without an optimiser the moments' places hold the shard's own rows, so KeepRows leaves them as they are.
            originals[3 * i + 1] = s?.exp_avg ?? zeros(0);
            originals[3 * i + 2] = s?.exp_avg_sq ?? zeros(0);
            for (int k = 0; k < 3; k++)
                stand[3 * i + k] = standIns?[3 * i + k] ?? zeros(k == 0 || s is not null ? rows : 0, tables[i].shape[1], dtype: tables[i].dtype, device: tables[i].device);
            tables[i].set_(stand[3 * i]);
            if (s is null) continue;
            s.exp_avg = stand[3 * i + 1];
            s.exp_avg_sq = stand[3 * i + 2];
        }
    }

    /// <summary>Copies rows <paramref name="rows"/> of the stand-ins (what a load read) into the shard.</summary>
    public void KeepRows(RowRange rows)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < originals.Length; i++)
            if (states[i / 3] is not null || i % 3 == 0) originals[i].copy_(stand[i].narrow(0, rows.First, rows.Count));
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        using var noGrad = no_grad();
        for (int i = 0; i < tables.Length; i++)
        {
            tables[i].set_(originals[3 * i]);
            originals[3 * i].Dispose();   // the detached alias; the parameter keeps the storage
            if (states[i] is not { } s)
            {
                originals[3 * i + 1].Dispose();
                originals[3 * i + 2].Dispose();
                continue;
            }
            s.exp_avg = originals[3 * i + 1];
            s.exp_avg_sq = originals[3 * i + 2];
        }
        foreach (var t in stand) t.Dispose();
    }

    /// <summary>Adam's state of <paramref name="p"/>: the state list runs over the groups' parameters in order.</summary>
    internal static Adam.State StateOf(OptimizerHelper optimizer, Parameter p)
    {
        var order = optimizer.ParamGroups.Cast<ParamGroup>().SelectMany(g => g.Parameters).ToList();
        int i = order.FindIndex(q => q.Handle == p.Handle);
        if (i < 0) throw new ArgumentException("the optimiser does not hold this table");
        return optimizer.state_dict().State[i] as Adam.State ?? throw new ArgumentException("sharded tables are stepped by Adam");
    }
}
