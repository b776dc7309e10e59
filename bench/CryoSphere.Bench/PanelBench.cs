using System.Diagnostics;
using System.Globalization;
using CryoSphere.Analysis;
using CryoSphere.Simulation;
using CryoSphere.Training;
using CryoSphere.IO;

namespace CryoSphere.Bench;

/// <summary>
/// The validation panel (issue 9): for each member and seed, simulate (cached), measure the per-image
/// information ceiling (cached), train with the product's defaults (only the inputs given), and report
/// |r| of the latent against the truth, r/ceiling, segmentation accuracy, minutes and images/s. Results are
/// appended to WORK/panel.csv so the panel can be run in parts; the table is printed from that file.
/// </summary>
internal sealed class PanelBench : IBenchmark
{
    public string Name => "panel";
    public string Usage => "[--work DIR --only a,b --seeds 1,2,3 --slow true --threads 2 --ceiling-images 500 --table-only true; experiments: --segments K --kl-free-nats X --epochs N (fixed, no plateau stop) --amortized false --rotation-centre origin|centroid --ramp-steps S --held-out F --plateau-from start|settled --undo-psi true --latent-noise-warmup true --enc-npix N --enc-hidden a,b,c --lr X --batch B --subtract-base true --encoder-input image|forces --forces-components K --kl-weight B --latent-dim D] (members: "
        + string.Join(", ", PanelMembers.All.Select(m => m.Name)) + ")";

