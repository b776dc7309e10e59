using System.Diagnostics;
using System.Globalization;
using CryoSphere.Analysis;
using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Workflows;

/// <summary>Everything `cryosphere backproject` takes; defaults documented here once.</summary>
public sealed record BackprojectOptions
{
    public required string Particles { get; init; }
    public string? DataDir { get; init; }
    /// <summary>Only the first K particles (null = all).</summary>
    public int? First { get; init; }
    /// <summary>Fourier-crop the images to this side first (null = as stored).</summary>
    public int? Downsample { get; init; }
    public required string OutDir { get; init; }
    /// <summary>λ as a fraction of the mean Σ CTF² per sampled voxel (<see cref="Backprojector"/>).</summary>
    public double Regulariser { get; init; } = 0.01;
    /// <summary>Real-space padding factor before the FFT.</summary>
    public int Padding { get; init; } = 2;
    /// <summary>Trilinear insertion (false: nearest voxel).</summary>
    public bool Trilinear { get; init; } = true;
    /// <summary>Seed of the random half-set split.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Images read and inserted per chunk: memory does not grow with the particle count.</summary>
    public int ChunkSize { get; init; } = 128;
}

/// <summary>What a backprojection wrote and measured.</summary>
public sealed record BackprojectResult(string OutDir, int Images, int Half1Images, int Npix, double Apix, double[] Fsc,
    double Resolution05, double Resolution0143, double Seconds, double PeakRssMiB);

