using CryoSphere.Analysis;
using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Training;

public class HeldOutSplitTests
{
    [Fact]
    public void SplitIsDisjointCompleteSeededAndSized()
    {
        int[] subset = Enumerable.Range(0, 3000).ToArray();
        var s = HeldOutSplit.Of(subset, 0.05, 11, amortized: true);
        Assert.Equal(150, s.HeldOut.Length);
        Assert.Equal(2850, s.Train.Length);
        Assert.Empty(s.Train.Intersect(s.HeldOut));
        Assert.Equal(subset, s.Train.Concat(s.HeldOut).Order());
        Assert.Equal(s.HeldOut.Order(), s.HeldOut);                       // the subset's order is kept
        Assert.Equal(s.HeldOut, HeldOutSplit.Of(subset, 0.05, 11, true).HeldOut);   // same seed, same particles
        Assert.NotEqual(s.HeldOut, HeldOutSplit.Of(subset, 0.05, 12, true).HeldOut);
        // Spread over the file, not its first or last rows: a drift along the collection does not bias it.
        Assert.InRange(s.HeldOut.Average(), 1200, 1800);
    }

    [Theory]
    [InlineData(3000, 0.05, 150)]
    [InlineData(999, 0.05, 0)]      // 49 < 50: too few to judge by; train on all
    [InlineData(1000, 0.05, 50)]
    [InlineData(1_000_000, 0.05, 2000)]
    [InlineData(3000, 0.0, 0)]
    public void CountFollowsTheFractionWithinItsBounds(int particles, double fraction, int expected) =>
        Assert.Equal(expected, HeldOutSplit.Count(particles, fraction));

    [Fact]
    public void PerImageLatentsHoldNothingOut()
    {
        int[] subset = Enumerable.Range(0, 3000).ToArray();
        var s = HeldOutSplit.Of(subset, 0.05, 11, amortized: false);
        Assert.Empty(s.HeldOut);
        Assert.Equal(subset, s.Train);
    }
}

[Collection("torch-threads")]
public class HeldOutTrainingTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    private static readonly string[] TimingColumns = ["seconds", "images_per_s", "cpu_seconds", "rss_mb"];

    private sealed class StopAfter(int epoch, CancellationTokenSource cts) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress p)
        {
            if (p.EpochDone && p.Epoch == epoch) cts.Cancel();
        }
    }

    private sealed class Batches : IProgress<TrainProgress>
    {
        public int PerEpoch { get; private set; }
        public void Report(TrainProgress p) => PerEpoch = Math.Max(PerEpoch, p.Batches);
    }

    [Fact]
    public void HeldOutCorrelationIsThatOfTheParticlesLeftOutAndResumesExactly()
    {
        string a = Path.Combine(TestData.TempDir("heldout"), "a");
        var o = data.Options(a, 3) with { HeldOutFraction = 0.4 };   // 64 of 160
        var batches = new Batches();
        var full = Trainer.Run(o, batches);
        Assert.Equal(3, batches.PerEpoch);   // 96 training particles in batches of 32: the held-out 64 are not trained on
        Assert.Contains("held out 64 of 160 particles", File.ReadAllText(Path.Combine(a, "run.log")));
        Assert.All(full.Metrics, r => Assert.InRange(r[Trainer.HeldOutColumn], -1.0, 1.0));
        Assert.Equal(0.4, TrainConfigReader.ReadRecorded(Path.Combine(a, "config.yaml")).HeldOutFraction);

        // Recomputed from the final model through the dashboard's path, with the correlation written out here.
        var held = HeldOutSplit.Of(Enumerable.Range(0, 160).ToArray(), 0.4, 7, amortized: true).HeldOut;
        using (var run = TrainedRun.Open(a))
        {
            var z = run.LatentMeans(subset: held);
            int l = run.LatentDim;
            var objective = new BatchObjective(run.Setup, run.Vae, new PixelStatistics(run.Meta.ImageMean, run.Meta.ImageStd, 0));
            double sum = 0;
            foreach (var hb in new BatchLoader(run.Setup.Particles, 16, 0, held).Epoch(0, shuffle: false))
            {
                using var _ = hb;
                using var scope = NewDisposeScope();
                var zb = new float[hb.Count * l];
                for (int j = 0; j < hb.Count; j++) Array.Copy(z, hb.Indices[j] * l, zb, j * l, l);
                var coords = tensor(run.Decode(zb, hb.Count), [hb.Count, run.Setup.Structure.Count, 3]);
                var (imgs, rot, sh, ctf, _) = objective.Prepare(hb);
                var (target, pred) = objective.TargetAndPrediction(imgs, rot, sh, ctf, coords);
                ctf?.Dispose();
                // The loss compares the images inside its mask (loss_mask_radius).
                if (run.Setup.LossMask is { } mask) { target = target * mask; pred = pred * mask; }
                var t = target.reshape(hb.Count, -1).to_type(ScalarType.Float64).data<double>().ToArray();
                var p = pred.reshape(hb.Count, -1).to_type(ScalarType.Float64).data<double>().ToArray();
                int px = t.Length / hb.Count;
                for (int j = 0; j < hb.Count; j++)
                {
                    double dot = 0, tt = 0, pp = 0;
                    for (int k = j * px; k < (j + 1) * px; k++) { dot += t[k] * p[k]; tt += t[k] * t[k]; pp += p[k] * p[k]; }
                    sum -= dot / Math.Sqrt(tt * pp);
                }
            }
            Assert.Equal(sum / held.Length, full.Metrics[^1][Trainer.HeldOutColumn], 4);
        }

        // Interrupted after epoch 1 and resumed: the same particles held out, the same numbers.
        string b = Path.Combine(TestData.TempDir("heldout"), "b");
        using var cts = new CancellationTokenSource();
        Assert.True(Trainer.Run(o with { OutDir = b }, new StopAfter(1, cts), cts.Token).Interrupted);
        var resumed = Trainer.Resume(b);
        Assert.Equal(3, resumed.Metrics.Count);
        for (int e = 0; e < 3; e++)
            foreach (var (k, v) in full.Metrics[e])
                if (!TimingColumns.Contains(k)) Assert.True(v.Equals(resumed.Metrics[e][k]), $"epoch {e + 1} {k}: {v} vs {resumed.Metrics[e][k]}");
    }

    [Fact]
    public void HeldOutFractionOutsideItsRangeIsNamed()
    {
        string dir = Path.Combine(TestData.TempDir("heldout-bad"), "r");
        var e = Assert.Throws<InputException>(() => Trainer.Run(data.Options(dir, 1) with { HeldOutFraction = 0.7 }));
        Assert.Contains("held_out_fraction", e.Message);
    }
}
