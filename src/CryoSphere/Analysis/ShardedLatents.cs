using System.Globalization;
using System.Text.RegularExpressions;
using CryoSphere.Distributed;
using CryoSphere.IO;
using static TorchSharp.torch;

namespace CryoSphere.Analysis;

/// <summary>
/// Latent means of many particles computed by several workers: shard i of N encodes a contiguous block of the
/// particles, cut at multiples of the encoding batch (<see cref="Unit"/>), so every batch holds exactly the images
/// it holds in a one-process run and the merged z.npy is byte for byte the same. Workers are Slurm array tasks
/// (<c>analyze --shard i/N</c>, then <c>analyze --merge</c>) or MPI ranks (all-gathered, rank 0 goes on).
/// </summary>
public static partial class ShardedLatents
{
    /// <summary>Particles per encoding batch (<see cref="TrainedRun.LatentMeans"/>'s default); shards start at multiples of it.</summary>
    public const int Unit = 256;

    public const string Folder = "shards";

    /// <summary>The particle range [Start, Start + Count) of shard <paramref name="index"/> of <paramref name="count"/>.</summary>
    public static (int Start, int Count) Range(int particles, int index, int count)
    {
        int units = (particles + Unit - 1) / Unit;
        int a = (int)((long)units * index / count) * Unit, b = (int)((long)units * (index + 1) / count) * Unit;
        a = Math.Min(a, particles);
        b = Math.Min(b, particles);
        return (a, b - a);
    }

    /// <summary>Parses "i/N" (0 ≤ i &lt; N, as Slurm's <c>--array=0-(N-1)</c> numbers its tasks).</summary>
    public static (int Index, int Count) Parse(string spec)
    {
        var m = ShardSpec().Match(spec);
        if (!m.Success) throw new InputException($"--shard {spec}: expected i/N with 0 ≤ i < N, e.g. 0/4 (Slurm: --shard $SLURM_ARRAY_TASK_ID/4 with --array=0-3)");
        int i = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), n = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        if (n < 1 || i >= n) throw new InputException($"--shard {spec}: need 0 ≤ i < N and N ≥ 1");
        return (i, n);
    }

    public static string FileName(int index, int count) => $"z_{index:D4}_of_{count:D4}.npy";

    /// <summary>The shard's posterior standard deviations, beside <see cref="FileName"/>.</summary>
    public static string SdFileName(int index, int count) => $"zsd_{index:D4}_of_{count:D4}.npy";

    /// <summary>Encodes this shard's particles and writes them (rows of its range only) into OUT/shards/.</summary>
    public static (string Path, int Start, int Count) WriteShard(TrainedRun run, string outDir, int index, int count, IProgress<(int Done, int Total)>? progress = null)
    {
        var (start, n) = Range(run.ParticleCount, index, count);
        int l = run.LatentDim;
        var (z, sd) = Encode(run, start, n, progress);
        string dir = Path.Combine(outDir, Folder);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, FileName(index, count));
        // The standard deviations first: a shard whose means exist is complete.
        Npy.Write(Path.Combine(dir, SdFileName(index, count)), sd, n, l);
        Npy.Write(path, z, n, l);
        return (path, start, n);
    }

    /// <summary>
    /// All shards of OUT/shards/ put together, means and (when every shard has them: shards written before 2026-12-07
    /// lack them) posterior standard deviations; a missing or misshapen shard is a one-line error.
    /// </summary>
    public static (float[] Mu, float[]? Sd) Merge(string outDir, int particles, int latentDim)
    {
        string dir = Path.Combine(outDir, Folder);
        var files = Directory.Exists(dir) ? Directory.GetFiles(dir, "z_*_of_*.npy") : [];
        if (files.Length == 0) throw new InputException(dir, "no shards to merge (run analyze --shard i/N first, with the same --out)");
        var counts = files.Select(f => ShardFile().Match(Path.GetFileName(f))).Where(m => m.Success).Select(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).Distinct().ToArray();
        if (counts.Length != 1) throw new InputException(dir, $"holds shards of different splits ({string.Join(", ", counts)} shards); remove the stale ones");
        int count = counts[0];
        var z = new float[(long)particles * latentDim];
        float[]? sd = Enumerable.Range(0, count).All(i => File.Exists(Path.Combine(dir, SdFileName(i, count)))) ? new float[z.Length] : null;
        for (int i = 0; i < count; i++)
        {
            string f = Path.Combine(dir, FileName(i, count));
            if (!File.Exists(f)) throw new InputException(f, $"missing: shard {i}/{count} has not finished (rerun analyze --shard {i}/{count})");
            var (start, n) = Range(particles, i, count);
            ReadShard(f, i, count, particles, n, latentDim).CopyTo(z, (long)start * latentDim);
            if (sd is not null) ReadShard(Path.Combine(dir, SdFileName(i, count)), i, count, particles, n, latentDim).CopyTo(sd, (long)start * latentDim);
        }
        return (z, sd);
    }

    private static float[] ReadShard(string f, int i, int count, int particles, int n, int latentDim)
    {
        var a = Npy.Read(f);
        if (a.Shape.Length != 2 || a.Shape[0] != n || a.Shape[1] != latentDim)
            throw new InputException(f, $"shape ({string.Join(", ", a.Shape)}) but shard {i}/{count} of {particles} particles must be ({n}, {latentDim}); was it made from another run?");
        return a.ToFloats();
    }

    /// <summary>Every rank encodes its shard; all ranks get every particle's latent means and posterior standard deviations (file order).</summary>
    public static (float[] Mu, float[] Sd) Gather(TrainedRun run, ICommunicator comm, IProgress<(int Done, int Total)>? progress = null)
    {
        int particles = run.ParticleCount, l = run.LatentDim;
        var (start, n) = Range(particles, comm.Rank, comm.Size);
        int most = Enumerable.Range(0, comm.Size).Max(r => Range(particles, r, comm.Size).Count);
        // All-gather wants equal parts: each rank pads its rows (means, then standard deviations) to the largest shard,
        // and the padding is dropped.
        var (mu, sd) = Encode(run, start, n, progress);
        var mine = new float[2L * most * l];
        mu.CopyTo(mine, 0);
        sd.CopyTo(mine, (long)most * l);
        using var guard = NativeCallGuard.Enter();
        using var t = tensor(mine, [2 * most, l]);
        using var all = comm.AllGather(t);
        var host = all.data<float>().ToArray();
        var z = new float[(long)particles * l];
        var zsd = new float[z.Length];
        for (int r = 0; r < comm.Size; r++)
        {
            var (s, c) = Range(particles, r, comm.Size);
            Array.Copy(host, 2L * r * most * l, z, (long)s * l, (long)c * l);
            Array.Copy(host, (2L * r + 1) * most * l, zsd, (long)s * l, (long)c * l);
        }
        return (z, zsd);
    }

    private static (float[] Mu, float[] Sd) Encode(TrainedRun run, int start, int n, IProgress<(int Done, int Total)>? progress)
    {
        int l = run.LatentDim;
        var (mu, sd) = run.LatentPosteriors(Unit, progress, Enumerable.Range(start, n).ToArray());
        return (mu.AsSpan(start * l, n * l).ToArray(), sd.AsSpan(start * l, n * l).ToArray());
    }

    [GeneratedRegex(@"^\s*(\d+)\s*/\s*(\d+)\s*$")]
    private static partial Regex ShardSpec();

    [GeneratedRegex(@"^z_(\d+)_of_(\d+)\.npy$")]
    private static partial Regex ShardFile();
}