    public int Run(BenchArgs a)
    {
        string work = Path.GetFullPath(a.String("work") ?? Path.Combine(Path.GetTempPath(), "cryosphere-panel"));
        string shared = Path.Combine(FindShared(), "structures");
        var only = a.String("only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var seeds = (a.String("seeds") ?? "1,2,3").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        bool slow = a.String("slow") == "true";
        var members = PanelMembers.All.Where(m => only is null ? slow || !m.Slow : only.Contains(m.Name)).ToList();
        if (only is not null && members.Count != only.Length)
            throw new ArgumentException($"unknown member in --only; members: {string.Join(", ", PanelMembers.All.Select(m => m.Name))}");
        string csv = Path.Combine(work, "panel.csv");
        if (a.String("table-only") != "true")
            foreach (var m in members)
                foreach (int seed in seeds)
                    RunOne(m, seed, shared, work, csv, a.Int("threads", 2), a.Int("ceiling-images", 500), a);
        PanelTable.Print(csv);
        return 0;
    }

    private static void RunOne(PanelMember m, int seed, string shared, string work, string csv, int threads, int ceilingImages, BenchArgs a)
    {
        string dir = Path.Combine(work, m.Name, $"seed{seed}");
        string sim = Path.Combine(dir, "sim"), run = Path.Combine(dir, "run");
        if (!File.Exists(Path.Combine(sim, "simulation.json")))
        {
            var r = Simulator.Run(m.Make(shared, sim, seed));
            Console.WriteLine($"[{m.Name} seed {seed}] simulated {r.Images} images, SNR {r.RealisedSnr:F4}");
        }
        double[] ceilings = PanelCeiling.Cached(sim, ceilingImages);
        if (Directory.Exists(run)) Directory.Delete(run, true);
        var o = new TrainOptions
        {
            BaseStructurePath = Path.Combine(sim, "base.pdb"), ParticlesPath = Path.Combine(sim, "particles.star"),
            OutDir = run, Seed = seed, Threads = threads, KeepCheckpoints = 1,
        };
        // Experiments against the defaults (use another --work so the default table stays apart).
        if (a.String("segments") is not null) o = o with { Segmentation = [new SegmentationPartOptions { Segments = a.Int("segments", 6) }] };
        if (a.String("kl-free-nats") is not null) o = o with { KlLatentFreeNats = a.Double("kl-free-nats", 0) };
        if (a.String("enc-npix") is not null) o = o with { EncoderNpix = a.Int("enc-npix", 0) };
        if (a.String("enc-hidden") is { } eh) o = o with { EncoderHidden = eh.Split(',').Select(int.Parse).ToArray() };
        if (a.String("latent-noise-warmup") is not null) o = o with { LatentNoiseWarmup = a.String("latent-noise-warmup") != "false" };
        if (a.String("ramp-steps") is not null) o = o with { RampSteps = a.Int("ramp-steps", 1500) };
        if (a.String("rotation-centre") is { } rc) o = o with { SegmentRotationCentre = rc };
        if (a.String("plateau-from") is { } pf) o = o with { PlateauFrom = pf };
        if (a.String("undo-psi") is not null) o = o with { EncoderUndoPsi = a.String("undo-psi") != "false" };
        if (a.String("held-out") is not null) o = o with { HeldOutFraction = a.Double("held-out", 0.05) };
        if (a.String("amortized") is not null) o = o with { Amortized = a.String("amortized") != "false" };
        if (a.String("subtract-base") is not null) o = o with { EncoderSubtractBase = a.String("subtract-base") != "false" };
        if (a.String("encoder-input") is { } ei) o = o with { EncoderInput = ei };
        if (a.String("kl-weight") is not null) o = o with { KlLatent = new LossTermOptions("linear", a.Double("kl-weight", 0)) };
        if (a.String("lr") is not null) o = o with { LearningRate = a.Double("lr", 3e-4) };
        if (a.String("forces-components") is not null) o = o with { EncoderForcesComponents = a.Int("forces-components", 0) };
        if (a.String("latent-dim") is not null) o = o with { LatentDimension = a.Int("latent-dim", 8) };
        if (a.String("batch") is not null) o = o with { BatchSize = a.Int("batch", 64) };
        if (a.String("epochs") is not null) o = o with { Epochs = a.Int("epochs", 0), StopOnPlateau = false };
        var clock = Stopwatch.StartNew();
        var result = Trainer.Run(o);
        double minutes = clock.Elapsed.TotalMinutes;
        using var tr = TrainedRun.Open(run);
        var z = tr.LatentMeans();
        var (_, hard, _) = tr.Segmentation();
        var mr = MotionRecovery.Compute(z, tr.ParticleCount, tr.LatentDim, hard, SimulationTruth.Open(sim));
        // One coordinate: |r| of PC1. Several (independent hinges): the coordinate furthest below its ceiling,
        // each against its best-matching PC.
        double absR = Math.Abs(mr.PearsonPc1), ceiling = ceilings[0];
        if (ceilings.Length > 1)
        {
            var per = CoordinateRecovery.Compute(z, tr.ParticleCount, tr.LatentDim, TruthTable.Read(Path.Combine(sim, "truth.csv")), null);
            int worst = Enumerable.Range(0, per.Length).MinBy(c => per[c].BestAbsR / ceilings[c]);
            (absR, ceiling) = (per[worst].BestAbsR, ceilings[worst]);
        }
        var last = result.Metrics[^1];
        double ips = result.Metrics.Average(row => row["images_per_s"]);
        var row = new PanelRow(m.Name, seed, ceiling, absR, mr.BestAbsPearson, mr.SegmentationAccuracy,
            result.EpochsDone, minutes, ips, last["kl_latent"]);
        PanelTable.Append(csv, row);
        Console.WriteLine($"[{m.Name} seed {seed}] |r| PC1 {row.AbsR:F3} (best {row.BestR:F3}), ceiling {ceiling:F3}, seg {row.Segmentation:F3}, {minutes:F1} min");
    }

    private static string FindShared()
    {
        if (Environment.GetEnvironmentVariable("CRYOSPHERE_SHARED_DATA") is { Length: > 0 } env) return env;
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        {
            string c = Path.Combine(d.FullName, "shared", "data");
            if (Directory.Exists(c)) return c;
        }
        throw new ArgumentException("cannot find shared/data above the current folder; set CRYOSPHERE_SHARED_DATA");
    }
}
