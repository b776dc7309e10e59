using System.Diagnostics;
using CryoSphere.Data;
using CryoSphere.Geometry;
using CryoSphere.Imaging;
using CryoSphere.Workflows;
using static TorchSharp.torch;

namespace CryoSphere.Bench;

/// <summary>
/// Resident memory of <see cref="Backprojector"/> insertion against the number of images (issue 14: trilinear
/// insertion grew ~44 KiB per image). Synthetic images, poses, shifts and CTFs go through two backprojectors in
/// chunks split into seeded half-sets exactly as `backproject` does (<see cref="Backprojection.HalfSets"/>, one
/// <see cref="NativeCallGuard"/> and dispose scope per chunk); RSS is read after N, 2N, 3N and 4N images.
/// Growth = (RSS(4N) − RSS(N)) / 3N, in KiB per image.
/// </summary>
internal sealed class BackprojectMemoryBench : IBenchmark
{
    public string Name => "backproject-memory";

    public string Usage => "[--images 2000 (N)] [--npix 32] [--chunk 128] [--trilinear 1] [--threads 1] [--max-kib-per-image 2]: RSS after N..4N inserted images";

    public int Run(BenchArgs args)
    {
        int n = args.Int("images", 2000), npix = args.Int("npix", 32), chunk = args.Int("chunk", 128);
        bool trilinear = args.Int("trilinear", 1) != 0;
        double limit = args.Double("max-kib-per-image", 2);
        TorchRuntime.SetThreads(args.Int("threads", 1));
        if (n < 1 || npix < 8 || chunk < 1 || n % chunk != 0) throw new ArgumentException("images ≥ 1 and a multiple of the chunk, npix ≥ 8, chunk ≥ 1");
        const double apix = 3;
        int total = 4 * n;
        int[] half = Backprojection.HalfSets(total, 1);
        var rng = new Random(7);
        var pixels = new float[chunk * npix * npix];
        var rss = new List<double>();
        var clock = Stopwatch.StartNew();
        using var bp1 = new Backprojector(npix, apix, 2, trilinear);
        using var bp2 = new Backprojector(npix, apix, 2, trilinear);
        for (int start = 0; start < total; start += chunk)
        {
            int b = Math.Min(chunk, total - start);
            for (int i = 0; i < b * npix * npix; i++) pixels[i] = (float)rng.NextDouble();
            var rot = new float[9 * b];
            for (int j = 0; j < b; j++) { double[] r = Rotations.UniformRandom(rng); for (int k = 0; k < 9; k++) rot[9 * j + k] = (float)r[k]; }
            var shift = Enumerable.Range(0, 2 * b).Select(_ => (float)(4 * rng.NextDouble() - 2)).ToArray();
            var ctf = Enumerable.Range(0, b).Select(_ => new CtfParameters(10000 + 10000 * rng.NextDouble(), 12000, 30, 300, 2.7, 0.1)).ToArray();
            using var guard = NativeCallGuard.Enter();
            using var scope = NewDisposeScope();
            Tensor images = tensor(pixels, [chunk, npix, npix]).narrow(0, 0, b);
            Tensor rt = tensor(rot, [b, 3, 3]), st = tensor(shift, [b, 2]);
            foreach (int h in new[] { 0, 1 })
            {
                long[] sel = Enumerable.Range(0, b).Where(j => half[start + j] == h).Select(j => (long)j).ToArray();
                if (sel.Length == 0) continue;
                Tensor idx = tensor(sel);
                using var cb = CtfBatch.From(sel.Select(j => ctf[j]).ToArray(), CPU);
                (h == 0 ? bp1 : bp2).Insert(images.index_select(0, idx), rt.index_select(0, idx), st.index_select(0, idx), cb);
            }
            int done = start + b;
            if (done / n > start / n || done == total)
            {
                rss.Add(ProcessMemory.RssMiB());
                Console.WriteLine($"{done,7} images: RSS {rss[^1]:F0} MiB, {clock.Elapsed.TotalSeconds:F1} s");
            }
        }
        double perImage = (rss[^1] - rss[0]) * 1024 / (total - n);
        Console.WriteLine($"{(trilinear ? "trilinear" : "nearest")}, {npix} px, chunk {chunk}: growth {perImage:F2} KiB/image from {n} to {total} images " +
                          $"(limit {limit:F1}), peak RSS {ProcessMemory.PeakRssMiB():F0} MiB, {total / clock.Elapsed.TotalSeconds:F0} images/s");
        return perImage <= limit ? 0 : 1;
    }
}
