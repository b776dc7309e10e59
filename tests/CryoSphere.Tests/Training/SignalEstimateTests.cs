using System.Text.Json;
using CryoSphere.IO;
using CryoSphere.Simulation;
using CryoSphere.Training;

namespace CryoSphere.Tests.Training;

/// <summary>Two rigid 1ake sets (64 px at 2 Å) at particle SNR 0.2 and 0.01, made once.</summary>
public sealed class RigidSnrSets
{
    public string High { get; } = Make(0.2);
    public string Low { get; } = Make(0.01);
    public string VeryLow { get; } = Make(0.001);
    /// <summary>Low's clean images: same seed, so the same poses, CTFs and shifts (the noise has its own generator).</summary>
    public string LowClean { get; } = Make(null);

    private static string Make(double? snr)
    {
        string dir = TestData.TempDir($"rigid-snr-{snr?.ToString() ?? "clean"}");
        Simulator.Run(new SimulationOptions
        {
            StructurePath = TestData.Structure("1ake.pdb"), Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"],
            Axis = "A:118,A:167", Range = [0, 0], NImages = 256, Npix = 64, Apix = 2, Snr = snr, Seed = 5, ShiftMax = 4,
            OutDirValue = dir,
        });
        return dir;
    }

    /// <summary>The particle-disc SNR the simulator realised (its own measurement of signal and noise).</summary>
    public static double Realised(string dir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "simulation.json")));
        return doc.RootElement.GetProperty("result").GetProperty("RealisedSnrParticle").GetDouble();
    }

    public static TrainOptions Options(string dir, string? outDir = null) => new()
    {
        BaseStructurePath = Path.Combine(dir, "base.pdb"),
        ParticlesPath = Path.Combine(dir, "particles.star"),
        OutDir = outDir,
        Epochs = 1,
        BatchSize = 64,
        EncoderHidden = [32],
        DecoderHidden = [32],
        Segmentation = [new SegmentationPartOptions { Segments = 2 }],
        Threads = 1,
        Seed = 3,
        KeepCheckpoints = 0,
    };
}

[Collection("torch-threads")]
public class SignalEstimateTests(RigidSnrSets sets) : IClassFixture<RigidSnrSets>
{
    [Fact]
    public void FromSnrCropsToAboutFourAngstromsPerPixelOnlyAtLowSnr()
    {
        Assert.Equal(64, EncoderInputSide.FromSnr(64, 2, 0.1));
        Assert.Equal(64, EncoderInputSide.FromSnr(64, 2, EncoderInputSide.CropBelowSnr));
        Assert.Equal(32, EncoderInputSide.FromSnr(64, 2, 0.01));
        Assert.Equal(36, EncoderInputSide.FromSnr(96, 1.5, 0.01));   // 36 px × 4 Å = the 144 Å box
        Assert.Equal(64, EncoderInputSide.FromSnr(128, 2, 0.001));
        Assert.Equal(32, EncoderInputSide.FromSnr(32, 4, 0.001));    // already 4 Å/px: nothing to crop
        Assert.Equal(16, EncoderInputSide.FromSnr(64, 0.5, 0.01));   // never below 16 px
        Assert.Equal(64, EncoderInputSide.FromSnr(64, 2, double.NaN));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EstimateAgreesWithTheSimulatorsOwnMeasurement(bool high)
    {
        string dir = high ? sets.High : sets.Low;
        using var setup = TrainingSetup.Create(RigidSnrSets.Options(dir));
        var stats = setup.EstimateImageStatistics(1);
        double est = SignalEstimate.ParticleSnr(setup, stats, seed: 1);
        double truth = RigidSnrSets.Realised(dir);
        // Rigid data: the base structure is the truth, so signal and noise are both measured, up to sampling (256 images).
        Assert.InRange(est / truth, 0.85, 1.15);
    }

    [Fact]
    public void BaseCorrelationIsTheNoisyImagesCorrelationWithTheCleanOnesInTheLossMask()
    {
        using var setup = TrainingSetup.Create(RigidSnrSets.Options(sets.Low));
        var m = SignalEstimate.Measure(setup, setup.EstimateImageStatistics(1), seed: 1);
        // Independently, from the stacks: rigid data, so the base structure's prediction is the clean image, and the
        // loss mask is the disc of radius N/2 about pixel (N/2, N/2).
        using var noisy = MrcStack.Open(Path.Combine(sets.Low, "particles.mrcs"));
        using var clean = MrcStack.Open(Path.Combine(sets.LowClean, "particles.mrcs"));
        const int n = 64;
        var inMask = Enumerable.Range(0, n * n).Where(k => Math.Pow(k / n - n / 2, 2) + Math.Pow(k % n - n / 2, 2) <= n * n / 4.0).ToArray();
        var x = new float[n * n];
        var c = new float[n * n];
        double sum = 0;
        for (int i = 0; i < noisy.Count; i++)
        {
            noisy.ReadImage(i, x);
            clean.ReadImage(i, c);
            sum += Pearson(inMask.Select(k => (double)x[k]).ToArray(), inMask.Select(k => (double)c[k]).ToArray());
        }
        double expected = sum / noisy.Count;
        Assert.Equal(inMask.Length, m.LossPixels);
        Assert.InRange(expected, 0.05, 0.2);   // SNR 0.01 in the particle's disc: a weak but clear correlation
        Assert.InRange(m.BaseCorrelation / expected, 0.97, 1.03);
    }

    private static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.Sqrt(aa * bb);
    }

