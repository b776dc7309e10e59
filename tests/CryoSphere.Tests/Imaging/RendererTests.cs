using CryoSphere.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Imaging;

public class RendererTests
{
    private static readonly double[,] Atoms = { { 3.2, -4.1, 1.0 }, { -7.5, 2.2, -3.0 }, { 0.4, 9.3, 5.5 } };
    private static readonly double[] Weights = { 1.0, 0.6, 1.7 };

    private static double MaxRelative(Tensor a, Tensor b)
    {
        double scale = b.abs().max().ToDouble();
        return (a - b).abs().max().ToDouble() / scale;
    }

    [Fact]
    public void ProjectionMatchesNumericalIntegrationOfTheDensity()
    {
        using var scope = NewDisposeScope();
        const double sigma = 2, apix = 1.5;
        var grid = new ImageGrid(32, apix);
        // Direct numerical z integral (trapezoid, fine step) of the non-separable 3D density at every pixel.
        const double dz = 0.05;
        int nz = (int)(24 / dz);
        var expected = new double[32 * 32];
        for (int q = 0; q < 32; q++)
            for (int p = 0; p < 32; p++)
            {
                double x = (p - 16) * apix, y = (q - 16) * apix, total = 0;
                for (int a = 0; a < 3; a++)
                    for (int iz = 0; iz <= nz; iz++)
                    {
                        double z = Atoms[a, 2] - 12 + iz * dz;
                        double d2 = Math.Pow(x - Atoms[a, 0], 2) + Math.Pow(y - Atoms[a, 1], 2) + Math.Pow(z - Atoms[a, 2], 2);
                        double f = Weights[a] * Math.Exp(-d2 / (2 * sigma * sigma));
                        total += (iz == 0 || iz == nz ? 0.5 : 1) * f * dz;
                    }
                expected[32 * q + p] = total / (sigma * Math.Sqrt(2 * Math.PI));   // the analytic z factor
            }
        Tensor coords = tensor(Atoms.Cast<double>().ToArray()).reshape(1, 3, 3);
        Tensor amps = tensor(Weights);
        Tensor want = tensor(expected).reshape(1, 32, 32);
        foreach (RenderMode mode in new[] { RenderMode.Full, RenderMode.Truncated })
        {
            Tensor got = mode == RenderMode.Full
                ? GaussianRenderer.ProjectFull(coords, amps, sigma, grid)
                : GaussianRenderer.ProjectTruncated(coords, amps, sigma, grid, 7);
            Assert.True(MaxRelative(got, want) < 1e-4, $"{mode}: {MaxRelative(got, want)}");
        }
    }