/// <summary>
/// Memory (issue 14; `bench backproject-memory`, 32 px, chunks of 128): no tensor outlives its chunk. In process,
/// trilinear insertion's RSS rises to a plateau and stays there (323, 471, 487, 481 MiB after 4k, 8k, 12k, 16k
/// images, one thread), the allocator's high-water mark for its ~8× larger temporaries; nearest is 325 → 351 MiB.
/// The CLI's RSS also counts the memory-mapped stack's pages (file-backed); with libtorch on both cores its peak grew
/// 26 KiB/image (2k → 8k images), with one thread 3 KiB/image (4k → 16k), hence `--threads` (auto: 1 on ≤ 2 cores).
/// Streams a particle dataset through two <see cref="Backprojector"/>s (`rlnRandomSubset` when the STAR file has it,
/// else a seeded random half-set split), then writes
/// half1.mrc, half2.mrc, map.mrc (from the summed accumulators, not the average of the halves), fsc.csv and
/// fsc.png. Maps are in the box frame of `volume`/`project`: origin −⌊N/2⌋·apix, so voxel ⌊N/2⌋ is at 0.
/// </summary>
public static class Backprojection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static BackprojectResult Run(BackprojectOptions o, IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        if (o.First is < 1) throw new InputException($"--first must be at least 1 (got {o.First})");
        if (!(o.Regulariser >= 0)) throw new InputException($"--regulariser must be ≥ 0 (got {o.Regulariser})");
        if (o.Padding is < 1 or > 4) throw new InputException($"--padding must be 1–4 (got {o.Padding})");
        if (o.ChunkSize < 1) throw new InputException("chunk size must be positive");
        var clock = Stopwatch.StartNew();
        using var ds = ParticleDataset.Open(o.Particles, new ParticleOpenOptions { DataDir = o.DataDir, RequirePoses = true });
        var t = ds.Table;
        int n0 = ds.BoxSize;
        if (n0 < 4) throw new InputException(o.Particles, $"box size {n0} px is too small to reconstruct");
        int n = o.Downsample ?? n0;
        if (n < 8 || n > n0) throw new InputException($"--downsample {n}: must be between 8 and the box size {n0}");
        var grid = new ImageGrid(n0, ds.PixelSize).Resized(n);
        int count = Math.Min(o.First ?? t.Count, t.Count);
        // RELION's own half-sets when the file has them, so that our FSC is comparable with its refinement's.
        int[] half = t.RandomSubset is { } rs ? rs.Take(count).Select(v => v - 1).ToArray() : HalfSets(count, o.Seed);

        string outDir = Path.GetFullPath(o.OutDir);
        Directory.CreateDirectory(outDir);
        using var bp1 = new Backprojector(n, grid.Apix, o.Padding, o.Trilinear);
        using var bp2 = new Backprojector(n, grid.Apix, o.Padding, o.Trilinear);
        var buffer = new float[o.ChunkSize * n0 * n0];
        for (int start = 0; start < count; start += o.ChunkSize)
        {
            ct.ThrowIfCancellationRequested();
            int b = Math.Min(o.ChunkSize, count - start);
            for (int j = 0; j < b; j++) ds.ReadImage(start + j, buffer.AsSpan(j * n0 * n0, n0 * n0));
            // The default no-GC budget: a chunk allocates little managed memory (the images go straight to a tensor),
            // and a larger region is committed memory that shows up as RSS (256 MiB here grew RSS by ~200 MiB).
            using var guard = NativeCallGuard.Enter();
            using var scope = NewDisposeScope();
            Tensor images = tensor(buffer, [o.ChunkSize, n0, n0]).narrow(0, 0, b);
            if (n != n0) images = Fourier.FourierCrop(images, n);
            Tensor rot = tensor(t.Rotations!.AsSpan(9 * start, 9 * b).ToArray(), [b, 3, 3]);
            Tensor? shifts = t.ShiftsA is null ? null : tensor(t.ShiftsA.AsSpan(2 * start, 2 * b).ToArray(), [b, 2]);
            foreach (int h in new[] { 0, 1 })
            {
                long[] sel = Enumerable.Range(0, b).Where(j => half[start + j] == h).Select(j => (long)j).ToArray();
                if (sel.Length == 0) continue;
                Tensor idx = tensor(sel);
                using var ctf = t.Ctf is null ? null : CtfBatch.From(sel.Select(j => t.Ctf[start + (int)j]).ToArray(), CPU);
                (h == 0 ? bp1 : bp2).Insert(images.index_select(0, idx), rot.index_select(0, idx), shifts?.index_select(0, idx), ctf);
            }
            progress?.Report((start + b, count));
        }

        if (bp1.Count == 0 || bp2.Count == 0) throw new InputException(o.Particles, "one half-set is empty; give at least two particles (and both rlnRandomSubset values)");
        int half1 = (int)bp1.Count;
        var (m1, m2, map) = Maps(bp1, bp2, o.Regulariser);
        double origin = -(n / 2) * grid.Apix;
        var o3 = (origin, origin, origin);
        MrcWriter.WriteVolume(Path.Combine(outDir, "half1.mrc"), m1, n, n, n, grid.Apix, o3);
        MrcWriter.WriteVolume(Path.Combine(outDir, "half2.mrc"), m2, n, n, n, grid.Apix, o3);
        MrcWriter.WriteVolume(Path.Combine(outDir, "map.mrc"), map, n, n, n, grid.Apix, o3);
        double[] fsc = Fsc.Curve(m1, m2, n);
        WriteFsc(outDir, fsc, n, grid.Apix);
        return new BackprojectResult(outDir, count, half1, n, grid.Apix, fsc,
            Fsc.Resolution(fsc, n, grid.Apix, 0.5), Fsc.Resolution(fsc, n, grid.Apix, 0.143),
            clock.Elapsed.TotalSeconds, ProcessMemory.PeakRssMiB());
    }

    /// <summary>Half-set of each particle (0 or 1): a seeded shuffle, alternating, so the halves differ by at most one.</summary>
    public static int[] HalfSets(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        var half = new int[count];
        for (int i = 0; i < count; i++) half[order[i]] = i % 2;
        return half;
    }

    // The full map comes from the summed numerators and weights (a proper Wiener estimate from all the data).
    private static (float[] Half1, float[] Half2, float[] Full) Maps(Backprojector a, Backprojector b, double regulariser)
    {
        using var guard = NativeCallGuard.Enter(256L << 20);
        float[] m1 = a.Reconstruct(regulariser), m2 = b.Reconstruct(regulariser);
        a.Add(b);
        return (m1, m2, a.Reconstruct(regulariser));
    }

    private static void WriteFsc(string outDir, double[] fsc, int n, double apix)
    {
        AtomicFile.WriteText(Path.Combine(outDir, "fsc.csv"), w =>
        {
            w.WriteLine("shell,frequency,resolution_A,fsc");
            for (int s = 0; s < fsc.Length; s++)
            {
                double f = Fsc.Frequency(s, n, apix);
                w.WriteLine($"{s.ToString(Inv)},{f.ToString("G6", Inv)},{(s == 0 ? "inf" : (1 / f).ToString("G6", Inv))},{fsc[s].ToString("G6", Inv)}");
            }
        });
        double[] freq = Enumerable.Range(0, fsc.Length).Select(s => Fsc.Frequency(s, n, apix)).ToArray();
        byte[] png = AnalysisPlots.FscCurve(freq, fsc);
        AtomicFile.Write(Path.Combine(outDir, "fsc.png"), s => s.Write(png));
    }
}