    [Fact]
    public void NewRunChoosesTheEncoderInputFromTheDataAndRecordsIt()
    {
        string root = TestData.TempDir("snr-choice");
        string low = Path.Combine(root, "low"), high = Path.Combine(root, "high"), again = Path.Combine(root, "again");
        // The side is chosen for an image encoder; forces (the default) do not use it (below).
        Trainer.Run(RigidSnrSets.Options(sets.Low, low) with { EncoderInput = TrainOptions.EncoderInputImage });
        Trainer.Run(RigidSnrSets.Options(sets.High, high) with { EncoderInput = TrainOptions.EncoderInputImage });
        Assert.Equal(32, TrainConfigReader.Read(Path.Combine(low, "config.yaml")).EncoderNpix);
        Assert.Equal(64, TrainConfigReader.Read(Path.Combine(high, "config.yaml")).EncoderNpix);
        Assert.Contains("estimated particle SNR", File.ReadAllText(Path.Combine(low, "run.log")));
        // The latent noise warm-up, not configured, is chosen on the same estimate and recorded resolved.
        Assert.False(TrainConfigReader.Read(Path.Combine(low, "config.yaml")).LatentNoiseWarmup);
        Assert.True(TrainConfigReader.Read(Path.Combine(high, "config.yaml")).LatentNoiseWarmup);
        Assert.Contains("latent noise warm-up off", File.ReadAllText(Path.Combine(low, "run.log")));
        Assert.Contains("latent noise warm-up on", File.ReadAllText(Path.Combine(high, "run.log")));
        string ckpt = new RunFolder(low).LatestCheckpoint()!;
        Assert.Equal(32, Checkpoint.ReadMeta(ckpt).EncoderSide);
        // A new run that starts from the low-SNR model takes that model's encoder side, not the one its own data suggest.
        Trainer.Run(RigidSnrSets.Options(sets.High, again) with { EncoderInput = TrainOptions.EncoderInputImage, ResumeModel = ckpt });
        Assert.Equal(32, TrainConfigReader.Read(Path.Combine(again, "config.yaml")).EncoderNpix);
    }

