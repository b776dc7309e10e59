using CryoSphere.IO;
using CryoSphere.Data;
using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Training;

/// <summary>The forces computed once (<see cref="ForcesTable"/>) against the forces computed per batch, and a run with either.</summary>
[Collection("torch-threads")]
public class ForcesTableTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    [Fact]
    public void TableHoldsWhatEachBatchComputesAndOnlyTheParticlesItWasBuiltFor()
    {
        using var scope = NewDisposeScope();
        var o = data.Options(TestData.TempDir("forces-table"), 1) with { EncoderInput = TrainOptions.EncoderInputForces };
        using var setup = TrainingSetup.Create(o);
        var objective = new BatchObjective(setup, null, setup.EstimateImageStatistics(1));
        // Built over the even particles only, in batches of its own; read back in shuffled batches of 24.
        int[] even = setup.Subset.Where(i => i % 2 == 0).ToArray();
        using var table = ForcesTable.Build(objective, setup, even)!;
        Assert.Equal(even.Length, table.Count);
        Assert.Equal(ForcesTable.BytesFor(even.Length, setup.Structure.Count), table.Bytes);
        Assert.All(setup.Subset, i => Assert.Equal(i % 2 == 0, table.Holds(i)));
        int compared = 0;
        foreach (var pb in PreparedBatch.Each(objective, new BatchLoader(setup.Particles, 24, 9, even).Epoch(0)))
        {
            using var _ = pb;
            Tensor computed = objective.EncoderInput(pb.Images, pb.Rotations, pb.Shifts, pb.Ctf);
            Tensor kept = table.Gather(pb.Indices, pb.Images.device)!;
            Assert.Equal(computed.shape, kept.shape);
            double diff = (computed - kept).abs().max().ToDouble();
            Assert.True(diff < 1e-5, $"kept forces differ from computed ones by {diff}");   // unit RMS: 1e-5 is rounding
            compared += pb.Count;
        }
        Assert.Equal(even.Length, compared);
        // A batch with a particle the table does not hold gathers nothing (it is computed instead).
        Assert.Null(table.Gather(tensor(new long[] { 0, 1 }), CPU));
    }

    [Fact]
    public void RunWithTheTableTrainsAsOneComputingEveryBatchAndSaysWhichItDid()
    {
        string root = TestData.TempDir("forces-table-run");
        var o = data.Options(Path.Combine(root, "kept"), 2) with { EncoderInput = TrainOptions.EncoderInputForces };
        var kept = Trainer.Run(o);
        var every = Trainer.Run(o with { OutDir = Path.Combine(root, "every"), ForcesCacheMib = 0 });
        Assert.Contains("forces of 160 particles computed once", File.ReadAllText(Path.Combine(root, "kept", "run.log")));
        Assert.Contains("forces computed every batch", File.ReadAllText(Path.Combine(root, "every", "run.log")));
        for (int e = 0; e < 2; e++)
            foreach (string k in new[] { "loss", "corr", "kl_latent" })
                Assert.True(Math.Abs(kept.Metrics[e][k] - every.Metrics[e][k]) <= 1e-4 * Math.Abs(every.Metrics[e][k]) + 1e-6,
                    $"epoch {e + 1} {k}: {kept.Metrics[e][k]} kept vs {every.Metrics[e][k]} computed every batch");
    }

    [Fact]
    public void NegativeCacheSizeIsAnInputError()
    {
        var o = data.Options(Path.Combine(TestData.TempDir("forces-table-bad"), "r"), 1) with { ForcesCacheMib = -1 };
        var e = Assert.Throws<InputException>(() => Trainer.Run(o));
        Assert.Contains("forces_cache_mib", e.Message);
    }
}
