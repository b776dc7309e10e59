using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Model;

/// <summary>Autograd gradient vs central finite differences, in float64.</summary>
internal static class GradCheck
{
    /// <summary>
    /// Asserts d f / d x (autograd) matches central differences for every element of <paramref name="x"/>
    /// (a float64 leaf with requires_grad). Returns the largest |autograd| seen, so tests can check the gradient is not trivially zero.
    /// </summary>
    public static double Check(Func<Tensor> f, Tensor x, double h = 1e-6, double tol = 1e-6)
    {
        Assert.Equal(ScalarType.Float64, x.dtype);
        x.grad?.zero_();
        Tensor y = f();
        y.backward();
        double[] analytic = x.grad!.clone().reshape(-1).data<double>().ToArray();
        x.grad!.zero_();
        var numeric = new double[analytic.Length];
        using (torch.no_grad())
        {
            Tensor flat = x.view(-1);
            for (int i = 0; i < analytic.Length; i++)
            {
                double orig = flat[i].ToDouble();
                flat[i] = orig + h;
                double plus = f().ToDouble();
                flat[i] = orig - h;
                double minus = f().ToDouble();
                flat[i] = orig;
                numeric[i] = (plus - minus) / (2 * h);
            }
        }
        double maxAbs = 0;
        for (int i = 0; i < analytic.Length; i++)
        {
            double scale = Math.Max(1.0, Math.Abs(numeric[i]));
            Assert.True(Math.Abs(analytic[i] - numeric[i]) <= tol * scale,
                $"element {i}: autograd {analytic[i]:G10} vs finite difference {numeric[i]:G10}");
            maxAbs = Math.Max(maxAbs, Math.Abs(analytic[i]));
        }
        return maxAbs;
    }

    public static Tensor Leaf(Tensor t) => t.to(ScalarType.Float64).detach().requires_grad_(true);
}
