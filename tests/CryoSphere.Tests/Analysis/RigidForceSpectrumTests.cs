using CryoSphere.Analysis;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Analysis;

public class RigidForceSpectrumTests
{
    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Fact]
    public void NetForceAndTorqueOfEachPartAreTheAnalyticSums()
    {
        var rng = new Random(5);
        const int r = 9;
        var x = Enumerable.Range(0, 3 * r).Select(_ => 10 * Gaussian(rng)).ToArray();
        int[] starts = [0, 4];
        // Part 1 (residues 0–3): one uniform force → net 4·f, no torque about its centroid.
        // Part 2 (residues 4–8): a rotation field ω × d about its centroid → no net force, torque Σ |d|²ω − d(d·ω).
        double[] f = [0.3, -1.2, 2.0], w = [0.5, 0.1, -0.7];
        double[] c = new double[3];
        for (int i = 4; i < r; i++) for (int k = 0; k < 3; k++) c[k] += x[3 * i + k] / 5;
        var forces = new double[3 * r];
        var torque = new double[3];
        for (int i = 0; i < r; i++)
        {
            if (i < 4) { for (int k = 0; k < 3; k++) forces[3 * i + k] = f[k]; continue; }
            double[] d = [x[3 * i] - c[0], x[3 * i + 1] - c[1], x[3 * i + 2] - c[2]];
            forces[3 * i] = w[1] * d[2] - w[2] * d[1];
            forces[3 * i + 1] = w[2] * d[0] - w[0] * d[2];
            forces[3 * i + 2] = w[0] * d[1] - w[1] * d[0];
            double dd = d.Sum(v => v * v), dw = d[0] * w[0] + d[1] * w[1] + d[2] * w[2];
            for (int k = 0; k < 3; k++) torque[k] += dd * w[k] - d[k] * dw;
        }
        var g = RigidForceSpectrum.GeneralisedForces(tensor(forces, [1, 3 * r]), tensor(x, [r, 3]), starts).data<double>().ToArray();
        Assert.Equal(12, g.Length);
        double[] expected = [4 * f[0], 4 * f[1], 4 * f[2], 0, 0, 0, 0, 0, 0, torque[0], torque[1], torque[2]];
        for (int k = 0; k < 12; k++) Assert.Equal(expected[k], g[k], 8);
        Assert.Throws<ArgumentException>(() => RigidForceSpectrum.GeneralisedForces(tensor(forces, [1, 3 * r]), tensor(x, [r, 3]), [1, 4]));
    }

    [Fact]
    public void TheNoiseMetricFindsASpikeThatPlainPrincipalComponentsMiss()
    {
        // Spiked covariance: x = a·θ·v + noise, noise ~ N(0, C) with one direction u 10× stronger than the rest and v ⟂ u.
        // Plain PCA takes u; in the noise's metric the top component is v, and each particle's score then correlates with
        // θ at r = √(s / (1 + s)), s = a²·vᵀC⁻¹v (large N).
        var rng = new Random(7);
        const int d = 10, n = 6000;
        var b = new double[d, d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) b[i, j] = (i == j ? 1 : 0) + 0.3 * Gaussian(rng);
        var u = Enumerable.Range(0, d).Select(_ => Gaussian(rng)).ToArray();
        double un = Math.Sqrt(u.Sum(v => v * v));
        u = u.Select(v => v / un).ToArray();
        var v0 = Enumerable.Range(0, d).Select(_ => Gaussian(rng)).ToArray();
        double vu = v0.Zip(u, (p, q) => p * q).Sum();
        var v = v0.Zip(u, (p, q) => p - vu * q).ToArray();
        double vn = Math.Sqrt(v.Sum(t => t * t));
        v = v.Select(t => t / vn).ToArray();
        const double a = 0.8;
        double[] Noise()
        {
            var g = Enumerable.Range(0, d).Select(_ => Gaussian(rng)).ToArray();
            double big = 10 * Gaussian(rng);
            return Enumerable.Range(0, d).Select(i => Enumerable.Range(0, d).Sum(j => b[i, j] * g[j]) + big * u[i]).ToArray();
        }
        var theta = Enumerable.Range(0, n).Select(_ => Gaussian(rng)).ToArray();
        var data = theta.SelectMany(t => Noise().Zip(v, (e, vi) => e + a * t * vi)).ToArray();
        var noise = Enumerable.Range(0, n).SelectMany(_ => Noise()).ToArray();
        var white = Enumerable.Range(0, n * d).Select(_ => Gaussian(rng)).ToArray();

        // s from the exact noise covariance C = B Bᵀ + 100 u uᵀ.
        var cov = zeros(d, d, dtype: ScalarType.Float64);
        var bt = tensor(Enumerable.Range(0, d * d).Select(k => b[k / d, k % d]).ToArray(), [d, d]);
        var ut = tensor(u, [d, 1]);
        cov = bt.matmul(bt.t()) + 100 * ut.matmul(ut.t());
        var vt = tensor(v, [d, 1]);
        double s = a * a * vt.t().matmul(linalg.solve(cov, vt)).item<double>();
        double expected = Math.Sqrt(s / (1 + s));

        double whitened = Math.Abs(Statistics.Pearson(RigidForceSpectrum.TopComponent(tensor(data, [n, d]), tensor(noise, [n, d])), theta));
        double plain = Math.Abs(Statistics.Pearson(RigidForceSpectrum.TopComponent(tensor(data, [n, d]), tensor(white, [n, d])), theta));
        Assert.InRange(expected, 0.5, 0.95);   // the case is neither trivial nor hopeless
        Assert.InRange(whitened, expected - 0.05, expected + 0.02);
        Assert.True(plain < 0.15, $"plain PCA |r| {plain:F3}");
    }
}
