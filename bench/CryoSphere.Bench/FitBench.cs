using CryoSphere.IO;
using System.Diagnostics;
using CryoSphere.Analysis;
using CryoSphere.Imaging;
using static TorchSharp.torch;

namespace CryoSphere.Bench;

/// <summary>
/// The fit's acceptance (issue 14): a structure's chain, centred, rendered as `cryosphere volume --center` does,
/// then moved by K seeded random rigid transforms (<see cref="RigidDisplacement"/>) and fitted back with
/// <see cref="RigidFit"/> (default options unless given). Prints the Cα RMSD to the truth and the time per fit;
/// exits 1 when any start ends ≥ 1 Å away.
/// </summary>
internal sealed class FitBench : IBenchmark
{
    public string Name => "fit";

    public string Usage => "--structure S [--chains A] [--npix 64] [--apix 3] [--starts 10] [--seed 1] [--shift 10 (Å)] [--rotations R] [--candidates C] [--steps S] [--fine-steps F] [--coarse-apix A] [--threads 1]: RMSD and seconds per fit";

    public int Run(BenchArgs args)
    {
        string path = args.String("structure") ?? throw new ArgumentException("--structure is required");
        string chains = args.String("chains") ?? "A";
        int n = args.Int("npix", 64), starts = args.Int("starts", 10), seed = args.Int("seed", 1);
        double apix = args.Double("apix", 3), shift = args.Double("shift", 10);
        TorchRuntime.SetThreads(args.Int("threads", 1));
        var defaults = new RigidFit.Options();
        var options = defaults with
        {
            Rotations = args.Int("rotations", defaults.Rotations),
            Candidates = args.Int("candidates", defaults.Candidates),
            RefineSteps = args.Int("steps", defaults.RefineSteps),
            FineSteps = args.Int("fine-steps", defaults.FineSteps),
            CoarseApix = args.Double("coarse-apix", defaults.CoarseApix),
        };
        var s = StructureReader.ReadStructure(path, chains.Split(','));
        var c = s.Centroid();
        var truth = (float[])s.Coordinates.Clone();
        for (int i = 0; i < truth.Length; i += 3) { truth[i] -= (float)c.X; truth[i + 1] -= (float)c.Y; truth[i + 2] -= (float)c.Z; }
        float[] map;
        using (NativeCallGuard.Enter(256L << 20))
        using (var scope = NewDisposeScope())
            map = VolumeRenderer.RenderToArray(tensor(truth, [s.Count, 3]), tensor(s.Amplitudes), options.Sigma, new ImageGrid(n, apix));
        Console.WriteLine($"{Path.GetFileName(path)} chains {chains}: {s.Count} residues, map {n}³ at {apix} Å, {starts} starts (seed {seed}), {options}");

        var rng = new Random(seed);
        var rmsds = new List<double>();
        var seconds = new List<double>();
        var cpuSeconds = new List<double>();   // wall time moves 2–3× with the shared machine's load; CPU time less
        for (int k = 0; k < starts; k++)
        {
            var start = RigidDisplacement.Random(rng, truth, shift);
            float[] moved = RigidDisplacement.Apply(start, truth);
            var clock = Stopwatch.StartNew();
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var fit = RigidFit.Fit(moved, s.Amplitudes, map, n, apix, options);
            seconds.Add(clock.Elapsed.TotalSeconds);
            cpuSeconds.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
            rmsds.Add(RigidDisplacement.Rmsd(RigidDisplacement.Apply(fit, moved), truth));
            Console.WriteLine($"start {k,2}: RMSD before {RigidDisplacement.Rmsd(moved, truth),6:F1} Å, after {rmsds[^1]:F3} Å, correlation {fit.Correlation:F4}, {seconds[^1]:F1} s ({cpuSeconds[^1]:F1} CPU-s)");
        }
        int failed = rmsds.Count(r => !(r < 1));
        Console.WriteLine($"{failed} of {starts} starts ≥ 1 Å; max RMSD {rmsds.Max():F3} Å; {seconds.Average():F1} s per fit (min {seconds.Min():F1}, max {seconds.Max():F1}), {cpuSeconds.Average():F1} CPU-s per fit; peak RSS {ProcessMemory.PeakRssMiB():F0} MiB");
        return failed == 0 ? 0 : 1;
    }
}
