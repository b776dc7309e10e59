using CryoSphere.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Distributed;

/// <summary>
/// Per-image latents (`amortized: false`) sharded by owner: of N particles and K ranks, rank r holds the rows of
/// particles [r·N/K, (r+1)·N/K) (<see cref="Owned"/>; contiguous blocks, so an owner is arithmetic and a checkpoint's
/// whole table splits by narrowing). A rank's batch slice comes from one global permutation and so holds other
/// ranks' particles; each step therefore makes two exchanges of the global batch's rows (B × 2L floats each):
/// <see cref="Fetch"/> in the forward pass (every rank writes the rows it owns of the whole global batch into a zero
/// buffer, one all-reduce sum, each rank reads its slice) and <see cref="ReturnGradients"/> after backward (the
/// slices' row gradients are all-gathered and averaged, each owner writes its rows into its shard's gradient).
/// Adam then steps each shard alone; it is element-wise, so a shard's rows move exactly as those rows of a whole
/// table would (rows outside the batch too: zero gradient, decaying moments, the same step count).
/// Every call is collective.
/// </summary>
public sealed class LatentShards
{
    private readonly ICommunicator comm;
    private readonly PerImageLatents table;
    // This step's exchange, from Fetch to ReturnGradients: where this rank's rows sit in the global batch, their
    // rows in the shard, and the slice handed to the forward pass (a leaf whose gradient goes back to the owners).
    private Tensor? ownedAt, ownedRows, slice;

    public LatentShards(ICommunicator comm, PerImageLatents table)
    {
        if (table.Rows != Owned(table.ImageCount, comm.Rank, comm.Size))
            throw new ArgumentException($"rank {comm.Rank}/{comm.Size} holds rows [{table.Rows.First}, {table.Rows.End}) of {table.ImageCount}, not its own");
        this.comm = comm;
        this.table = table;
        table.Fetch = Fetch;
    }

    /// <summary>The particles rank <paramref name="rank"/> of <paramref name="ranks"/> owns: a contiguous block, sizes differing by at most one.</summary>
    public static RowRange Owned(int particles, int rank, int ranks)
    {
        long first = (long)particles * rank / ranks, end = (long)particles * (rank + 1) / ranks;
        return new RowRange((int)first, (int)(end - first));
    }

    /// <summary>The shard this rank holds.</summary>
    public PerImageLatents Table => table;

    /// <summary>
    /// Collective: the whole tables and their Adam moments in place on rank 0 (a <see cref="TableSwap"/> to dispose once
    /// the checkpoint is written), null on the others. Each rank in turn broadcasts its rows (value, m, v of both
    /// tables side by side, B × 6L), so a rank other than 0 holds one other shard at a time, never the whole table.
    /// </summary>
    public TableSwap? WholeOnRoot(OptimizerHelper optimizer)
    {
        var tables = table.RowTables;
        int l = table.LatentDim;
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        using (no_grad())
        {
            var states = tables.Select(t => AdamStates.Of(optimizer, t)).ToArray();
            var mine = cat([.. tables.Select((t, i) => cat([t.detach(), states[i].exp_avg, states[i].exp_avg_sq], 1))], 1);
            for (int r = 0; r < comm.Size; r++)
            {
                var rows = Owned(table.ImageCount, r, comm.Size);
                var part = r == comm.Rank ? mine.clone() : zeros(rows.Count, 6 * l, dtype: mine.dtype, device: mine.device);
                comm.Broadcast(part, root: r);
                if (comm.Rank == 0) parts.Add(part);
                else part.Dispose();   // one other shard at a time
            }
        }
        if (comm.Rank != 0) return null;
        var whole = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        // The stand-ins belong to the swap, which disposes them.
        var standIns = Enumerable.Range(0, 6).Select(k => whole.narrow(1, k * l, l).contiguous().DetachFromDisposeScope()).ToArray();
        return new TableSwap(table, optimizer, standIns);
    }

    /// <summary>Floats a step moves for the tables: the fetch's all-reduce and the gradients' all-gather, (B × 2L) each.</summary>
    public static long FloatsPerStep(long globalBatch, int latentDim) => 2 * globalBatch * 2 * latentDim;

    /// <summary>The rows (μ | log σ), (B, 2L), of this rank's batch slice <paramref name="localIndices"/>, from their owners.</summary>
    public Tensor Fetch(Tensor localIndices)
    {
        var tables = table.RowTables;
        var dev = tables[0].device;
        long local = localIndices.shape[0];
        int l = table.LatentDim;
        Tensor buffer;
        using (no_grad())
        {
            // Indices travel as float64 (exact below 2^53); the ranks' slices are equal, so the gather is rectangular.
            Tensor all = comm.AllGather(localIndices.to(ScalarType.Float64, dev)).to(ScalarType.Int64);
            var r = table.Rows;
            using Scalar first = ((long)r.First).ToScalar(), end = ((long)r.End).ToScalar();
            Tensor mine = all.ge(first).logical_and(all.lt(end));
            ownedAt = mine.nonzero().reshape(-1);
            ownedRows = all.index_select(0, ownedAt).sub_(first);
            buffer = zeros(all.shape[0], 2 * l, dtype: tables[0].dtype, device: dev);
            buffer.index_copy_(0, ownedAt, cat([tables[0].index_select(0, ownedRows), tables[1].index_select(0, ownedRows)], 1));
            // Each row comes from its one owner and zeros from the others: the sum is the row, exactly.
            comm.AllReduce(buffer, ReduceOp.Sum);
        }
        slice = buffer.narrow(0, comm.Rank * local, local).clone().requires_grad_(true);
        return slice;
    }

    /// <summary>
    /// After backward: the global batch's row gradients, averaged over the ranks, into the owners' shards (every
    /// other row's gradient zero, as in a whole table). Returns their squared norm, the same on every rank, so
    /// that a non-finite gradient stops every rank's step alike.
    /// </summary>
    public double ReturnGradients()
    {
        if (slice is null || ownedAt is null || ownedRows is null) throw new InvalidOperationException("ReturnGradients without a Fetch in this step");
        var tables = table.RowTables;
        using var noGrad = no_grad();
        Tensor g = slice.grad is { } sg ? sg : zeros_like(slice);
        // Each particle sits in one rank's slice: the average over the ranks is its row divided by the rank count.
        Tensor all = comm.AllGather(g.contiguous()).div_(Scalars.Of(comm.Size));
        Tensor mine = all.index_select(0, ownedAt);
        int l = table.LatentDim;
        for (int i = 0; i < tables.Count; i++)
        {
            var t = tables[i];
            if (t.grad is null) t.grad = zeros_like(t).DetachFromDisposeScope();
            t.grad.zero_().index_copy_(0, ownedRows, mine.narrow(1, i * l, l));
        }
        double norm = all.square().sum().ToDouble();
        slice = ownedAt = ownedRows = null;
        return norm;
    }
}
