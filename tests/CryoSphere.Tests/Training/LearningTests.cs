using System.Diagnostics;
using CryoSphere.Analysis;
using CryoSphere.Simulation;
using CryoSphere.Training;
using Xunit.Abstractions;

namespace CryoSphere.Tests.Training;

/// <summary>
/// The acceptance test of the method: with the default settings, a two-domain hinge must end up in
/// the latent space and in the segmentation. Slow (minutes); CI runs it.
/// </summary>
[Collection("torch-threads")]
public class LearningTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Slow")]
    public void DefaultsLearnTheHingeAngleAndTheMovingDomain()
    {
        string root = TestData.TempDir("learn");
        string sim = Path.Combine(root, "sim");
        // LID domain hinged by ±45°: at SNR 0.1 a per-image oracle (true pose, CTF and motion model)
        // reaches r = 0.96 here, but only 0.78 for 0–30° (docs/training-defaults.md).
        Simulator.Run(new SimulationOptions
        {
            StructurePath = TestData.Structure("1ake.pdb"), Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"],
            Axis = "A:118,A:167", Range = [-45, 45], NImages = 3000, Npix = 64, Apix = 2, Snr = 0.1, Seed = 1, OutDirValue = sim,
        });
        var clock = Stopwatch.StartNew();
        var o = new TrainOptions
        {
            BaseStructurePath = Path.Combine(sim, "base.pdb"),
            ParticlesPath = Path.Combine(sim, "particles.star"),
            OutDir = Path.Combine(root, "run"),
            Epochs = LearningBudget.Epochs,
            Seed = 1,
        };
        Trainer.Run(o);
        double minutes = clock.Elapsed.TotalMinutes;
        using var run = TrainedRun.Open(o.OutDir);
        var z = run.LatentMeans();
        var (_, hard, _) = run.Segmentation();
        var m = MotionRecovery.Compute(z, run.ParticleCount, run.LatentDim, hard, sim);
        output.WriteLine($"{LearningBudget.Epochs} epochs in {minutes:F1} min: r(PC1) = {m.PearsonPc1:F3}, best |r| = {m.BestAbsPearson:F3}, segmentation {m.SegmentationAccuracy:F3}, {m.SegmentsFound} segments");
        Assert.True(minutes < 10, $"training took {minutes:F1} min");
        Assert.True(Math.Abs(m.PearsonPc1) >= 0.9, $"|r(PC1, angle)| = {Math.Abs(m.PearsonPc1):F3} < 0.9");
        Assert.True(m.SegmentationAccuracy >= 0.9, $"segmentation accuracy {m.SegmentationAccuracy:F3} < 0.9");
    }
}

/// <summary>The training budget of the acceptance test (epochs of 3,000 images at 64 px).</summary>
internal static class LearningBudget
{
    public const int Epochs = 80;
}
