using CryoSphere.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Model;

/// <summary>The L2 penalty's hand-written backward against autograd's square-and-sum and finite differences.</summary>
public class L2PenaltyTests
{
    [Fact]
    public void ValueAndGradientMatchSquareSumAndFiniteDifferences()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        Tensor a = GradCheck.Leaf(torch.randn(7, 5)), b = GradCheck.Leaf(torch.randn(3, 4));
        Tensor reference = a.square().sum() + b.square().sum();
        Tensor l2 = Losses.L2(new[] { a, b });
        Assert.Equal(reference.ToDouble(), l2.ToDouble(), 10);

        // A non-unit upstream gradient (the loss weight β) must scale the result: ∂(β·L2)/∂w = 2β·w.
        var g = torch.autograd.grad([Losses.L2(new[] { a, b }) * 0.3], [a, b]);
        var expected = torch.autograd.grad([reference * 0.3], [a, b]);
        Assert.True(g[0].allclose(expected[0], rtol: 1e-12, atol: 1e-14));
        Assert.True(g[1].allclose(expected[1], rtol: 1e-12, atol: 1e-14));
        Assert.True(g[0].allclose(a.detach() * 0.6, rtol: 1e-12, atol: 1e-14));
        GradCheck.Check(() => Losses.L2(new[] { a, b }) * 0.3, a);
        GradCheck.Check(() => Losses.L2(new[] { a, b }) * 0.3, b);
    }

    [Fact]
    public void GradientAccumulatesWithTheWeightsOtherUses()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(12);
        Tensor w = GradCheck.Leaf(torch.randn(4, 6));
        Tensor x = torch.randn(6, 2, dtype: ScalarType.Float64);
        (w.matmul(x).sum() + 0.5 * Losses.L2(new[] { w })).backward();
        Tensor expected = x.sum(1).unsqueeze(0).expand(4, 6) + w.detach();
        Assert.True(w.grad!.allclose(expected, rtol: 1e-12, atol: 1e-14));
    }
}
