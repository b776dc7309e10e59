using CryoSphere.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Model;

public class SegmentationTests
{
    [Theory]
    [InlineData(20, 3)]
    [InlineData(25, 3)]
    [InlineData(7, 1)]
    [InlineData(50, 7)]
    public void UniformStartAssignsResidueToFloorOfIndexOverB0(int n, int k)
    {
        using var scope = torch.NewDisposeScope();
        var seg = new Segmentation(n, new[] { SegmentationPart.WholeProtein(n, k) });
        long[] hard = seg.HardAssignment();
        double b0 = (double)n / k;
        for (int r = 0; r < n; r++) Assert.Equal((long)Math.Floor(r / b0), hard[r]);
    }

    [Fact]
    public void ResiduesOutsideEveryPartNeverMove()
    {
        using var scope = torch.NewDisposeScope();
        var seg = new Segmentation(30, new[] { new SegmentationPart(19, 30, 2), new SegmentationPart(3, 14, 3) });
        Assert.Equal(5, seg.TotalSegments);
        Tensor g = seg.Sample(4, new Generator(11));
        Assert.Equal(new long[] { 4, 30, 5 }, g.shape);
        double[] rowSums = g.sum(-1).data<float>().Select(x => (double)x).ToArray();
        for (int b = 0; b < 4; b++)
            for (int r = 0; r < 30; r++)
            {
                bool inside = (r >= 3 && r < 14) || r >= 19;
                Assert.Equal(inside ? 1.0 : 0.0, rowSums[30 * b + r], 5);
            }
        // (Non-integer b0 on purpose: with integer b0 a boundary residue is equidistant from two means.)
        // Part 0 (first given) owns columns 0-1, part 1 columns 2-4; each is zero outside its residues.
        Assert.Equal(0f, g.narrow(1, 3, 11).narrow(2, 0, 2).abs().max().ToSingle());
        Assert.Equal(0f, g.narrow(1, 19, 11).narrow(2, 2, 3).abs().max().ToSingle());
        long[] hard = seg.HardAssignment();
        Assert.Equal(new long[] { -1, -1, -1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1 }, hard);
    }

    [Fact]
    public void OverlappingOrOutOfRangePartsAreInputErrors()
    {
        Assert.Throws<InputException>(() => new Segmentation(10, new[] { new SegmentationPart(0, 6, 2), new SegmentationPart(5, 10, 2) }));
        Assert.Throws<InputException>(() => new Segmentation(10, new[] { new SegmentationPart(0, 11, 2) }));
        Assert.Throws<InputException>(() => new Segmentation(10, new[] { new SegmentationPart(0, 10, 0) }));
    }

    [Fact]
    public void SameSeedGivesSameSample()
    {
        using var scope = torch.NewDisposeScope();
        var seg = new Segmentation(12, new[] { SegmentationPart.WholeProtein(12, 3) }, tau: 1.0);
        Tensor a = seg.Sample(3, new Generator(42));
        Tensor b = seg.Sample(3, new Generator(42));
        Tensor c = seg.Sample(3, new Generator(43));
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
        Assert.False(a.allclose(c, rtol: 0, atol: 0));
        torch.manual_seed(9);
        Tensor d = seg.Sample(3);
        torch.manual_seed(9);
        Assert.True(d.allclose(seg.Sample(3), rtol: 0, atol: 0));
    }

    [Fact]
    public void KlIsZeroWhenPosteriorEqualsPrior()
    {
        using var scope = torch.NewDisposeScope();
        var seg = new Segmentation(40, new[] { SegmentationPart.WholeProtein(40, 4) });
        Assert.Equal(0.0, seg.KlMeans().ToSingle(), 5);
        Assert.Equal(0.0, seg.KlStd().ToSingle(), 5);
        Assert.Equal(0.0, seg.KlProportions().ToSingle(), 5);
    }

    [Fact]
    public void KlMatchesHandValuesAndMonteCarlo()
    {
        using var scope = torch.NewDisposeScope();
        GaussianSet Set(double m0, double s0, double m1, double s1) => new(new[] { m0, m1 }, new[] { s0, s1 });
        var start = new SegmentationGaussians(Set(3, 2, 8, 1), Set(5, 0.5, 5, 3), Set(0, 1, 1, 2));
        var prior = new SegmentationGaussians(Set(1, 4, 8, 1), Set(5, 0.5, 2, 3), Set(0, 1, 0, 1));
        var seg = new Segmentation(10, new[] { new SegmentationPart(0, 10, 2, start, prior) });
        static double Kl(double m, double s, double m0, double s0) =>
            Math.Log(s0 / s) + (s * s + (m - m0) * (m - m0)) / (2 * s0 * s0) - 0.5;
        Assert.Equal(Kl(3, 2, 1, 4), seg.KlMeans().ToDouble(), 5); // = ln 2 + 8/32 − ½
        Assert.Equal(Kl(5, 3, 2, 3), seg.KlStd().ToDouble(), 5);
        Assert.Equal(Kl(1, 2, 0, 1), seg.KlProportions().ToDouble(), 5);

        // Monte Carlo E_q[log q − log p] for the means' first segment.
        torch.manual_seed(0);
        Tensor x = 3 + 2 * torch.randn(400_000, dtype: ScalarType.Float64);
        Tensor logQ = -(x - 3).square() / 8 - Math.Log(2);
        Tensor logP = -(x - 1).square() / 32 - Math.Log(4);
        Assert.Equal(Kl(3, 2, 1, 4), (logQ - logP).mean().ToDouble(), 2);
    }

    [Fact]
    public void LatentKlMatchesHandValue()
    {
        using var scope = torch.NewDisposeScope();
        Tensor mu = torch.tensor(new float[] { 1, 0, 0, 0 }).reshape(2, 2);
        Tensor sigma = torch.tensor(new float[] { 2, 1, 1, 1 }).reshape(2, 2);
        // Image 0: ½(4 + 1 − 1) − ln 2 + 0 ; image 1: 0. Mean over the batch.
        Assert.Equal((2 - Math.Log(2)) / 2, Losses.KlLatent(mu, sigma).ToDouble(), 6);
        Assert.Equal(0.0, Losses.KlLatent(torch.zeros(3, 4), torch.ones(3, 4)).ToDouble(), 7);
    }

    [Fact]
    public void SampleAndMeanGradientsMatchFiniteDifferences()
    {
        using var scope = torch.NewDisposeScope();
        var seg = new Segmentation(9, new[] { new SegmentationPart(1, 9, 2) }, tau: 1.0);
        seg.to(ScalarType.Float64);
        var posterior = seg.Posteriors[0];
        var parameters = posterior.parameters().ToArray();
        Assert.Equal(6, parameters.Length);
        Assert.All(parameters, p => Assert.Equal(ScalarType.Float64, p.dtype));
        torch.manual_seed(2);
        Tensor w = torch.randn(3, 9, 2, dtype: ScalarType.Float64);
        Tensor FSample() => (seg.Sample(3, new Generator(5)) * w).sum() + seg.KlMeans() + seg.KlStd() + seg.KlProportions();
        Tensor FMean() => (seg.MeanG() * w[0]).sum();
        foreach (var p in parameters)
        {
            double max = GradCheck.Check(FSample, p);
            Assert.True(max > 1e-4, $"{p.name}: gradient should not vanish");
        }
        foreach (var p in parameters)
            GradCheck.Check(FMean, p);
    }
}
