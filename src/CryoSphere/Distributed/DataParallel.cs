using System.Text;
using CryoSphere.Model;
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
    /// every rank, so replicas start identical whatever each rank loaded or initialised. A rank's shard of the
    /// per-image latents (<paramref name="shard"/>) keeps its own rows: rank 0's rows are read into stand-ins and dropped.
    /// </summary>
    public static void ShareState(ICommunicator c, nn.Module model, OptimizerHelper optimizer, Generator generator, PerImageLatents? shard = null)
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
        using var rootRows = shard is null ? null : new TableSwap(shard, optimizer, null, LatentShards.Owned(shard.ImageCount, 0, c.Size).Count);
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

    /// <summary>Rank 0's <paramref name="candidate"/> on every rank (a weight chosen from data).</summary>
    public static double FromRoot(ICommunicator c, double candidate)
    {
        if (c.Size == 1) return candidate;
        using var t = tensor(new double[] { candidate });
        c.Broadcast(t);
        return t.ToDouble();
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

    /// <summary>Number of gradient elements one step all-reduces.</summary>
    public static long GradientElements(IEnumerable<Tensor> parameters) => parameters.Sum(p => p.numel());

    /// <summary>run.log's line on the epoch's all-reduce cost (read by the mpi-scaling benchmark); <paramref name="rowFloats"/>: what a step moves for sharded per-particle tables (<see cref="LatentShards.FloatsPerStep"/>).</summary>
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
