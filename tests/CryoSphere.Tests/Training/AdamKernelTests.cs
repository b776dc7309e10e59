using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Training;

public class AdamKernelTests
{
    // libtorch's kernels for the same update, the path AdamStep takes where the single pass does not apply.
    private static void Reference(Tensor p, Tensor g0, Tensor m, Tensor v, double b1, double b2, double stepSize, double eps, double decay)
    {
        Tensor g = g0 + p * decay;   // the L2 penalty's gradient
        m.mul_(b1).add_(g, alpha: 1 - b1);
        v.mul_(b2).addcmul_(g, g, value: 1 - b2);
        p.addcdiv_(m, v.sqrt().add_(eps), value: stepSize);
    }

    [Theory]
    [InlineData(1001, 0.0)]      // odd length: a scalar tail after the SIMD vectors
    [InlineData(1001, 0.3)]      // with an L2 penalty's gradient folded in
    [InlineData(300_001, 0.0)]   // above the threads' threshold
    public void Float32PassEqualsLibtorchsKernelsOverSteps(int n, double decay)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        manual_seed(5);
        Tensor p = randn(n), m = zeros(n), v = zeros(n);
        Tensor p0 = p.clone(), pr = p.clone(), mr = m.clone(), vr = v.clone();
        for (int step = 1; step <= 20; step++)
        {
            Tensor g = randn(n) * 0.1 + p * 0.5;
            double stepSize = -1e-2 * Math.Sqrt(1 - Math.Pow(0.999, step)) / (1 - Math.Pow(0.9, step));
            Assert.True(AdamKernel.TryApply(p, g, m, v, 0.9, 0.999, stepSize, 1e-8, decay));
            Reference(pr, g, mr, vr, 0.9, 0.999, stepSize, 1e-8, decay);
        }
        Assert.True((p - pr).abs().max().ToDouble() < 1e-5, "parameters differ");
        Assert.True((m - mr).abs().max().ToDouble() < 1e-6, "first moments differ");
        Assert.True((v - vr).abs().max().ToDouble() < 1e-6, "second moments differ");
        Assert.True((p - p0).abs().max().ToDouble() > 0.1, "the parameters barely moved");
    }

    [Fact]
    public void DeclinesStridedAndMixedTensorsWithoutTouchingThem()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor p = ones(4, 6).t(), g = ones(6, 4), m = zeros(6, 4), v = zeros(6, 4);
        Assert.False(AdamKernel.TryApply(p, g, m, v, 0.9, 0.999, -0.1, 1e-8));   // p is a transposed view
        Tensor q = ones(6, 4, dtype: ScalarType.Float64);
        Assert.False(AdamKernel.TryApply(q, g, m, v, 0.9, 0.999, -0.1, 1e-8));   // dtypes differ
        Assert.Equal(0.0, m.abs().sum().ToDouble());
        Assert.Equal(24.0, p.sum().ToDouble());
    }
}