    [Fact]
    public void WhatTheEncoderReadsIsChosenFromTheDataAndRecorded()
    {
        string root = TestData.TempDir("snr-choice-input");
        string low = Path.Combine(root, "low"), high = Path.Combine(root, "high");
        Trainer.Run(RigidSnrSets.Options(sets.Low, low));
        Trainer.Run(RigidSnrSets.Options(sets.High, high));
        // SNR 0.2: forces, and no image side is chosen for them.
        Assert.Equal(TrainOptions.EncoderInputForces, TrainConfigReader.Read(Path.Combine(high, "config.yaml")).EncoderInput);
        string log = File.ReadAllText(Path.Combine(high, "run.log"));
        Assert.Contains("encoder input forces, 3 × 214 per particle", log);
        Assert.Contains("(estimated particle SNR", log);
        Assert.DoesNotContain("→ encoder input", log);
        Assert.Contains("forces of 256 particles computed once", log);
        // ... and no latent noise warm-up with them, whatever the SNR.
        Assert.False(TrainConfigReader.Read(Path.Combine(high, "config.yaml")).LatentNoiseWarmup);
        Assert.Contains("latent noise warm-up off (the encoder reads forces", log);
        // ... and the default KL(z) weight, 4/N², left unwritten.
        Assert.Null(TrainConfigReader.Read(Path.Combine(high, "config.yaml")).KlLatent.Beta);
        Assert.Contains("KL(z) weight 0.000977 per nat = 4/N²", log);
        // SNR 0.01: KL(z) priced as the images' likelihood prices a nat, 1/(M·ρ̄), and written, so a resume keeps it.
        using (var setup = TrainingSetup.Create(RigidSnrSets.Options(sets.Low)))
        {
            int seed = RigidSnrSets.Options(sets.Low).Seed!.Value;   // the run's: the same sample
            var m = SignalEstimate.Measure(setup, setup.EstimateImageStatistics(seed), seed);
            double? beta = TrainConfigReader.Read(Path.Combine(low, "config.yaml")).KlLatent.Beta;
            Assert.NotNull(beta);
            Assert.Equal(1 / (m.LossPixels * m.BaseCorrelation), beta!.Value, 6);
            Assert.True(beta > 3 * KlLatentChoice.Default(64));
        }
        Assert.Contains("the images' likelihood prices a nat so at SNR < 0.06", File.ReadAllText(Path.Combine(low, "run.log")));
        // The KL(z) ramp and free nat: the usual 1,500 steps at both, chosen and recorded.
        Assert.Equal(RampStepsChoice.Default, TrainConfigReader.Read(Path.Combine(low, "config.yaml")).RampSteps);
        Assert.Equal(RampStepsChoice.Default, TrainConfigReader.Read(Path.Combine(high, "config.yaml")).RampSteps);
        Assert.Contains("KL(z) ramp and free nat 1500 steps each (estimated particle SNR", log);
        Assert.Equal(RampStepsChoice.DefaultMinSteps, TrainConfigReader.Read(Path.Combine(low, "config.yaml")).MinSteps);
        Assert.Equal(RampStepsChoice.DefaultMinSteps, TrainConfigReader.Read(Path.Combine(high, "config.yaml")).MinSteps);
        // The plateau rule waits for KL(z) to settle where it is priced (its growth is content), not at the default weight.
        Assert.Equal(PlateauLatentGrowthChoice.Judged, TrainConfigReader.Read(Path.Combine(low, "config.yaml")).PlateauLatentGrowth);
        Assert.Equal(0.0, TrainConfigReader.Read(Path.Combine(high, "config.yaml")).PlateauLatentGrowth);
        Assert.Contains("plateau waits while KL(z) still grows by more than 10% over the last quarter", File.ReadAllText(Path.Combine(low, "run.log")));
        Assert.Contains("plateau judged on the correlation alone", log);
        // SNR 0.01: the image, cropped as before.
        var recorded = TrainConfigReader.Read(Path.Combine(low, "config.yaml"));
        Assert.Equal(TrainOptions.EncoderInputImage, recorded.EncoderInput);
        Assert.Equal(32, recorded.EncoderNpix);
        Assert.Contains("encoder input image (estimated particle SNR", File.ReadAllText(Path.Combine(low, "run.log")));
        // Resumed, each run keeps what it chose.
        Assert.Equal(TrainOptions.EncoderInputImage, TrainConfigReader.ReadRecorded(Path.Combine(low, "config.yaml")).EncoderInput);
        Assert.Equal(TrainOptions.EncoderInputForces, TrainConfigReader.ReadRecorded(Path.Combine(high, "config.yaml")).EncoderInput);
        // A new run started from the forces model on the low-SNR data reads forces, whatever its own data suggest.
        string again = Path.Combine(root, "again");
        Trainer.Run(RigidSnrSets.Options(sets.Low, again) with { ResumeModel = new RunFolder(high).LatestCheckpoint()! });
        Assert.Equal(TrainOptions.EncoderInputForces, TrainConfigReader.Read(Path.Combine(again, "config.yaml")).EncoderInput);
        Assert.Contains("encoder input forces, 3 × 214 per particle: the pull of its image on each Cα of the base structure (as in", File.ReadAllText(Path.Combine(again, "run.log")));
    }

