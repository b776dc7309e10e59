using CryoSphere.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Training;

public class AdamStepTests
{
    // Two parameter sets, identical to start; one stepped by TorchSharp's Adam, the other by AdamStep.
    private static (Parameter[] Params, Adam Optimizer) Make(double lrA, double lrB)
    {
        manual_seed(3);
        var p = new[] { new Parameter(randn(40, 30, dtype: ScalarType.Float64)), new Parameter(randn(30, dtype: ScalarType.Float64)), new Parameter(randn(5, dtype: ScalarType.Float64)) };
        var a = new Adam.ParamGroup([p[0], p[1]], new Adam.Options { LearningRate = lrA });
        var b = new Adam.ParamGroup([p[2]], new Adam.Options { LearningRate = lrB });
        return (p, optim.Adam([a, b], lrA));
    }

    [Fact]
    public void EqualsTorchSharpsAdamOverManyStepsWithTwoGroupsAndAMissingGradient()
    {
        using var scope = NewDisposeScope();
        var (pa, adam) = Make(1e-2, 3e-2);
        var (pb, ours) = Make(1e-2, 3e-2);
        using var g = new Generator(9);
        for (int step = 0; step < 60; step++)
        {
            // Gradients of a fixed quadratic plus noise; the third parameter gets none on even steps.
            foreach (var (p, q) in pa.Zip(pb))
            {
                Tensor noise = randn(p.shape, dtype: ScalarType.Float64, generator: g);
                p.grad = null;
                q.grad = null;
                if (p.shape[0] == 5 && step % 2 == 0) continue;
                p.grad = (p.detach() * 0.5 + noise).detach();
                q.grad = (q.detach() * 0.5 + noise).detach();
            }
            if (step == 30) foreach (var grp in ours.ParamGroups.Concat(adam.ParamGroups)) grp.LearningRate *= 0.5;   // a schedule's change
            adam.step();
            AdamStep.Apply(ours);
        }
        for (int i = 0; i < pa.Length; i++)
        {
            double diff = (pa[i] - pb[i]).abs().max().ToDouble(), moved = (pa[i] - Make(1e-2, 3e-2).Params[i]).abs().max().ToDouble();
            Assert.True(moved > 0.1, $"parameter {i} barely moved ({moved})");
            Assert.True(diff < 1e-12, $"parameter {i} differs by {diff}");
        }
        // The step counts follow the gradients: 30 for the parameter without a gradient on even steps.
        var sa = adam.state_dict().State.Cast<Adam.State>().Select(s => s.step).ToArray();
        var sb = ours.state_dict().State.Cast<Adam.State>().Select(s => s.step).ToArray();
        Assert.Equal(sa, sb);
        Assert.Equal(new long[] { 60, 60, 30 }, sb);
    }

    [Fact]
    public void ClearedGradientsGiveTheSameNextGradientAsZeroedOnes()
    {
        using var scope = NewDisposeScope();
        var (pa, adam) = Make(1e-2, 3e-2);
        var (pb, ours) = Make(1e-2, 3e-2);
        Tensor Loss(Parameter[] p) => p[0].square().sum() + p[1].sum() * 3 + p[2].pow(3).sum();
        Loss(pa).backward();
        Loss(pb).backward();
        adam.zero_grad();
        AdamStep.ClearGradients(ours);
        Assert.All(pb, p => Assert.Null(p.grad));
        Assert.All(pa, p => Assert.Equal(0.0, p.grad!.abs().sum().ToDouble()));
        Loss(pa).backward();
        Loss(pb).backward();
        for (int i = 0; i < pa.Length; i++)
            Assert.True((pa[i].grad! - pb[i].grad!).abs().max().ToDouble() == 0 && pb[i].grad!.abs().sum().ToDouble() > 0, $"parameter {i}");
    }
}
