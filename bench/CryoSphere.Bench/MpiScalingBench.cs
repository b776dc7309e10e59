using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CryoSphere.Simulation;
using CryoSphere.Training;

namespace CryoSphere.Bench;

/// <summary>
/// Data-parallel scaling: the same training (global batch, seed, data) under <c>mpirun -np K</c> for each K, with
/// images/s of the last epoch (metrics.csv), the time per step spent in the gradient all-reduce and the gradient
/// size (run.log). Needs Open MPI's mpirun and a built CLI (<c>./cryosphere version</c> builds it in Release).
/// </summary>
internal sealed partial class MpiScalingBench : IBenchmark
{
    public string Name => "mpi-scaling";

    public string Usage => "[--ranks 1,2 --threads 1 --images 1024 --npix 64 --batch 64 (global) --epochs 2 --segments 6 --cli DLL --cache /tmp/cryosphere-bench-mpi]: images/s per rank count, all-reduce ms/step, gradient size";

    public int Run(BenchArgs a)
    {
        if (a.Int("probe-floats", 0) is > 0 and var floats) return Probe(floats);
        var ranks = (a.String("ranks") ?? "1,2").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int threads = a.Int("threads", 1), images = a.Int("images", 1024), npix = a.Int("npix", 64), batch = a.Int("batch", 64), epochs = a.Int("epochs", 2), segments = a.Int("segments", 6);
        string cli = a.String("cli") ?? FindCli();
        string data = Path.Combine(a.String("cache") ?? "/tmp/cryosphere-bench-mpi", $"n{images}-px{npix}");
        if (!File.Exists(Path.Combine(data, "particles.star")))
        {
            var r = Simulator.Run(new SimulationOptions
            {
                StructurePath = Path.Combine(FindStructures(), "1ake.pdb"), Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"],
                Axis = "A:118,A:167", NImages = images, Npix = npix, Apix = 128.0 / npix, Snr = 0.1, ShiftMax = 2, Seed = 1, OutDirValue = data,
            });
            Console.WriteLine($"simulated {r.Images} images ({r.Residues} residues, {npix} px) into {data} in {r.Seconds:F1} s");
        }
        Console.WriteLine($"global batch {batch}, K {segments}, {threads} thread(s) per rank, {epochs} epochs; load average {LoadAverage()}");
        Console.WriteLine("ranks  batch/rank  images/s (last epoch)  step ms  all-reduce ms/step  gradient");
        double? baseline = null;
        long? lastGradient = null;
        foreach (int k in ranks)
        {
            if (batch % k != 0) throw new ArgumentException($"--batch {batch} is not a multiple of {k} ranks");
            string run = Path.Combine(Path.GetTempPath(), $"cryosphere-mpibench-{Guid.NewGuid():N}");
            try
            {
                var psi = new ProcessStartInfo("mpirun") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var x in new[] { "-np", k.ToString(CultureInfo.InvariantCulture), "--oversubscribe", "--bind-to", "none", "dotnet", cli, "train",
                    "--structure", Path.Combine(data, "base.pdb"), "--particles", Path.Combine(data, "particles.star"), "--out", run,
                    "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--stop-on-plateau", "false", "--batch-size", (batch / k).ToString(CultureInfo.InvariantCulture),
                    "--segments", segments.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture), "--seed", "1" })
                    psi.ArgumentList.Add(x);
                psi.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
                psi.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
                using var p = Process.Start(psi)!;
                var err = p.StandardError.ReadToEndAsync();
                p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) throw new ArgumentException($"mpirun -np {k} failed ({p.ExitCode}): {err.Result}");
                double ips = new MetricsLog(Path.Combine(run, "metrics.csv")).Rows[^1]["images_per_s"];
                var reduce = ReduceLine().Matches(File.ReadAllText(Path.Combine(run, "run.log"))).LastOrDefault();
                string ms = reduce?.Groups[1].Value ?? "–", grad = reduce is null ? "–" : $"{reduce.Groups[2].Value} floats ({reduce.Groups[3].Value} MiB)";
                baseline ??= ips;
                if (reduce is not null) lastGradient = long.Parse(reduce.Groups[2].Value, CultureInfo.InvariantCulture);
                Console.WriteLine(FormattableString.Invariant($"{k,5}  {batch / k,10}  {ips,12:F1} ({ips / baseline.Value:F2}×)  {1000.0 * batch / ips,7:F0}  {ms,18}  {grad}"));
            }
            finally
            {
                if (Directory.Exists(run)) Directory.Delete(run, recursive: true);
            }
        }
        if (lastGradient is { } g && ranks.Max() > 1)
        {
            // The all-reduce alone, ranks lined up by a barrier first: the transport's cost without waiting for a slower rank.
            var psi = new ProcessStartInfo("mpirun") { UseShellExecute = false, RedirectStandardOutput = true };
            foreach (var x in new[] { "-np", ranks.Max().ToString(CultureInfo.InvariantCulture), "--oversubscribe", "--bind-to", "none", "dotnet",
                typeof(MpiScalingBench).Assembly.Location, Name, "--probe-floats", g.ToString(CultureInfo.InvariantCulture) })
                psi.ArgumentList.Add(x);
            psi.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
            psi.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
            using var p = Process.Start(psi)!;
            Console.Write(p.StandardOutput.ReadToEnd());
            p.WaitForExit();
        }
        Console.WriteLine($"load average at the end {LoadAverage()}");
        return 0;
    }

    /// <summary>Under mpirun: times an average all-reduce of <paramref name="floats"/> floats (median of 30, after a barrier each).</summary>
    private static int Probe(long floats)
    {
        using var comm = Distributed.Communicators.FromEnvironment();
        using var t = TorchSharp.torch.ones(floats);
        var ms = new List<double>();
        for (int i = 0; i < 33; i++)
        {
            comm.Barrier();
            var sw = Stopwatch.StartNew();
            comm.AllReduce(t, Distributed.ReduceOp.Average);
            if (i >= 3) ms.Add(sw.Elapsed.TotalMilliseconds);
        }
        ms.Sort();
        if (comm.Rank == 0)
            Console.WriteLine(FormattableString.Invariant($"all-reduce alone ({comm.Size} ranks, {floats} floats = {floats * 4 / 1048576.0:F2} MiB, host copies included): median {ms[ms.Count / 2]:F1} ms, min {ms[0]:F1} ms over {ms.Count}"));
        return 0;
    }

    [GeneratedRegex(@"gradient all-reduce: ([\d.]+) ms/step over \d+ steps, (\d+) floats \(([\d.]+) MiB\)")]
    private static partial Regex ReduceLine();

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string FindCli() => FindUp(d => new[] { "Release", "Debug" }
        .Select(c => Path.Combine(d, "src", "CryoSphere.Cli", "bin", c, "net10.0", "CryoSphere.Cli.dll")).FirstOrDefault(File.Exists))
        ?? throw new ArgumentException("--cli PATH/CryoSphere.Cli.dll is required: no built CLI found (./cryosphere version builds it)");

    private static string FindStructures() => FindUp(d => Path.Combine(d, "shared", "data", "structures") is var p && File.Exists(Path.Combine(p, "1ake.pdb")) ? p : null)
        ?? throw new ArgumentException("shared/data/structures (with 1ake.pdb) not found");

    private static string? FindUp(Func<string, string?> probe)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (probe(d.FullName) is { } hit) return hit;
        return null;
    }
}
