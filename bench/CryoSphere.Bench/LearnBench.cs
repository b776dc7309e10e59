using System.Diagnostics;
using System.Globalization;
using CryoSphere.Analysis;
using CryoSphere.Simulation;
using CryoSphere.Training;

namespace CryoSphere.Bench;

/// <summary>
/// The defaults study: train on a simulated set (made here as the demo's LID hinge when --sim does not
/// exist yet), with the product's defaults unless a flag overrides one, and report |r|(PC1, truth) and
/// segmentation accuracy after every few epochs. Used to choose and document training defaults.
/// </summary>
internal sealed class LearnBench : IBenchmark
{
    public string Name => "learn";
    public string Usage => "--sim DIR [--structure PDB (to make DIR) --images 3000 --npix 64 --apix 2 --snr 0.1] [--epochs E --every 5 --lr X --lr-seg X --kl-beta X --kl-schedule S --kl-m M --kl-free-nats X --segments K --latent L --batch B --threads 2 --seed 1 --continuity X --enc-npix N --flip true|false --lp A]";

    private static double? D(BenchArgs a, string name) =>
        a.String(name) is { } s && s != "auto" ? double.Parse(s, CultureInfo.InvariantCulture) : null;

    private static int? I(BenchArgs a, string name) =>
        a.String(name) is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : null;

    public int Run(BenchArgs a)
    {
        string work = a.String("work") ?? Path.Combine(Path.GetTempPath(), "cryosphere-learn");
        string sim = a.String("sim") ?? Path.Combine(work, "sim");
        int seed = a.Int("seed", 1);
        if (!File.Exists(Path.Combine(sim, "simulation.json")))
        {
            string structure = a.String("structure") ?? throw new ArgumentException("--structure is required to make a new --sim");
            var so = new SimulationOptions
            {
                StructurePath = structure, Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"], Axis = "A:118,A:167",
                Range = [-45, 45], NImages = a.Int("images", 3000), Npix = a.Int("npix", 64), Apix = a.Double("apix", 2),
                Snr = a.Double("snr", 0.1), Seed = seed, OutDirValue = sim,
            };
            var r = Simulator.Run(so);
            Console.WriteLine($"simulated {r.Images} images in {r.Seconds:F1} s, SNR {r.RealisedSnr:F4}");
        }
        var d = new TrainOptions();
        int epochs = a.Int("epochs", d.Epochs), every = a.Int("every", 5);
        string run = a.String("run") ?? Path.Combine(work, $"run-{DateTime.Now:HHmmssfff}");
        var o = d with
        {
            BaseStructurePath = Path.Combine(sim, "base.pdb"), ParticlesPath = Path.Combine(sim, "particles.star"), OutDir = run,
            Epochs = epochs, BatchSize = a.Int("batch", d.BatchSize), LearningRate = a.Double("lr", d.LearningRate),
            LearningRateSegmentation = D(a, "lr-seg") ?? d.LearningRateSegmentation,
            LatentDimension = a.Int("latent", d.LatentDimension),
            Segmentation = I(a, "segments") is { } k ? [new SegmentationPartOptions { Segments = k }] : d.Segmentation,
            Threads = a.Int("threads", 2), Seed = seed, KeepCheckpoints = 0,
            KlLatent = new LossTermOptions(a.String("kl-schedule") ?? d.KlLatent.Schedule, D(a, "kl-beta") ?? d.KlLatent.Beta, D(a, "kl-m") ?? d.KlLatent.M),
            Continuity = D(a, "continuity") is { } c ? new LossTermOptions("constant", c) : d.Continuity,
            EncoderNpix = I(a, "enc-npix") ?? d.EncoderNpix,
            KlLatentFreeNats = D(a, "kl-free-nats") ?? d.KlLatentFreeNats,
            PhaseFlipEncoderInput = a.String("flip") is { } f ? f != "false" : d.PhaseFlipEncoderInput,
            LpBandwidth = D(a, "lp") ?? d.LpBandwidth,
            NImages = I(a, "n-images") ?? d.NImages,
        };
        var clock = Stopwatch.StartNew();
        Trainer.Run(o);
        Console.WriteLine($"trained {epochs} epochs in {clock.Elapsed.TotalSeconds:F0} s  ({run})");
        Console.WriteLine("epoch  r(PC1)  best|r|  seg_acc  segments");
        for (int e = every; e <= epochs; e += every)
        {
            using var tr = TrainedRun.Open(run, e);
            var z = tr.LatentMeans();
            var (_, hard, _) = tr.Segmentation();
            var m = MotionRecovery.Compute(z, tr.ParticleCount, tr.LatentDim, hard, SimulationTruth.Open(sim));
            Console.WriteLine($"{e,5}  {m.PearsonPc1,6:F3}  {m.BestAbsPearson,7:F3}  {m.SegmentationAccuracy,7:F3}  {m.SegmentsFound,8}");
        }
        return 0;
    }
}
