using CryoSphere.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Imaging;

public class FourierTests
{
    private static double MaxAbs(Tensor a) => a.abs().max().ToDouble();

    [Theory]
    [InlineData(16)]
    [InlineData(15)]
    public void CentredDeltaHasConstantSpectrum(int n)
    {
        using var scope = NewDisposeScope();
        Tensor img = zeros(1, n, n, ScalarType.Float64);
        img[0, n / 2, n / 2] = tensor(1.0);
        Tensor f = Fourier.Fft2Centered(img);
        Assert.True(MaxAbs(f.real - 1) < 1e-12);
        Assert.True(MaxAbs(f.imag) < 1e-12);
        Assert.True(MaxAbs(Fourier.Ifft2CenteredReal(f) - img) < 1e-12);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(15)]
    public void WholePixelShiftIsARollTowardsMinusShift(int n)
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid(n, 1.7);
        manual_seed(1);
        Tensor img = randn(2, n, n, ScalarType.Float64);
        // Shift +1 px in x for image 0, +2 px in y for image 1: content moves to −x / −y.
        Tensor shifts = tensor(new double[] { 1.7, 0, 0, 3.4 }).reshape(2, 2);
        Tensor moved = Fourier.ShiftImages(img, shifts, grid);
        Assert.True(MaxAbs(moved[0] - img[0].roll(-1, 1)) < 1e-10);
        Assert.True(MaxAbs(moved[1] - img[1].roll(-2, 0)) < 1e-10);
        Tensor viaFormation = ImageFormation.Apply(img, null, shifts, grid);
        Assert.True(MaxAbs(viaFormation - moved) < 1e-10);
    }

    [Fact]
    public void FractionalShiftMovesARenderedGaussianByMinusShift()
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid(40, 1.0);
        Tensor amps = tensor(new double[] { 1 });
        Tensor at = GaussianRenderer.ProjectFull(tensor(new double[] { 2.3, -1.6, 0 }).reshape(1, 1, 3), amps, 2.5, grid);
        Tensor expected = GaussianRenderer.ProjectFull(tensor(new double[] { 2.3 - 0.7, -1.6 - 1.35, 0 }).reshape(1, 1, 3), amps, 2.5, grid);
        Tensor moved = Fourier.ShiftImages(at, tensor(new double[] { 0.7, 1.35 }).reshape(1, 2), grid);
        Assert.True(MaxAbs(moved - expected) < 1e-6, $"{MaxAbs(moved - expected)}");
    }

    [Theory]
    [InlineData(64, 32)]
    [InlineData(64, 31)]
    [InlineData(63, 32)]
    public void CropEqualsRenderingOnTheCoarseGrid(int n, int nNew)
    {
        using var scope = NewDisposeScope();
        var fine = new ImageGrid(n, 1.0);
        var coarse = fine.Resized(nNew);
        Tensor coords = tensor(new double[] { 3.3, -5.1, 0, -8, 6, 1 }).reshape(1, 2, 3);
        Tensor amps = tensor(new double[] { 1, 0.5 });
        // σ = 4 Å is band-limited to ~1e-9 below the coarse Nyquist, so crop must give the coarse samples.
        Tensor cropped = Fourier.FourierCrop(GaussianRenderer.ProjectFull(coords, amps, 4, fine), nNew);
        Tensor direct = GaussianRenderer.ProjectFull(coords, amps, 4, coarse);
        Assert.True(MaxAbs(cropped - direct) < 1e-6, $"{MaxAbs(cropped - direct)}");
    }

    [Theory]
    [InlineData(32, 20)]
    [InlineData(31, 16)]
    [InlineData(32, 17)]
    public void CropThenPadKeepsFrequenciesBelowTheNewNyquist(int n, int nNew)
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        Tensor img = randn(2, n, n, ScalarType.Float64);
        Tensor back = Fourier.FourierPad(Fourier.FourierCrop(img, nNew), n);
        Assert.Equal(img.shape, back.shape);
        Tensor f = Fourier.Fft2Centered(img), g = Fourier.Fft2Centered(back);
        var grid = new ImageGrid(n, 1);
        var (kx, ky) = grid.FrequencyGrid(CPU, ScalarType.Float64);
        double kept = (nNew - 1) / 2 * grid.FrequencyStep + 1e-9;   // strictly inside the crop
        Tensor inside = kx.abs().le(kept).logical_and(ky.abs().le(kept));
        // The crop's own Nyquist row (even nNew) is split between ±nNew/2 by the real part, so skip it.
        double cut = nNew / 2 * grid.FrequencyStep + 1e-9;
        Tensor outside = kx.abs().gt(cut).logical_or(ky.abs().gt(cut));
        Assert.True(MaxAbs((f - g).abs() * inside) < 1e-9 * MaxAbs(f));
        Assert.True(MaxAbs(g.abs() * outside) < 1e-9 * MaxAbs(f));
        Assert.Equal(img.mean().ToDouble(), Fourier.FourierCrop(img, nNew).mean().ToDouble(), 10);
    }

    [Fact]
    public void LowPassKeepsSlowAndRemovesFastCosines()
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid(32, 2.0);
        Tensor x = grid.Coordinates(CPU, ScalarType.Float64).unsqueeze(0).expand(32, 32);
        // Frequencies 3/64 Å⁻¹ (21 Å period) and 10/64 Å⁻¹ (6.4 Å period); cut at 10 Å.
        Tensor slow = (x * (2 * Math.PI * 3 / 64)).cos().unsqueeze(0);
        Tensor fast = (x * (2 * Math.PI * 10 / 64)).cos().unsqueeze(0);
        Tensor filtered = LowPass.Apply(slow + fast, grid, 10);
        Assert.True(MaxAbs(filtered - slow) < 1e-10);
        Tensor soft = LowPass.Filter(grid, 10, CPU, 4, ScalarType.Float64);
        // 1/10 Å⁻¹ is 6.4 steps: the edge falls over [4.4, 8.4] steps and is ½ at the resolution itself.
        Assert.Equal(1.0, soft[16, 16 + 4].ToDouble(), 12);
        Assert.Equal(0.0, soft[16, 16 + 9].ToDouble(), 12);
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * (7 - 4.4) / 4)), soft[16, 16 + 7].ToDouble(), 10);
    }

    [Fact]
    public void MasksHaveTheRightRadius()
    {
        using var scope = NewDisposeScope();
        Tensor m = Masks.Circular(16, 1.0, CPU);
        Assert.Equal(1f, m[8, 0].ToSingle());    // distance 8 = N/2: inside
        Assert.Equal(0f, m[0, 0].ToSingle());
        Tensor p = Masks.CircularPixels(21, 3, CPU);
        Assert.Equal(29, (int)p.sum().ToSingle());  // lattice points with x² + y² ≤ 9
        Tensor soft = Masks.CircularPixels(21, 4, CPU, 2, ScalarType.Float64);
        Assert.Equal(1.0, soft[10, 14].ToDouble(), 12);
        Assert.Equal(0.5, soft[10, 15].ToDouble(), 12);
        Assert.Equal(0.0, soft[10, 16].ToDouble(), 12);
    }

    [Fact]
    public void StatisticsCombineBatchesExactly()
    {
        using var scope = NewDisposeScope();
        var rng = new Random(9);
        float[] all = Enumerable.Range(0, 1000).Select(_ => (float)(rng.NextDouble() * 4 + 3)).ToArray();
        double mean = all.Average(v => (double)v);
        double std = Math.Sqrt(all.Average(v => (v - mean) * (v - mean)));
        var acc = new ImageStatistics();
        acc.Add(all.AsSpan(0, 300));
        acc.Add(tensor(all[300..]));
        PixelStatistics s = acc.Result();
        Assert.Equal(mean, s.Mean, 9);
        Assert.Equal(std, s.Std, 9);
        Assert.Equal(1000, s.Count);
        Tensor z = ImageStatistics.Normalize(tensor(all).to_type(ScalarType.Float64), s);
        Assert.Equal(0, z.mean().ToDouble(), 9);
        Assert.Throws<InvalidOperationException>(() => new ImageStatistics().Result());
    }
}
