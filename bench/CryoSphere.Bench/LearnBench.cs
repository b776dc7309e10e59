using System.Diagnostics;
using CryoSphere.Analysis;
using CryoSphere.Simulation;
using CryoSphere.Training;

namespace CryoSphere.Bench;

/// <summary>
/// The defaults study: simulate a two-domain hinge, train with the given settings, report |r|(PC1, angle)
/// and segmentation accuracy after every few epochs. Used to choose and document training defaults.
/// </summary>
internal sealed class LearnBench : IBenchmark
{
    public string Name => "learn";
    public string Usage => "--structure PDB [--images 3000 --npix 64 --apix 2 --snr 0.1 --epochs 40 --every 5 --lr 3e-4 --lr-seg 3e-4 --kl-beta auto --segments 6 --latent 8 --batch 128 --threads 2 --seed 1 --sim DIR]";

    public int Run(BenchArgs a)
    {
        string structure = a.String("structure") ?? throw new ArgumentException("--structure is required");
        string work = a.String("work") ?? Path.Combine(Path.GetTempPath(), "cryosphere-learn");
        string sim = a.String("sim") ?? Path.Combine(work, "sim");
        int seed = a.Int("seed", 1);
        if (!File.Exists(Path.Combine(sim, "simulation.json")))
        {
            var so = new SimulationOptions
            {
                StructurePath = structure, Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"], Axis = "A:118,A:167",
                Range = [0, 30], NImages = a.Int("images", 3000), Npix = a.Int("npix", 64), Apix = a.Double("apix", 2),
                Snr = a.Double("snr", 0.1), Seed = seed, OutDirValue = sim,
            };
            var r = Simulator.Run(so);
            Console.WriteLine($"simulated {r.Images} images in {r.Seconds:F1} s, SNR {r.RealisedSnr:F4}");
        }
        int epochs = a.Int("epochs", 40), every = a.Int("every", 5);
        string run = Path.Combine(work, $"run-{DateTime.Now:HHmmss}");
        string? kl = a.String("kl-beta");
        var o = new TrainOptions
        {
            BaseStructurePath = Path.Combine(sim, "base.pdb"), ParticlesPath = Path.Combine(sim, "particles.star"), OutDir = run,
            Epochs = epochs, BatchSize = a.Int("batch", 128), LearningRate = a.Double("lr", 3e-4), LearningRateSegmentation = a.Double("lr-seg", 3e-4),
            LatentDimension = a.Int("latent", 8), Segmentation = [new SegmentationPartOptions { Segments = a.Int("segments", 6) }],
            Threads = a.Int("threads", 2), Seed = seed, KeepCheckpoints = 0,
            KlLatent = new LossTermOptions(a.String("kl-schedule") ?? "linear", kl is null or "auto" ? null : double.Parse(kl, System.Globalization.CultureInfo.InvariantCulture), a.String("kl-m") is { } km ? double.Parse(km, System.Globalization.CultureInfo.InvariantCulture) : null),
            Continuity = new LossTermOptions("constant", a.Double("continuity", 0)),
            EncoderNpix = a.String("enc-npix") is { } en ? int.Parse(en, System.Globalization.CultureInfo.InvariantCulture) : null,
            PhaseFlipEncoderInput = a.String("flip") != "false",
            LpBandwidth = a.String("lp") is { } lp ? double.Parse(lp, System.Globalization.CultureInfo.InvariantCulture) : null,
        };
        var clock = Stopwatch.StartNew();
        Trainer.Run(o);
        Console.WriteLine($"trained {epochs} epochs in {clock.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine("epoch  r(PC1)  best|r|  seg_acc  segments");
        for (int e = every; e <= epochs; e += every)
        {
            using var tr = TrainedRun.Open(run, e);
            var z = tr.LatentMeans();
            var (_, hard, _) = tr.Segmentation();
            var m = MotionRecovery.Compute(z, tr.ParticleCount, tr.LatentDim, hard, sim);
            Console.WriteLine($"{e,5}  {m.PearsonPc1,6:F3}  {m.BestAbsPearson,7:F3}  {m.SegmentationAccuracy,7:F3}  {m.SegmentsFound,8}");
        }
        return 0;
    }
}
