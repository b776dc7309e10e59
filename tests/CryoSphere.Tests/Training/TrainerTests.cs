using CryoSphere.Analysis;
using CryoSphere.Cli;
using CryoSphere.Training;
using TorchSharp;

namespace CryoSphere.Tests.Training;

[Collection("torch-threads")]
public class TrainerTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    private static readonly string[] TimingColumns = ["seconds", "images_per_s", "cpu_seconds", "rss_mb"];

    private sealed class StopAfter(int epoch, CancellationTokenSource cts) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress p)
        {
            if (p.EpochDone && p.Epoch == epoch) cts.Cancel();
        }
    }

    /// <summary>A new run with the centre unset records the one chosen from what its encoder reads, and says why.</summary>
    [Theory]
    [InlineData(TrainOptions.EncoderInputForces, TrainOptions.RotationAboutCentroid)]
    [InlineData(TrainOptions.EncoderInputImage, TrainOptions.RotationAboutOrigin)]
    public void TheRotationCentreIsChosenByTheEncoderInputAndRecorded(string input, string centre)
    {
        string dir = Path.Combine(TestData.TempDir("centre"), "r");
        Trainer.Run(data.Options(dir, 1) with { EncoderInput = input, SegmentRotationCentre = null });
        Assert.Equal(centre, TrainConfigReader.ReadRecorded(Path.Combine(dir, "config.yaml")).SegmentRotationCentre);
        Assert.Contains("set segment_rotation_centre to choose", File.ReadAllText(Path.Combine(dir, "run.log")));
        // Analysed as trained: the model built from the recorded config turns segments about the same centre.
        using var run = TrainedRun.Open(dir, needImages: false);
        Assert.Equal(centre, run.Options.SegmentRotationCentre);
    }

    [Fact]
    public void ResumedRunMatchesAnUninterruptedOneExactly()
    {
        string a = Path.Combine(TestData.TempDir("resume"), "a");
        string b = Path.Combine(TestData.TempDir("resume"), "b");
        var full = Trainer.Run(data.Options(a, 4));
        Assert.False(full.Interrupted);

        using var cts = new CancellationTokenSource();
        var first = Trainer.Run(data.Options(b, 4), new StopAfter(2, cts), cts.Token);
        Assert.True(first.Interrupted);
        Assert.Equal(2, first.EpochsDone);
        var second = Trainer.Resume(b);
        Assert.False(second.Interrupted);

        Assert.Equal(4, full.Metrics.Count);
        Assert.Equal(4, second.Metrics.Count);
        for (int e = 0; e < 4; e++)
            foreach (var (k, v) in full.Metrics[e])
                if (!TimingColumns.Contains(k)) Assert.True(v.Equals(second.Metrics[e][k]), $"epoch {e + 1} {k}: {v} vs {second.Metrics[e][k]}");

        using var ra = TrainedRun.Open(a, needImages: false);
        using var rb = TrainedRun.Open(b, needImages: false);
        var pa = ra.Vae.parameters().ToArray();
        var pb = rb.Vae.parameters().ToArray();
        Assert.Equal(pa.Length, pb.Length);
        for (int i = 0; i < pa.Length; i++)
            Assert.True(pa[i].equal(pb[i]).all().ToBoolean(), $"parameter {i} differs after resume");
    }

    [Fact]
    public void RunFolderHoldsConfigLogMetricsAndCheckpoints()
    {
        string dir = Path.Combine(TestData.TempDir("run"), "r");
        var res = Trainer.Run(data.Options(dir, 2) with { KeepCheckpoints = 1 });
        Assert.True(File.Exists(Path.Combine(dir, "config.yaml")));
        Assert.True(File.Exists(Path.Combine(dir, "run.log")));
        var lines = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
        Assert.Equal(3, lines.Length);
        foreach (var col in new[] { "epoch", "loss", "corr", "kl_latent", "beta_kl_latent", "lr", "lr_segmentation", "seconds", "images_per_s" })
            Assert.Contains(col, lines[0].Split(','));
        var ckpts = Directory.GetFiles(Path.Combine(dir, "checkpoints"), "*.ckpt");
        Assert.Single(ckpts);
        Assert.EndsWith("epoch_0002.ckpt", ckpts[0]);
        Assert.Equal("epoch_0002.ckpt", File.ReadAllText(Path.Combine(dir, "checkpoints", "latest")).Trim());
        Assert.All(res.Metrics, r => Assert.True(double.IsFinite(r["loss"])));
        // config.yaml is complete: reading it back gives the same settings.
        var back = TrainConfigReader.Read(Path.Combine(dir, "config.yaml"));
        Assert.Equal(2, back.Epochs);
        Assert.Equal(7, back.Seed);
        Assert.Equal(4, back.Segmentation[0].Segments);
    }

    [Fact]
    public void StartingOverAnExistingRunIsRefused()
    {
        string dir = Path.Combine(TestData.TempDir("run"), "r");
        Trainer.Run(data.Options(dir, 1));
        var e = Assert.Throws<InputException>(() => Trainer.Run(data.Options(dir, 1)));
        Assert.Contains("--resume", e.Message);
    }

    [Fact]
    public void PlateauStopsTheRunAndResumeStopsAtTheSameEpoch()
    {
        string dir = Path.Combine(TestData.TempDir("plateau"), "r");
        var o = data.Options(dir, 60) with { MinSteps = 0, RampSteps = 2, PlateauTolerance = 0.5, KeepCheckpoints = 0 };
        var full = Trainer.Run(o);
        Assert.InRange(full.EpochsDone, 3, 59);
        Assert.Equal(full.EpochsDone, full.Metrics.Count);
        Assert.Contains("plateaued", File.ReadAllText(Path.Combine(dir, "run.log")));
        // The rule reads only the metrics: a run that is resumed from an earlier epoch stops at the same one.
        string dir2 = Path.Combine(TestData.TempDir("plateau2"), "r");
        Trainer.Run(o with { OutDir = dir2, Epochs = 2 });
        var resumed = Trainer.Resume(dir2, x => x with { Epochs = 60 });
        Assert.Equal(full.EpochsDone, resumed.EpochsDone);
    }

    [Fact]
    public void ReferenceStyleYamlWrittenBySimulateRunsUnchanged()
    {
        string outDir = Path.Combine(TestData.TempDir("cfg"), "run");
        // Only the budget is overridden (the default trains until the correlation plateaus, far too long for a test).
        var r = CliRunner.Run("train", "--config", Path.Combine(data.Dir, "parameters.yaml"), "--out", outDir, "--threads", "1", "--epochs", "2");
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("trained", r.Out);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(outDir, "metrics.csv")).Length);
    }

    [Fact]
    public void UnknownKeyAndMissingFileAreOneLineErrors()
    {
        string dir = TestData.TempDir("cfg");
        string bad = Path.Combine(dir, "parameters.yaml");
        File.WriteAllText(bad, File.ReadAllText(Path.Combine(data.Dir, "parameters.yaml")).Replace("batch_size:", "batchsize:"));
        File.Copy(Path.Combine(data.Dir, "images.yaml"), Path.Combine(dir, "images.yaml"));
        CliRunner.AssertOneLineError(CliRunner.Run("train", "--config", bad, "--out", Path.Combine(dir, "r")), "batchsize");
        CliRunner.AssertOneLineError(CliRunner.Run("train", "--config", Path.Combine(dir, "nope.yaml"), "--out", Path.Combine(dir, "r")), "nope.yaml");
        CliRunner.AssertOneLineError(CliRunner.Run("train", "--structure", Path.Combine(data.Dir, "base.pdb"), "--particles", Path.Combine(dir, "missing.star"), "--out", Path.Combine(dir, "r2")), "missing.star");
    }
}

