using System.Diagnostics;
using CryoSphere.IO;

namespace CryoSphere.Bench;

/// <summary>
/// Streams a large float32 stack to a temp folder, then reads random images through
/// <see cref="MrcStack"/>; reports images/s and peak RSS, which must stay under a limit however
/// large the file is.
/// </summary>
internal sealed class MrcRandomBench : IBenchmark
{
    public string Name => "mrc-random";

    public string Usage => "[--gb 2.1 (GiB)] [--n 10000] [--box 128] [--batch 256] [--dir TMP] [--max-rss-mb 300]: random reads from a big MRC stack";

    public int Run(BenchArgs args)
    {
        double gib = args.Double("gb", 2.1);
        int n = args.Int("n", 10_000);
        int box = args.Int("box", 128);
        int batch = args.Int("batch", 256);
        double maxRss = args.Double("max-rss-mb", 300);
        if (gib <= 0 || n <= 0 || box <= 0 || batch <= 0) throw new ArgumentException("options must be positive");
        long imageBytes = 4L * box * box;
        int count = checked((int)Math.Ceiling(gib * (1L << 30) / imageBytes));
        string dir = Path.Combine(args.String("dir") ?? Path.GetTempPath(), $"cryosphere-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "big.mrcs");
        try
        {
            var sw = Stopwatch.StartNew();
            Generate(path, count, box);
            double writeS = sw.Elapsed.TotalSeconds;
            long size = new FileInfo(path).Length;
            Console.WriteLine($"wrote {count} images of {box}x{box} float32 = {size / 1e9:F2} GB in {writeS:F1} s ({size / 1e6 / writeS:F0} MB/s), RSS now {ProcessMemory.RssMiB():F0} MiB");

            var rng = new Random(12345);
            var indices = new int[n];
            for (int i = 0; i < n; i++) indices[i] = rng.Next(count);
            var buf = new float[batch * box * box];
            int pixels = box * box;
            using var stack = MrcStack.Open(path);
            sw.Restart();
            for (int start = 0; start < n; start += batch)
            {
                int m = Math.Min(batch, n - start);
                var idx = indices.AsSpan(start, m);
                stack.ReadImages(idx, buf);
                for (int k = 0; k < m; k++)
                    if (buf[k * pixels] != idx[k]) throw new InvalidOperationException($"image {idx[k]} read back wrong (first pixel {buf[k * pixels]})");
            }
            double readS = sw.Elapsed.TotalSeconds;
            double peak = ProcessMemory.PeakRssMiB();
            Console.WriteLine($"read {n} random images (batches of {batch}) in {readS:F2} s: {n / readS:F0} images/s, {n * imageBytes / 1e6 / readS:F0} MB/s");
            Console.WriteLine($"peak RSS (VmHWM) {peak:F0} MiB, limit {maxRss:F0} MiB: {(peak < maxRss ? "OK" : "TOO HIGH")}");
            return peak < maxRss ? 0 : 1;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // Image i has i in its first pixel so reads can be checked; the rest is cheap varied data.
    internal static void Generate(string path, int count, int box, string label = "CryoSphere.Bench mrc-random")
    {
        const int chunkImages = 64;
        int pixels = box * box;
        var chunk = new float[chunkImages * pixels];
        using var w = new MrcStackWriter(path, box, box, 1.0, label: label);
        for (int first = 0; first < count; first += chunkImages)
        {
            int m = Math.Min(chunkImages, count - first);
            for (int k = 0; k < m; k++)
            {
                var img = chunk.AsSpan(k * pixels, pixels);
                for (int p = 0; p < pixels; p++) img[p] = (p * 31 + first + k) % 97 * 0.01f;
                img[0] = first + k;
            }
            w.Append(chunk.AsSpan(0, m * pixels));
        }
        w.Complete();
    }
}
