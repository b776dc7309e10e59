using Xunit.Abstractions;
using CryoSphere.Distributed;
using CryoSphere.Model;
using CryoSphere.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Distributed;

/// <summary>
/// Sharded per-image latents without MPI: the ownership rule, a shard reading its rows of a whole-table checkpoint
/// (any rank count re-shards from the same file), the exchange's bookkeeping on one rank, and what a rank holds.
/// </summary>
public class LatentShardsTests(ITestOutputHelper log)
{
    // allclose with no tolerance: exactly equal, element by element (Tensor.equal is element-wise).
    private static ModelOptions Tiny(int images, RowRange? rows = null) => new(6, 10, [SegmentationPart.WholeProtein(10, 2)])
    {
        LatentDim = 3,
        EncoderHidden = [16, 8],
        DecoderHidden = [8],
        Amortized = false,
        ImageCount = images,
        LatentRows = rows,
    };

    [Fact]
    public void OwnersTileTheParticlesInContiguousNearlyEqualBlocks()
    {
        foreach (int n in new[] { 1, 2, 7, 160, 300_001 })
            foreach (int k in new[] { 1, 2, 3, 8 })
            {
                int next = 0;
                for (int r = 0; r < k; r++)
                {
                    var rows = LatentShards.Owned(n, r, k);
                    Assert.Equal(next, rows.First);
                    Assert.InRange(rows.Count, n / k, n / k + 1);
                    next = rows.End;
                }
                Assert.Equal(n, next);
            }
    }

    [Fact]
    public void AShardReadsItsRowsOfAWholeCheckpointExactly()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        string path = Path.Combine(TestData.TempDir("shard-ckpt"), "whole.ckpt");
        var whole = new VaeModel(Tiny(10));
        var wholeOpt = optim.Adam(whole.parameters(), 0.01);
        Train(whole, wholeOpt, steps: 3, [0, 4, 5]);   // rows 4 and 5 fall in the shard below
        Checkpoint.Save(path, new CheckpointMeta { Epoch = 1 }, whole, wholeOpt, null);

        var rows = new RowRange(3, 4);
        var shard = new VaeModel(Tiny(10, rows));
        var shardOpt = optim.Adam(shard.parameters(), 0.01);
        Checkpoint.Load(path, shard, shardOpt);
        // Still a shard (the stand-ins are gone) holding rows 3–6 of each table, their moments and the step count.
        Assert.Equal([4L, 3L], shard.Latents!.RowTables[0].shape);
        for (int t = 0; t < 2; t++)
        {
            var w = whole.Latents!.RowTables[t];
            var s = shard.Latents.RowTables[t];
            Assert.True(w.narrow(0, 3, 4).allclose(s, rtol: 0, atol: 0), $"table {t}");
            var ws = AdamStates.Of(wholeOpt, w);
            var ss = AdamStates.Of(shardOpt, s);
            Assert.True(ws.exp_avg.narrow(0, 3, 4).allclose(ss.exp_avg, rtol: 0, atol: 0));
            Assert.True(ws.exp_avg_sq.narrow(0, 3, 4).allclose(ss.exp_avg_sq, rtol: 0, atol: 0));
            Assert.Equal(3, ss.step);
            Assert.NotEqual(0, ss.exp_avg_sq.abs().sum().ToDouble());
        }
        var wp = whole.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in shard.named_parameters().Where(p => !p.name.StartsWith("latents", StringComparison.Ordinal)))
            Assert.True(wp[name].allclose(p, rtol: 0, atol: 0), name);
        // Weights alone (resume_model) too; and a shard is never written as if it were the whole table.
        var bare = new VaeModel(Tiny(10, rows));
        Checkpoint.Load(path, bare);
        Assert.True(whole.Latents!.RowTables[1].narrow(0, 3, 4).allclose(bare.Latents!.RowTables[1], rtol: 0, atol: 0));
        Assert.Throws<InvalidOperationException>(() => Checkpoint.Save(path + ".2", new CheckpointMeta(), shard, shardOpt, null));
        // The shard trains on after the swap (its gradient and moments have its shape).
        Train(shard, shardOpt, steps: 1, [0, 2]);
    }

    [Fact]
    public void OnOneRankTheExchangeGivesTheWholeTablesRowsAndGradients()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var a = new VaeModel(Tiny(8));
        var b = new VaeModel(Tiny(8));
        b.load_state_dict(a.state_dict());
        using (no_grad())
        {
            a.Latents!.RowTables[0].copy_(randn(8, 3));
            b.Latents!.RowTables[0].copy_(a.Latents.RowTables[0]);
        }
        var shards = new LatentShards(SingleProcess.Instance, b.Latents!);
        var idx = tensor(new long[] { 5, 1, 6 });
        var (muA, sigA) = a.Latents.call(idx);
        var (muB, sigB) = b.Latents.call(idx);
        Assert.True(muA.allclose(muB, rtol: 0, atol: 0));
        Assert.True(sigA.allclose(sigB, rtol: 0, atol: 0));
        (muA.square().sum() + sigA.sum()).backward();
        (muB.square().sum() + sigB.sum()).backward();
        double norm = shards.ReturnGradients();
        for (int t = 0; t < 2; t++) Assert.True(a.Latents.RowTables[t].grad!.allclose(b.Latents.RowTables[t].grad!, rtol: 0, atol: 0));
        double expected = a.Latents.RowTables.Sum(t => t.grad!.square().sum().ToDouble());
        Assert.Equal(expected, norm, 1e-9);
    }

    [Fact]
    public void ARankHoldsItsShareOfTheTablesAndTheirMoments()
    {
        // 300,000 particles × L = 8: two tables and Adam's two moments each, float32, before and after sharding.
        const int n = 300_000, l = 8;
        long Held(int ranks)
        {
            using var scope = NewDisposeScope();
            var table = new PerImageLatents(n, l, LatentShards.Owned(n, 0, ranks));
            var adam = optim.Adam(table.parameters(), 1e-3);
            foreach (var t in table.RowTables) t.grad = zeros_like(t);
            adam.step();
            long bytes = table.RowTables.Sum(t =>
            {
                var s = AdamStates.Of(adam, t);
                return (t.numel() + s.exp_avg.numel() + s.exp_avg_sq.numel()) * t.element_size();
            });
            adam.Dispose();
            return bytes;
        }
        long whole = Held(1);
        Assert.Equal(6L * n * l * 4, whole);   // 57.6 MB: 192 bytes per particle
        foreach (int k in new[] { 2, 8 })
        {
            long shard = Held(k);
            Assert.Equal(6L * (n / k) * l * 4, shard);
            log.WriteLine($"{k} ranks: {shard / 1e6:F1} MB per rank (whole table {whole / 1e6:F1} MB)");
        }
        // A step moves the global batch's rows twice (fetch all-reduce, gradient all-gather): 256 × 16 × 2 floats.
        Assert.Equal(8192, LatentShards.FloatsPerStep(256, l));
    }

    // A few Adam steps on a made-up loss of some rows of the tables the model holds, so that their moments are not zero.
    private static void Train(VaeModel model, OptimizerHelper opt, int steps, long[] rows)
    {
        for (int i = 0; i < steps; i++)
        {
            opt.zero_grad();
            var idx = tensor(rows);
            var mu = model.Latents!.RowTables[0].index_select(0, idx);
            var ls = model.Latents.RowTables[1].index_select(0, idx);
            var dec = model.DecoderMotion(mu + ls.exp());
            (dec.Translations.square().sum() + mu.sum() * 0.3).backward();
            opt.step();
        }
    }
}
