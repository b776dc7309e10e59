using CryoSphere.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Model;

/// <summary>The pair gather behind the continuity and light clash losses (flattened-row gather, scatter-add backward).</summary>
public class PairDistanceTests
{
    [Fact]
    public void PairDistancesMatchIndexSelectAndTheirGradientsMatchFiniteDifferences()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        int b = 3, r = 25;
        Tensor coords = GradCheck.Leaf(torch.rand(b, r, 3) * 12);
        // Repeated residues and both orders: a residue's gradient must sum over every pair it is in.
        Tensor pairs = torch.tensor(new long[] { 0, 1, 0, 2, 5, 24, 24, 3, 7, 8, 7, 9, 12, 12 }).reshape(-1, 2);
        Tensor i = pairs.select(1, 0), j = pairs.select(1, 1);
        // Independent formulation: index_select along the residue axis.
        Tensor Reference() => (coords.index_select(1, i) - coords.index_select(1, j)).square().sum(-1).add(Losses.SqrtEps).sqrt();

        Tensor d = Losses.PairDistances(coords, pairs);
        Assert.Equal(new long[] { b, pairs.shape[0] }, d.shape);
        Assert.True(d.allclose(Reference(), rtol: 1e-12, atol: 1e-12));
        // One hand value: residues 5 and 24 of image 1.
        double hand = Math.Sqrt((coords[1, 5] - coords[1, 24]).square().sum().ToDouble() + Losses.SqrtEps);
        Assert.Equal(hand, d[1, 2].ToDouble(), 12);

        Tensor w = torch.randn(b, pairs.shape[0], dtype: ScalarType.Float64);
        Tensor g1 = torch.autograd.grad([(Losses.PairDistances(coords, pairs) * w).sum()], [coords])[0];
        Tensor g2 = torch.autograd.grad([(Reference() * w).sum()], [coords])[0];
        Assert.True(g1.allclose(g2, rtol: 1e-12, atol: 1e-12));
        Assert.True(g1[0, 0].abs().sum().ToDouble() > 0);   // residue 0 is in two pairs
        Assert.Equal(0.0, g1[0, 20].abs().sum().ToDouble()); // residue 20 in none
        GradCheck.Check(() => (Losses.PairDistances(coords, pairs) * w).sum(), coords);
    }

    [Fact]
    public void ClashAndContinuityOnTheGatherMatchTheirDefinitions()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(8);
        int b = 2, r = 30;
        Tensor baseCoords = torch.rand(r, 3, dtype: ScalarType.Float64) * 10;
        Tensor coords = GradCheck.Leaf(baseCoords.unsqueeze(0) + 0.8 * torch.randn(b, r, 3, dtype: ScalarType.Float64));
        Tensor pairs = torch.tensor(new long[] { 0, 1, 1, 2, 3, 17, 4, 29, 10, 11 }).reshape(-1, 2);
        long[] p = pairs.reshape(-1).data<long>().ToArray();
        double clash = 0, cont = 0;
        for (int n = 0; n < b; n++)
            for (int k = 0; k < p.Length; k += 2)
            {
                double d = Math.Sqrt((coords[n, p[k]] - coords[n, p[k + 1]]).square().sum().ToDouble() + Losses.SqrtEps);
                double d0 = Math.Sqrt((baseCoords[p[k]] - baseCoords[p[k + 1]]).square().sum().ToDouble() + Losses.SqrtEps);
                clash += Math.Pow(Math.Max(0, 6.0 - d), 2);
                cont += Math.Pow(d - d0, 2);
            }
        int terms = b * p.Length / 2;
        Assert.Equal(clash / terms, Losses.Clash(coords, pairs, 6.0).ToDouble(), 10);
        Assert.Equal(cont / terms, Losses.Continuity(coords, baseCoords, pairs).ToDouble(), 10);
        GradCheck.Check(() => Losses.Clash(coords, pairs, 6.0) + Losses.Continuity(coords, baseCoords, pairs), coords);
    }
}
