using System.Diagnostics;
using System.Globalization;
using CryoSphere.Simulation;
using CryoSphere.Training;
using Xunit.Abstractions;

namespace CryoSphere.Tests.Training;

/// <summary>
/// Resident memory of training, measured in a child process running the CLI so that nothing else in
/// the test host counts: it must not grow with the number of steps, nor with the size of the stack
/// (images stream from disk).
/// </summary>
public sealed class MemoryTests(ITestOutputHelper output)
{
    private const string SmallNetworks = "encoder:\n  hidden_dimensions: [64, 32]\ndecoder:\n  hidden_dimensions: [64]\n";

    [Fact]
    [Trait("Category", "Slow")]
    public void RssAfter500StepsStaysWithinTenPercentOfRssAfter50()
    {
        string dir = TestData.TempDir("mem-steps");
        try
        {
            string sim = Simulate(dir, images: 400, npix: 32, apix: 4, ctf: true);
            // 400 images in batches of 8: 50 steps an epoch, 500 after ten.
            var rss = Train(dir, sim, epochs: 10, batch: 8);
            Assert.Equal(10, rss.Length);
            string detail = $"RSS after 50 steps {rss[0]:F0} MiB, after 500 steps {rss[^1]:F0} MiB (per epoch: {string.Join(", ", rss.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))})";
            output.WriteLine(detail);
            Assert.True(rss[^1] <= 1.10 * rss[0], "training memory grows with steps: " + detail);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void RssDoesNotDependOnTheStackSize()
    {
        string dir = TestData.TempDir("mem-stack");
        try
        {
            StackSizeCase(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private void StackSizeCase(string dir)
    {
        string small = Simulate(Path.Combine(dir, "2k"), images: 2_000, npix: 16, apix: 4, ctf: false);
        string large = Simulate(Path.Combine(dir, "50k"), images: 50_000, npix: 16, apix: 4, ctf: false);
        // The same number of steps for both (25 epochs of 16 batches vs 1 epoch of 391), so only the stack differs.
        double rssSmall = Train(Path.Combine(dir, "2k"), small, epochs: 25, batch: 128)[^1];
        double rssLarge = Train(Path.Combine(dir, "50k"), large, epochs: 1, batch: 128)[^1];
        // The forces table (the encoder's input at this SNR) is per particle by design, 3R floats each, bounded by
        // forces_cache_mib: it is taken off, at the size run.log gives, and must be there for the large stack.
        double tableSmall = KeptForcesMiB(Path.Combine(dir, "2k", "run")), tableLarge = KeptForcesMiB(Path.Combine(dir, "50k", "run"));
        double expected = ForcesTable.BytesFor(50_000, 214) / 1048576.0;
        Assert.InRange(tableLarge, expected - 1, expected + 1);
        rssSmall -= tableSmall;
        rssLarge -= tableLarge;
        string detail = $"RSS after ~400 steps less the forces kept: 2,000 images {rssSmall:F0} MiB, 50,000 images {rssLarge:F0} MiB (tables {tableSmall:F0} and {tableLarge:F0} MiB)";
        output.WriteLine(detail);
        // Pages of the memory-mapped stack that were read count in VmRSS (page cache, reclaimable); MrcStack
        // bounds them to its 4 × 32 MiB of mapped windows, so they are allowed on top, up to that bound.
        double mappedMiB = Math.Min(new FileInfo(Path.Combine(large, "particles.mrcs")).Length / 1048576.0, 128);
        double tolerance = Math.Max(0.15 * rssSmall, 30) + mappedMiB;
        Assert.True(Math.Abs(rssLarge - rssSmall) <= tolerance, $"training memory depends on the stack size (tolerance {tolerance:F0} MiB): " + detail);
    }

    /// <summary>The MiB of forces run.log says the run kept per particle (0 when it kept none).</summary>
    private static double KeptForcesMiB(string run)
    {
        var m = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(run, "run.log")), @"forces of \d+ particles computed once in [\d.]+ s and kept \((\d+) MiB\)");
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static string Simulate(string dir, int images, int npix, double apix, bool ctf)
    {
        Simulator.Run(new SimulationOptions
        {
            StructurePath = TestData.Structure("1ake.pdb"), Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"],
            Axis = "A:118,A:167", NImages = images, Npix = npix, Apix = apix, Snr = 1.0, Ctf = ctf, Seed = 5, OutDirValue = dir,
        });
        return dir;
    }

    /// <summary>Runs <c>cryosphere train</c> in a child process; returns the metrics' rss_mb column, one value per epoch.</summary>
    private static double[] Train(string workDir, string sim, int epochs, int batch)
    {
        string config = Path.Combine(workDir, "networks.yaml");
        File.WriteAllText(config, SmallNetworks);
        string run = Path.Combine(workDir, "run");
        string cli = Path.Combine(AppContext.BaseDirectory, "CryoSphere.Cli.dll");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // glibc keeps freed tensor buffers in its heaps once its dynamic mmap threshold has risen (VmRSS
        // then drifts up by hundreds of MiB without any live allocation: malloc_trim gives it all back).
        // A fixed threshold makes VmRSS follow live memory, so what these tests see is a real leak.
        psi.Environment["MALLOC_MMAP_THRESHOLD_"] = "131072";
        foreach (var a in new[]
                 {
                     cli, "train", "--config", config, "--structure", Path.Combine(sim, "base.pdb"), "--particles", Path.Combine(sim, "particles.star"),
                     "--out", run, "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--batch-size", batch.ToString(CultureInfo.InvariantCulture),
                     "--threads", "1", "--seed", "1", "--keep", "1",
                 })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("cryosphere train did not finish within 3 minutes");
        }
        Assert.True(p.ExitCode == 0, $"cryosphere train failed ({p.ExitCode}): {stderr.Result}\n{stdout.Result}");
        return ReadColumn(Path.Combine(run, "metrics.csv"), "rss_mb");
    }

    private static double[] ReadColumn(string csv, string column)
    {
        var lines = File.ReadAllLines(csv).Where(l => l.Length > 0).ToArray();
        int k = Array.IndexOf(lines[0].Split(','), column);
        Assert.True(k >= 0, $"{csv} has no {column} column: {lines[0]}");
        return lines.Skip(1).Select(l => double.Parse(l.Split(',')[k], CultureInfo.InvariantCulture)).ToArray();
    }
}
