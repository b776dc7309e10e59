using System.Diagnostics;
using CryoSphere.Data;
using CryoSphere.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Bench;

/// <summary>
/// The training data path alone on a large stack: <see cref="BatchLoader"/> (shuffled epoch, background
/// thread, pooled buffers) plus the upload to a tensor and normalisation, without the model. Images/s and
/// peak RSS; the stack is written first (image i has i in its first pixel, so every read is checked).
/// </summary>
internal sealed class LoaderBench : IBenchmark
{
    public string Name => "loader";

    public string Usage => "[--gb 8 --box 128 --batch 128 --n 20000 --dir TMP --keep 0]: BatchLoader images/s and peak RSS on a big stack";

    public int Run(BenchArgs a)
    {
        double gib = a.Double("gb", 8);
        int box = a.Int("box", 128), batch = a.Int("batch", 128), n = a.Int("n", 20_000);
        TorchRuntime.SetThreads(1);
        int count = checked((int)Math.Ceiling(gib * (1L << 30) / (4.0 * box * box)));
        string dir = a.String("dir") ?? Path.Combine(Path.GetTempPath(), "cryosphere-bench-loader");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"big_{box}_{count}.mrcs");
        try
        {
            if (!File.Exists(path))
            {
                var sw = Stopwatch.StartNew();
                MrcRandomBench.Generate(path, count, box, "CryoSphere.Bench loader");
                Console.WriteLine($"wrote {count} images of {box} px = {new FileInfo(path).Length / 1e9:F1} GB in {sw.Elapsed.TotalSeconds:F0} s");
            }
            using var data = ParticleDataset.Open(path, new ParticleOpenOptions { RequirePoses = false, PixelSize = 1 });
            var loader = new BatchLoader(data, batch, seed: 1);
            int pixels = box * box;
            ResetPeak();
            var clock = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            int done = 0;
            double uploadMs = 0;
            foreach (var hb in loader.Epoch(0, shuffle: true))
            {
                using var _ = hb;
                for (int k = 0; k < hb.Count; k++)
                    if (hb.Images[k * pixels] != hb.Indices[k]) throw new InvalidOperationException($"image {hb.Indices[k]} read back wrong");
                var up = Stopwatch.StartNew();
                using (var scope = NewDisposeScope())
                {
                    // What BatchObjective.Prepare does with the pixels: one tensor over the pooled buffer, normalised.
                    Tensor t = tensor(hb.Images, [hb.Images.Length / pixels, box, box]).narrow(0, 0, hb.Count);
                    t.sub(Scalars.Of(0.5)).div(Scalars.Of(2.0)).sum().ToDouble();
                }
                uploadMs += up.Elapsed.TotalMilliseconds;
                done += hb.Count;
                if (done >= n) break;
            }
            double secs = clock.Elapsed.TotalSeconds, cpuS = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            Console.WriteLine($"stack {count} images of {box} px ({new FileInfo(path).Length / 1e9:F1} GB), batch {batch}, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            Console.WriteLine($"{done} shuffled images in {secs:F1} s: {done / secs:F0} images/s ({done * 4.0 * pixels / 1e6 / secs:F0} MB/s), " +
                              $"CPU {cpuS:F1} s; tensor+normalise {uploadMs / Math.Max(1, done / batch):F2} ms/batch; peak RSS {ProcessMemory.PeakRssMiB():F0} MiB");
            return 0;
        }
        finally
        {
            if (a.Int("keep", 0) == 0) File.Delete(path);
        }
    }

    private static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { }
    }
}
