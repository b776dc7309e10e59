using CryoSphere.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Model;

public class LossesTests
{
    [Fact]
    public void CorrelationIsMinusOneForIdenticalPlusOneForNegatedAndScaleInvariant()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        Tensor t = torch.randn(3, 8, 8);
        Assert.Equal(-1.0, Losses.Correlation(t, t).Loss.ToSingle(), 5);
        Assert.Equal(1.0, Losses.Correlation(-t, t).Loss.ToSingle(), 5);
        Tensor p = torch.randn(3, 8, 8);
        var (loss, perImage) = Losses.Correlation(p, t);
        Assert.Equal(new long[] { 3 }, perImage.shape);
        Assert.Equal(loss.ToSingle(), Losses.Correlation(p * 1000, t * 0.001).Loss.ToSingle(), 5);
        Assert.Equal(-perImage.mean().ToSingle(), loss.ToSingle(), 6);
        // Per image: hand dot product.
        double[] pv = p[0].reshape(-1).data<float>().Select(x => (double)x).ToArray();
        double[] tv = t[0].reshape(-1).data<float>().Select(x => (double)x).ToArray();
        double dot = pv.Zip(tv, (a, b) => a * b).Sum();
        double expected = dot / Math.Sqrt(pv.Sum(a => a * a) * tv.Sum(a => a * a));
        Assert.Equal(expected, perImage[0].ToSingle(), 5);
    }

    [Fact]
    public void CorrelationIgnoresPixelsOutsideTheMask()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        Tensor t = torch.randn(2, 6, 6);
        Tensor mask = torch.zeros(6, 6, dtype: ScalarType.Bool);
        mask[TensorIndex.Slice(1, 5), TensorIndex.Slice(1, 5)] = torch.tensor(true);
        Tensor p = t.clone();
        p[TensorIndex.Colon, 0, TensorIndex.Colon] = torch.tensor(5f); // outside the mask
        Assert.Equal(-1.0, Losses.Correlation(p, t, mask).Loss.ToSingle(), 5);
        Assert.True(Losses.Correlation(p, t).Loss.ToSingle() > -0.99);
    }

    [Fact]
    public void CorrelationOfABlankPredictionHasFiniteGradient()
    {
        using var scope = torch.NewDisposeScope();
        Tensor p = torch.zeros(1, 4, 4).requires_grad_(true);
        var (loss, _) = Losses.Correlation(p, torch.randn(1, 4, 4));
        loss.backward();
        Assert.Equal(0f, loss.ToSingle());
        Assert.False(p.grad!.isnan().any().ToBoolean());
    }

    [Fact]
    public void ContinuityIsZeroForBaseAndMatchesHandValue()
    {
        using var scope = torch.NewDisposeScope();
        Tensor x = torch.tensor(new float[] { 0, 0, 0, 3.8f, 0, 0, 7.6f, 0, 0 }).reshape(3, 3);
        Tensor pairs = ResiduePairs.FromPairs([(0, 1), (1, 2)]);
        Assert.Equal(0.0, Losses.Continuity(x.unsqueeze(0), x, pairs).ToSingle(), 4);
        Tensor moved = x.clone();
        moved[2, 0] = torch.tensor(8.6f); // second bond stretched by 1 Å
        Assert.Equal(0.5, Losses.Continuity(moved.unsqueeze(0), x, pairs).ToSingle(), 4);
    }

    /// <summary>Neighbour pairs of one unbroken chain of <paramref name="n"/> residues.</summary>
    private static (int, int)[] Chain(int n) => Enumerable.Range(0, n - 1).Select(i => (i, i + 1)).ToArray();

    [Fact]
    public void ClashIsZeroWithZeroGradientWhenNothingClashes()
    {
        using var scope = torch.NewDisposeScope();
        Tensor x = (torch.arange(5, dtype: ScalarType.Float32) * 10).unsqueeze(-1).expand(5, 3).contiguous();
        Tensor coords = x.unsqueeze(0).expand(2, 5, 3).clone().requires_grad_(true);
        Tensor neighbours = ResiduePairs.FromPairs(Chain(5));
        Tensor light = ResiduePairs.WithinBaseDistance(x, neighbours, 0, 100);
        Assert.Equal(6, light.shape[0]); // 10 pairs − 4 neighbours
        Tensor loss = Losses.Clash(coords, light, 4.0) + Losses.ClashFull(coords, neighbours, 4.0);
        loss.backward();
        Assert.Equal(0f, loss.ToSingle());
        Assert.True(coords.grad is null || coords.grad.abs().max().ToSingle() == 0f);
    }

    [Fact]
    public void ClashIsPositiveAndFiniteWhenTwoAtomsOverlap()
    {
        using var scope = torch.NewDisposeScope();
        // Residues 0 and 2 (not chain neighbours) sit on the same point.
        Tensor x = torch.tensor(new float[] { 0, 0, 0, 3.8f, 0, 0, 0, 0, 0 }).reshape(1, 3, 3).requires_grad_(true);
        Tensor neighbours = ResiduePairs.FromPairs([(0, 1), (1, 2)]);
        Tensor full = Losses.ClashFull(x, neighbours, 4.0);
        Assert.Equal(16.0, full.ToSingle(), 3); // one non-neighbour pair: relu(4 − 0)²
        Tensor light = Losses.Clash(x, torch.tensor(new long[] { 0, 2 }).reshape(1, 2), 4.0);
        Assert.Equal(16.0, light.ToSingle(), 3);
        (full + light).backward();
        Assert.False(x.grad!.isnan().any().ToBoolean());
    }

    [Fact]
    public void FullClashInChunksMatchesDenseComputationAndGradient()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        int r = 40;
        Tensor coords = GradCheck.Leaf(torch.rand(2, r, 3) * 15);
        Tensor neighbours = ResiduePairs.FromPairs(Chain(r));
        const double cutoff = 4.0;
        Tensor Dense()
        {
            Tensor d = (coords.unsqueeze(2) - coords.unsqueeze(1)).square().sum(-1).add(1e-10).sqrt();
            Tensor i = torch.arange(r).reshape(r, 1), j = torch.arange(r).reshape(1, r);
            Tensor keep = ((j - i) > 1).to(ScalarType.Float64);
            return (nn.functional.relu(cutoff - d).square() * keep).sum() / (2 * keep.sum());
        }
        Tensor chunked = Losses.ClashFull(coords, neighbours, cutoff, chunkElements: 2 * r * 3);
        Assert.True(chunked.ToDouble() > 0);
        Assert.Equal(Dense().ToDouble(), chunked.ToDouble(), 10);
        GradCheck.Check(() => Losses.ClashFull(coords, neighbours, cutoff, chunkElements: 2 * r * 3), coords);
    }

    [Fact]
    public void LightClashPairsMatchBruteForce()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(6);
        int r = 30;
        Tensor x = torch.rand(r, 3) * 20;
        Tensor neighbours = ResiduePairs.FromPairs(Chain(r));
        Tensor pairs = ResiduePairs.WithinBaseDistance(x, neighbours, 3, 9, chunkElements: 50);
        float[] p = x.data<float>().ToArray();
        var expected = new List<long>();
        for (int i = 0; i < r; i++)
            for (int j = i + 2; j < r; j++)
            {
                double d2 = 0;
                for (int c = 0; c < 3; c++) d2 += (p[3 * i + c] - p[3 * j + c]) * (double)(p[3 * i + c] - p[3 * j + c]);
                if (d2 >= 9 && d2 <= 81) { expected.Add(i); expected.Add(j); }
            }
        Assert.Equal(expected.ToArray(), pairs.data<long>().ToArray());
    }

    [Fact]
    public void L2IsSumOfSquares()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = torch.tensor(new float[] { 1, -2 }), b = torch.tensor(new float[] { 3 });
        Assert.Equal(14f, Losses.L2(new[] { a, b }).ToSingle());
    }

    [Fact]
    public void FreeNatsStopTheKlGradientBelowTheFloorAndLeaveItAbove()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        // Small μ and σ near 1: KL ≈ 0.05 nats per image, below a floor of 1; ×6 μ and σ 0.3: KL of several nats, above.
        foreach (var (muScale, sigma, below) in new[] { (0.1, 0.95, true), (2.0, 0.3, false) })
        {
            Tensor mu = (torch.randn(16, 4, dtype: ScalarType.Float64) * muScale).requires_grad_(true);
            Tensor sd = torch.full(16, 4, sigma, dtype: ScalarType.Float64).requires_grad_(true);
            Tensor kl = Losses.KlLatent(mu, sd);
            Assert.Equal(below, kl.ToDouble() < 1.0);
            var free = torch.autograd.grad([Losses.FreeNats(kl, 1.0)], [mu, sd], retain_graph: true);
            var plain = torch.autograd.grad([kl], [mu, sd], retain_graph: true);
            Assert.Equal(Math.Max(kl.ToDouble(), 1.0), Losses.FreeNats(kl, 1.0).ToDouble(), 12);
            for (int k = 0; k < 2; k++)
            {
                double expected = below ? 0 : plain[k].abs().max().ToDouble();
                Assert.Equal(expected, free[k].abs().max().ToDouble(), 12);
                if (!below) Assert.True(plain[k].abs().max().ToDouble() > 1e-3);
            }
            // A zero floor is the plain term.
            Assert.Equal(kl.ToDouble(), Losses.FreeNats(kl, 0).ToDouble(), 15);
        }
    }
}
