using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Distributed;

/// <summary>
/// The steps data-parallel training adds to a one-process step: the same start on every rank, gradients
/// averaged after backward (one flat buffer, one all-reduce), batch means and decisions made once for all.
/// Every call is collective: all ranks make it, in the same order.
/// </summary>
public static class DataParallel
{
    /// <summary>
    /// Copies rank 0's weights, optimiser state (Adam's moments and step counts) and random generator state to
    /// every rank, so replicas start identical whatever each rank loaded or initialised.
    /// </summary>
    public static void ShareState(ICommunicator c, nn.Module model, OptimizerHelper optimizer, Generator generator)
    {
        if (c.Size == 1) return;
        byte[] Bytes(Action<BinaryWriter> write)
        {
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) write(w);
            return ms.ToArray();
        }
        void Read(byte[] b, Action<BinaryReader> read)
        {
            using var r = new BinaryReader(new MemoryStream(b));
            read(r);
        }
        byte[] m = Broadcast(c, c.Rank == 0 ? Bytes(w => model.save(w)) : null);
        byte[] o = Broadcast(c, c.Rank == 0 ? Bytes(w => optimizer.save_state_dict(w)) : null);
        byte[] g;
        using (var st = generator.get_state()) g = Broadcast(c, c.Rank == 0 ? st.bytes.ToArray() : null);
        if (c.Rank == 0) return;
        Read(m, r => model.load(r));
        Read(o, r => optimizer.load_state_dict(r));
        using var gs = tensor(g, dtype: ScalarType.Byte);
        generator.set_state(gs);
    }

    /// <summary>Rank 0's <paramref name="candidate"/> on every rank (a seed drawn when none was given, a default chosen from data).</summary>
    public static int FromRoot(ICommunicator c, int candidate)
    {
        if (c.Size == 1) return candidate;
        using var t = tensor(new double[] { candidate });
        c.Broadcast(t);
        return (int)t.ToDouble();
    }

    /// <summary>Rank 0's bytes on every rank (its length first, then the bytes).</summary>
    public static byte[] Broadcast(ICommunicator c, byte[]? rootBytes)
    {
        using var len = tensor(new double[] { rootBytes?.Length ?? 0 });
        c.Broadcast(len);
        int n = (int)len.ToDouble();
        using var t = c.Rank == 0 ? tensor(rootBytes!, dtype: ScalarType.Byte) : zeros(n, dtype: ScalarType.Byte);
        c.Broadcast(t);
        return t.bytes.ToArray();
    }

    /// <summary>
    /// Replaces every gradient by its average over the ranks: one flat float buffer, one all-reduce. Parameters
    /// without a gradient on this rank get zeros so that every rank sends the same layout.
    /// </summary>
    public static void AverageGradients(ICommunicator c, IReadOnlyList<Tensor> parameters)
    {
        if (c.Size == 1) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parts = parameters.Select(p => p.grad is { } g ? g.reshape(-1) : zeros(p.numel(), dtype: p.dtype, device: p.device)).ToArray();
        var flat = cat(parts).contiguous();
        c.AllReduce(flat, ReduceOp.Average);
        long at = 0;
        foreach (var p in parameters)
        {
            long n = p.numel();
            var avg = flat.narrow(0, at, n).view_as(p);
            if (p.grad is { } g) g.copy_(avg);
            else p.grad = avg.clone().DetachFromDisposeScope();
            at += n;
        }
    }

    /// <summary>
    /// <see cref="AverageGradients(ICommunicator, IReadOnlyList{Tensor})"/> for <paramref name="dense"/>, while the
    /// per-particle tables <paramref name="rowTables"/> (non-amortised latents: a row per particle, gradient only in
    /// the batch's rows) travel as the global batch's rows alone: every rank sends its particles' indices
    /// (<paramref name="localIndices"/>) and rows, and writes the average into the same rows of its table's gradient.
    /// A step then moves (global batch × row width) floats instead of the whole table (19 MiB for 300,000
    /// particles with 8 latent dimensions), and every rank's Adam step on the table stays that of one process.
    /// </summary>
    public static void AverageGradients(ICommunicator c, IReadOnlyList<Tensor> dense, IReadOnlyList<Tensor> rowTables, Tensor localIndices)
    {
        if (c.Size == 1) return;
        AverageGradients(c, dense);
        if (rowTables.Count == 0) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var dev = rowTables[0].device;
        Tensor idx = localIndices.to(ScalarType.Int64, dev);
        // Indices travel as float64 (exact below 2^53); the ranks' slices are equal, so the gather is rectangular.
        Tensor all = c.AllGather(idx.to(ScalarType.Float64)).to(ScalarType.Int64);
        Tensor rows = cat(rowTables.Select(t => t.grad is { } g ? g.index_select(0, idx) : zeros(idx.shape[0], t.shape[1], dtype: t.dtype, device: dev)).ToArray(), 1);
        // Each particle sits in one rank's slice: the average over the ranks is its row divided by the rank count.
        Tensor gathered = c.AllGather(rows).div_(c.Size);
        long at = 0;
        foreach (var t in rowTables)
        {
            long w = t.shape[1];
            if (t.grad is null) t.grad = zeros_like(t).DetachFromDisposeScope();
            t.grad.zero_().index_copy_(0, all, gathered.narrow(1, at, w));
            at += w;
        }
    }

    /// <summary>Number of gradient elements one step all-reduces.</summary>
    public static long GradientElements(IEnumerable<Tensor> parameters) => parameters.Sum(p => p.numel());

    /// <summary>run.log's line on the epoch's all-reduce cost (read by the mpi-scaling benchmark); <paramref name="rowFloats"/>: the per-particle tables' rows a step gathers.</summary>
    public static string ReduceReport(IEnumerable<Tensor> parameters, TimeSpan spent, int steps, long rowFloats = 0)
    {
        long n = GradientElements(parameters) + rowFloats;
        return FormattableString.Invariant($"gradient all-reduce: {spent.TotalMilliseconds / Math.Max(1, steps):F2} ms/step over {steps} steps, {n} floats ({n * 4 / 1048576.0:F2} MiB)");
    }

    /// <summary>Each value averaged over the ranks (float64, one all-reduce).</summary>
    public static double[] Average(ICommunicator c, double[] values)
    {
        if (c.Size == 1) return values;
        using var t = tensor(values);
        c.AllReduce(t, ReduceOp.Average);
        return t.data<double>().ToArray();
    }

    /// <summary>True on every rank when it is true on any (a stop request seen by one rank stops all in step).</summary>
    public static bool Any(ICommunicator c, bool value)
    {
        if (c.Size == 1) return value;
        using var t = tensor(new double[] { value ? 1 : 0 });
        c.AllReduce(t, ReduceOp.Max);
        return t.ToDouble() > 0;
    }

    /// <summary>Rank 0's decision on every rank (e.g. whether training has converged, read from its metrics).</summary>
    public static bool FromRoot(ICommunicator c, bool value)
    {
        if (c.Size == 1) return value;
        using var t = tensor(new double[] { value ? 1 : 0 });
        c.Broadcast(t);
        return t.ToDouble() > 0;
    }
}