[Collection("torch-threads")]
public class NonFiniteGuardTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    [Fact]
    public void ANonFiniteStepIsSkippedAndNamed()
    {
        string dir = Path.Combine(TestData.TempDir("nan"), "r");
        TrainerFaults.NonFiniteLossAt = (e, b) => e == 1 && b == 2;
        try
        {
            var res = Trainer.Run(data.Options(dir, 2));
            Assert.Equal(1, res.Metrics[^1]["skipped_steps"]);
            Assert.All(res.Metrics, r => Assert.True(double.IsFinite(r["loss"])));
            Assert.Contains("step skipped (loss terms not finite: corr)", File.ReadAllText(Path.Combine(dir, "run.log")));
        }
        finally
        {
            TrainerFaults.NonFiniteLossAt = null;
        }
    }

    [Fact]
    public void RepeatedFailuresRestoreTheLastCheckpoint()
    {
        string dir = Path.Combine(TestData.TempDir("nan"), "r");
        TrainerFaults.NonFiniteLossAt = (e, b) => e == 1;
        try
        {
            var res = Trainer.Run(data.Options(dir, 2));
            string log = File.ReadAllText(Path.Combine(dir, "run.log"));
            Assert.Contains("restored epoch_0001.ckpt", log);
            using var run = TrainedRun.Open(dir, needImages: false);
            Assert.All(run.Vae.parameters(), p => Assert.True(p.isfinite().all().ToBoolean()));
        }
        finally
        {
            TrainerFaults.NonFiniteLossAt = null;
        }
    }

    [Fact]
    public void DivergingFromTheStartIsAClearError()
    {
        string dir = Path.Combine(TestData.TempDir("nan"), "r");
        TrainerFaults.NonFiniteLossAt = (e, b) => true;
        try
        {
            // Not an input error (exit 2): the inputs opened fine; it is a failed run (exit 3).
            var ex = Assert.Throws<RunFailedException>(() => Trainer.Run(data.Options(dir, 1)));
            Assert.Contains("diverged", ex.Message);
        }
        finally
        {
            TrainerFaults.NonFiniteLossAt = null;
        }
    }
}

[Collection("torch-threads")]
public class NonAmortisedTrainingTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    [Fact]
    public void PerImageLatentsTrainAndEncodeEveryParticle()
    {
        string dir = Path.Combine(TestData.TempDir("nonamortised"), "r");
        var res = Trainer.Run(data.Options(dir, 2) with { Amortized = false });
        Assert.Equal(2, res.Metrics.Count);
        using var run = TrainedRun.Open(dir);
        Assert.Null(run.Vae.Encoder);
        var z = run.LatentMeans();
        Assert.Equal(run.ParticleCount * run.LatentDim, z.Length);
        Assert.Contains(z, v => v != 0);
    }
}