    [Fact]
    public void AtSnr0001TheFreeNatLastsFourTimesLonger()
    {
        string dir = Path.Combine(TestData.TempDir("snr-choice-ramp"), "run");
        Trainer.Run(RigidSnrSets.Options(sets.VeryLow, dir));
        var recorded = TrainConfigReader.Read(Path.Combine(dir, "config.yaml"));
        Assert.Equal(RampStepsChoice.Long, recorded.RampSteps);
        Assert.Contains("KL(z) ramp and free nat 6000 steps each (estimated particle SNR", File.ReadAllText(Path.Combine(dir, "run.log")));
        // ... and the plateau is judged only after 36,000 steps, and on KL(z)'s growth too (KL(z) is priced there).
        Assert.Equal(RampStepsChoice.LongMinSteps, recorded.MinSteps);
        Assert.Contains("plateau judged after 36000 steps at the least (estimated particle SNR", File.ReadAllText(Path.Combine(dir, "run.log")));
        Assert.Equal(PlateauLatentGrowthChoice.Judged, recorded.PlateauLatentGrowth);
        Assert.Equal((int)Math.Ceiling(36000 / 4.0), new TrainingBudget(recorded, 4).MinEpochs);
        // KL(z) priced there too, dearer than at SNR 0.01 (ρ̄ about a third).
        Assert.True(recorded.KlLatent.Beta > 10 * KlLatentChoice.Default(64));
        // A configured ramp is kept.
        string kept = Path.Combine(TestData.TempDir("snr-choice-ramp-kept"), "run");
        Trainer.Run(RigidSnrSets.Options(sets.VeryLow, kept) with { RampSteps = 1500, MinSteps = 500 });
        Assert.Equal(1500, TrainConfigReader.Read(Path.Combine(kept, "config.yaml")).RampSteps);
        Assert.Equal(500, TrainConfigReader.Read(Path.Combine(kept, "config.yaml")).MinSteps);
        Assert.DoesNotContain("KL(z) ramp and free nat", File.ReadAllText(Path.Combine(kept, "run.log")));
    }

    [Theory]
    [InlineData(0.1, RampStepsChoice.Default)]
    [InlineData(0.009, RampStepsChoice.Default)]
    [InlineData(RampStepsChoice.LongBelowSnr, RampStepsChoice.Default)]
    [InlineData(0.0017, RampStepsChoice.Long)]
    [InlineData(double.NaN, RampStepsChoice.Default)]
    public void RampFromTheEstimatedSnr(double snr, int expected) => Assert.Equal(expected, RampStepsChoice.For(snr));

    [Theory]
    [InlineData(0.1, RampStepsChoice.DefaultMinSteps)]
    [InlineData(RampStepsChoice.LongBelowSnr, RampStepsChoice.DefaultMinSteps)]
    [InlineData(0.0017, RampStepsChoice.LongMinSteps)]
    [InlineData(double.NaN, RampStepsChoice.DefaultMinSteps)]
    public void MinimumStepsFromTheEstimatedSnr(double snr, int expected) => Assert.Equal(expected, RampStepsChoice.MinStepsFor(snr));

    [Theory]
    [InlineData(0.2, TrainOptions.EncoderInputForces)]
    [InlineData(EncoderInputChoice.ForcesFromSnr, TrainOptions.EncoderInputForces)]
    [InlineData(0.059, TrainOptions.EncoderInputImage)]
    [InlineData(0.04, TrainOptions.EncoderInputImage)]
    [InlineData(0.001, TrainOptions.EncoderInputImage)]
    [InlineData(double.NaN, TrainOptions.EncoderInputForces)]
    public void ForcesFromAnEstimatedSnrOf006(double snr, string expected) =>
        Assert.Equal(expected, EncoderInputChoice.FromSnr(snr));
}
