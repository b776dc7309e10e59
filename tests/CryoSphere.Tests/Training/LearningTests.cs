using System.Diagnostics;
using CryoSphere.Analysis;
using CryoSphere.Simulation;
using CryoSphere.Training;
using Xunit.Abstractions;

namespace CryoSphere.Tests.Training;

/// <summary>
/// The acceptance tests of the method: with the default settings and the default budget (until the
/// correlation plateaus), a motion must end up in the latent space and in the segmentation. Two proteins and
/// two kinds of motion: the demo's small LID domain, and half of a two-lobe protein (the panel's
/// half-2dri member, smaller). Slow (minutes each); CI runs them.
/// </summary>
[Collection("torch-threads")]
public class LearningTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Slow")]
    public void DefaultsLearnTheLidHingeAndTheMovingDomain()
    {
        // LID domain hinged by ±45°: at SNR 0.1 a per-image oracle (true pose, CTF and motion model)
        // reaches r = 0.96 here, but only 0.78 for 0–30° (docs/training-defaults.md).
        var m = TrainWithDefaults("lid", new SimulationOptions
        {
            StructurePath = TestData.Structure("1ake.pdb"), Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"],
            Axis = "A:118,A:167", Range = [-45, 45], NImages = 3000, Npix = 64, Apix = 2, Snr = 0.1, Seed = 1,
        });
        Assert.True(Math.Abs(m.PearsonPc1) >= 0.9, $"|r(PC1, angle)| = {Math.Abs(m.PearsonPc1):F3} < 0.9");
        Assert.True(m.SegmentationAccuracy >= 0.9, $"segmentation accuracy {m.SegmentationAccuracy:F3} < 0.9");
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void DefaultsLearnAHalfChainHinge()
    {
        // The C-terminal lobe of the ribose-binding protein (A:104-235, half of the 271 residues) hinged ±30°
        // about its two hinge residues: the kind of motion the demo's defaults were not chosen on.
        var m = TrainWithDefaults("half", new SimulationOptions
        {
            StructurePath = TestData.Structure("2DRI.cif"), Chains = ["A"], Motion = "hinge", Selections = ["A:104-235"],
            Axis = "A:104,A:235", Range = [-30, 30], NImages = 2000, Npix = 64, Apix = 2, Snr = 0.1, Seed = 2, ShiftMax = 4,
        });
        Assert.True(Math.Abs(m.PearsonPc1) >= 0.9, $"|r(PC1, angle)| = {Math.Abs(m.PearsonPc1):F3} < 0.9");
        Assert.True(m.SegmentationAccuracy >= 0.9, $"segmentation accuracy {m.SegmentationAccuracy:F3} < 0.9");
    }

    private MotionRecoveryResult TrainWithDefaults(string name, SimulationOptions so)
    {
        string root = TestData.TempDir("learn-" + name);
        string sim = Path.Combine(root, "sim");
        Simulator.Run(so with { OutDirValue = sim });
        var clock = Stopwatch.StartNew();
        // Only the inputs and a seed: every setting, the budget included, is the default.
        var o = new TrainOptions
        {
            BaseStructurePath = Path.Combine(sim, "base.pdb"),
            ParticlesPath = Path.Combine(sim, "particles.star"),
            OutDir = Path.Combine(root, "run"),
            Seed = 1,
        };
        var result = Trainer.Run(o);
        double minutes = clock.Elapsed.TotalMinutes;
        using var run = TrainedRun.Open(o.OutDir);
        var z = run.LatentMeans();
        var (_, hard, _) = run.Segmentation();
        var m = MotionRecovery.Compute(z, run.ParticleCount, run.LatentDim, hard, SimulationTruth.Open(sim));
        output.WriteLine($"{name}: {result.EpochsDone} epochs in {minutes:F1} min: r(PC1) = {m.PearsonPc1:F3}, best |r| = {m.BestAbsPearson:F3}, segmentation {m.SegmentationAccuracy:F3}, {m.SegmentsFound} segments");
        // A runaway budget fails here, not in CI's 30 minutes: with forces for the encoder's input and no latent noise
        // warm-up (the defaults at these SNRs) the lid case stopped at 99 epochs and the half-chain case at 151, 7.1 and
        // 8.1 min on a 2-core machine beside two other training jobs (with pixels: 120 and 141 epochs).
        Assert.True(minutes < 14, $"training took {minutes:F1} min");
        return m;
    }
}