    [Fact]
    public void AtomLandsOnTheDocumentedPixelAfterRotation()
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid(24, 1.0);
        // 90° about z (Y = R·X) takes (5,0,0) to (0,5,0): row ⌊N/2⌋+5, column ⌊N/2⌋.
        Tensor r = tensor(new double[] { 0, -1, 0, 1, 0, 0, 0, 0, 1 }).reshape(1, 3, 3);
        Tensor img = GaussianRenderer.RotateAndProject(tensor(new double[] { 5, 0, 0 }).reshape(1, 3), r, tensor(new double[] { 1 }), 1.0, grid, RenderMode.Full);
        long flat = img.reshape(-1).argmax().ToInt64();
        Assert.Equal(12 + 5, flat / 24);
        Assert.Equal(12, flat % 24);
        Assert.Equal(1.0, img.max().ToDouble(), 10);
    }

    [Theory]
    [InlineData(48, 1.2, 2.0)]
    [InlineData(33, 2.5, 2.0)]
    public void TruncatedEqualsFull(int n, double apix, double sigma)
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid(n, apix);
        manual_seed(7);
        // Up to 0.6 of the box, so some windows hang over the edge.
        Tensor coords = (rand(3, 60, 3, ScalarType.Float32) - 0.5) * (1.2 * n * apix);
        Tensor amps = rand(3, 60, ScalarType.Float32) + 0.5;
        Tensor full = GaussianRenderer.ProjectFull(coords, amps, sigma, grid);
        Tensor truncated = GaussianRenderer.ProjectTruncated(coords, amps, sigma, grid, 6);
        Assert.True(MaxRelative(truncated, full) < 1e-5, $"k=6: {MaxRelative(truncated, full)}");
        Tensor k4 = GaussianRenderer.ProjectTruncated(coords, amps, sigma, grid);
        Assert.True(MaxRelative(k4, full) < 1e-3, $"k=4: {MaxRelative(k4, full)}");
        Tensor auto = GaussianRenderer.Project(coords, amps, sigma, grid);
        Assert.True(MaxRelative(auto, full) < 1e-3);
    }

    [Fact]
    public void ManyAtomsSpanningSeveralChunksAgreeInValuesAndGradients()
    {
        using var scope = NewDisposeScope();
        // 20000 atoms: both modes split them into several chunks (full: 8192 per chunk here, truncated: 7256).
        var grid = new ImageGrid(64, 1.5);
        manual_seed(12);
        Tensor coords0 = (rand(2, 20000, 3, ScalarType.Float32) - 0.5) * 90;
        Tensor amps = rand(20000, ScalarType.Float32);
        Tensor target = randn(2, 64, 64, ScalarType.Float32);
        Tensor cf = coords0.clone().requires_grad_(true), ct = coords0.clone().requires_grad_(true);
        Tensor full = GaussianRenderer.ProjectFull(cf, amps, 2, grid);
        Tensor truncated = GaussianRenderer.ProjectTruncated(ct, amps, 2, grid, 6);
        Assert.True(MaxRelative(truncated, full) < 1e-5, $"{MaxRelative(truncated, full)}");
        (full * target).sum().backward();
        (truncated * target).sum().backward();
        Assert.True(MaxRelative(ct.grad!, cf.grad!) < 1e-4, $"{MaxRelative(ct.grad!, cf.grad!)}");
    }

    [Theory]
    [InlineData(RenderMode.Full)]
    [InlineData(RenderMode.Truncated)]
    public void GradientsMatchFiniteDifferences(RenderMode mode)
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid(20, 1.3);
        manual_seed(3);
        Tensor coords0 = (rand(2, 5, 3, ScalarType.Float64) - 0.5) * 16;
        Tensor amps0 = rand(5, ScalarType.Float64) + 0.5;
        Tensor target = randn(2, 20, 20, ScalarType.Float64);
        double Loss(Tensor c, Tensor a) =>
            (Render(c, a) * target).sum().ToDouble();
        Tensor Render(Tensor c, Tensor a) => mode == RenderMode.Full
            ? GaussianRenderer.ProjectFull(c, a, 1.7, grid)
            : GaussianRenderer.ProjectTruncated(c, a, 1.7, grid, 6);

        Tensor coords = coords0.clone().requires_grad_(true);
        Tensor amps = amps0.clone().requires_grad_(true);
        (Render(coords, amps) * target).sum().backward();
        double[] gc = coords.grad!.data<double>().ToArray();
        double[] ga = amps.grad!.data<double>().ToArray();

        const double h = 1e-5;
        double[] c0 = coords0.data<double>().ToArray();
        for (int i = 0; i < c0.Length; i += 4)
        {
            double[] plus = (double[])c0.Clone(), minus = (double[])c0.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (Loss(tensor(plus).reshape(2, 5, 3), amps0) - Loss(tensor(minus).reshape(2, 5, 3), amps0)) / (2 * h);
            Assert.True(Math.Abs(fd - gc[i]) <= 1e-6 * (1 + Math.Abs(fd)), $"coord {i}: fd {fd} vs autograd {gc[i]}");
        }
        double[] a0 = amps0.data<double>().ToArray();
        for (int i = 0; i < a0.Length; i++)
        {
            double[] plus = (double[])a0.Clone(), minus = (double[])a0.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (Loss(coords0, tensor(plus)) - Loss(coords0, tensor(minus))) / (2 * h);
            Assert.True(Math.Abs(fd - ga[i]) <= 1e-6 * (1 + Math.Abs(fd)), $"amplitude {i}: fd {fd} vs autograd {ga[i]}");
        }
    }

    [Fact]
    public void FloatInputGivesFloatOutputOnTheSameDevice()
    {
        using var scope = NewDisposeScope();
        Tensor coords = zeros(2, 4, 3);
        Tensor img = GaussianRenderer.Project(coords, ones(4), 2, new ImageGrid(16, 2), RenderMode.Truncated);
        Assert.Equal(ScalarType.Float32, img.dtype);
        Assert.Equal(coords.device_type, img.device_type);
        Assert.Equal(new long[] { 2, 16, 16 }, img.shape);
        Assert.Equal(4.0, img[0, 8, 8].ToSingle(), 5);
    }

    [Fact]
    public void WrongShapesAreRejected()
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid(8, 1);
        Assert.Throws<ArgumentException>(() => GaussianRenderer.Project(zeros(2, 4, 2), ones(4), 2, grid));
        Assert.Throws<ArgumentException>(() => GaussianRenderer.Project(zeros(2, 4, 3), ones(5), 2, grid));
        Assert.Equal(0f, GaussianRenderer.ProjectFull(zeros(2, 0, 3), ones(0), 2, grid).abs().sum().ToSingle());
        Assert.Equal(0f, GaussianRenderer.ProjectTruncated(zeros(2, 0, 3), ones(0), 2, grid).abs().sum().ToSingle());
    }

    [Fact]
    public void VolumeSumMatchesAnalyticIntegralAndAxesAreZyx()
    {
        using var scope = NewDisposeScope();
        const double sigma = 2, apix = 1.0;
        var grid = new ImageGrid(40, apix);
        Tensor coords = tensor(new double[] { 5, 0, -3, -4, 6, 2 }).reshape(2, 3);
        Tensor amps = tensor(new double[] { 2, 1 });
        Tensor v = VolumeRenderer.Render(coords, amps, sigma, grid);
        double analytic = 3 * Math.Pow(2 * Math.PI * sigma * sigma, 1.5) / Math.Pow(apix, 3);
        Assert.Equal(1.0, v.sum().ToDouble() / analytic, 8);
        // Atom 1 at x = 5, y = 0, z = −3 → index [z, y, x] = [17, 20, 25]; flattened with x fastest.
        Assert.Equal(2.0, v[17, 20, 25].ToDouble(), 6);
        float[] flat = VolumeRenderer.RenderToArray(coords, amps, sigma, grid);
        Assert.Equal(2.0, flat[(17 * 40 + 20) * 40 + 25], 5);
    }

    [Theory]
    [InlineData(ScalarType.Float64, 1e-10)]
    [InlineData(ScalarType.Float32, 1e-5)]
    public void FullModeEqualsPlainAutogradTablesInValueAndGradient(ScalarType dtype, double tol)
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid(64, 2);
        manual_seed(9);
        Tensor c0 = ((rand(3, 300, 3, ScalarType.Float64) - 0.5) * 100).to_type(dtype);
        Tensor amps = (rand(300, ScalarType.Float64) + 0.5).to_type(dtype);
        Tensor target = randn(3, 64, 64, ScalarType.Float64).to_type(dtype);
        const double sigma = 2;
        // The projection written with autograd alone: exp(max(−d²/2σ², −30)) tables and a product.
        Tensor g = grid.Coordinates(CPU, dtype);
        Tensor Plain(Tensor x) => (x.unsqueeze(-1) - g).square().mul(-1 / (2 * sigma * sigma)).clamp_min(-30).exp();
        Tensor cp = c0.clone().requires_grad_(true), cf = c0.clone().requires_grad_(true);
        Tensor plain = bmm((Plain(cp.select(-1, 1)) * amps.unsqueeze(-1)).transpose(1, 2), Plain(cp.select(-1, 0)));
        Tensor full = GaussianRenderer.ProjectFull(cf, amps, sigma, grid);
        Assert.True(MaxRelative(full, plain) < tol, $"values {MaxRelative(full, plain)}");
        (plain * target).sum().backward();
        (full * target).sum().backward();
        Assert.True(MaxRelative(cf.grad!, cp.grad!) < tol * 10, $"gradients {MaxRelative(cf.grad!, cp.grad!)}");
    }
}
