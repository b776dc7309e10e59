using CryoSphere.Data;
using CryoSphere.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Imaging;

public class CtfTests
{
    private static Tensor At(CtfParameters p, double kx, double ky)
    {
        using var batch = CtfBatch.From(new[] { p }, CPU, ScalarType.Float64);
        return Ctf.Compute(batch, tensor(new[] { kx }), tensor(new[] { ky }));
    }

    [Fact]
    public void WavelengthAt300KvIsTheKnownValue() => Assert.Equal(0.019687, CtfBatch.WavelengthA(300), 6);

    [Theory]
    // Worked by hand from method.md §3.4 (λ = 0.0196870 Å): dfU 15000, dfV 12000, angle 30°, Cs 2.7 mm, w 0.1, B 50.
    [InlineData(0.05, 0.0, -0.7217956679201465)]
    [InlineData(0.0, 0.08, 0.8423760731435067)]
    [InlineData(0.1, 0.1, 0.42215470406399774)]
    public void HandComputedValues(double kx, double ky, double expected)
    {
        using var scope = NewDisposeScope();
        var p = new CtfParameters(15000, 12000, 30, 300, 2.7, 0.1, 0, 50, 1);
        Assert.Equal(expected, At(p, kx, ky)[0, 0].ToDouble(), 10);
    }

    [Fact]
    public void ZeroWhereGammaIsMinusPi()
    {
        using var scope = NewDisposeScope();
        // w = 0 → CTF = sin γ. Along the astigmatism angle df = dfU; solve ¼Csλ³u² − ½dfλu + ½ = 0 for u = s².
        double lambda = CtfBatch.WavelengthA(200), cs = 2.0e7, df = 20000;
        double a = 0.25 * cs * Math.Pow(lambda, 3), b = -0.5 * df * lambda;
        double u = (-b - Math.Sqrt(b * b - 2 * a)) / (2 * a);
        double s = Math.Sqrt(u), angle = 25 * Math.PI / 180;
        var p = new CtfParameters(df, 15000, 25, 200, 2.0, 0);
        Assert.True(Math.Abs(At(p, s * Math.Cos(angle), s * Math.Sin(angle))[0, 0].ToDouble()) < 1e-9);
        // Slightly off the zero it is clearly not zero.
        Assert.True(Math.Abs(At(p, 1.05 * s * Math.Cos(angle), 1.05 * s * Math.Sin(angle))[0, 0].ToDouble()) > 0.05);
        // In float32 on the image grid path it still vanishes to float precision.
        using var batch = CtfBatch.From(new[] { p }, CPU);
        Tensor f32 = Ctf.Compute(batch, tensor(new[] { (float)(s * Math.Cos(angle)) }), tensor(new[] { (float)(s * Math.Sin(angle)) }));
        Assert.True(Math.Abs(f32[0, 0].ToSingle()) < 2e-5);
    }

    [Fact]
    public void ZeroFrequencyIsMinusAmplitudeContrastAndPhaseShiftActs()
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid(17, 1.3);
        var ps = new[]
        {
            new CtfParameters(12000, 11000, 10, 300, 2.7, 0.07),
            new CtfParameters(12000, 11000, 10, 300, 2.7, 0.0, PhaseShiftDeg: 90),
            new CtfParameters(12000, 11000, 10, 300, 2.7, 0.1, BFactor: 80, Scale: 0.5),
        };
        using var batch = CtfBatch.From(ps, CPU, ScalarType.Float64);
        Tensor c = Ctf.Compute(batch, grid);
        Assert.Equal(new long[] { 3, 17, 17 }, c.shape);
        Assert.Equal(-0.07, c[0, 8, 8].ToDouble(), 12);
        Assert.Equal(-1.0, c[1, 8, 8].ToDouble(), 12);
        Assert.Equal(-0.05, c[2, 8, 8].ToDouble(), 12);
        // B-factor and scale: envelope 0.5·exp(−B s²/4) relative to the same CTF without them.
        using var plain = CtfBatch.From(new[] { new CtfParameters(12000, 11000, 10, 300, 2.7, 0.1) }, CPU, ScalarType.Float64);
        Tensor c0 = Ctf.Compute(plain, grid);
        double s2 = Math.Pow(3 * grid.FrequencyStep, 2) + Math.Pow(2 * grid.FrequencyStep, 2);
        Assert.Equal(0.5 * Math.Exp(-80 * s2 / 4), c[2, 8 + 2, 8 + 3].ToDouble() / c0[0, 8 + 2, 8 + 3].ToDouble(), 10);
    }

    [Fact]
    public void FormationEqualsTheCentredRecipe()
    {
        using var scope = NewDisposeScope();
        foreach (int n in new[] { 16, 15 })
        {
            var grid = new ImageGrid(n, 1.9);
            manual_seed(5);
            Tensor img = rand(2, n, n, ScalarType.Float64);
            var ps = new[] { new CtfParameters(9000, 8000, 40, 300, 2.7, 0.1), new CtfParameters(20000, 21000, -70, 200, 2.0, 0.07, 30, 20) };
            using var batch = CtfBatch.From(ps, CPU, ScalarType.Float64);
            Tensor shifts = tensor(new double[] { 1.3, -2.2, -0.4, 3.1 }).reshape(2, 2);
            Tensor expected = Fourier.Ifft2CenteredReal(Fourier.PhaseShift(Fourier.Fft2Centered(img) * -Ctf.Compute(batch, grid), shifts, grid));
            Tensor got = ImageFormation.Apply(img, batch, shifts, grid);
            Assert.True((got - expected).abs().max().ToDouble() < 1e-12);
            Tensor noShift = ImageFormation.Apply(img, batch, null, grid);
            Tensor expected2 = Fourier.Ifft2CenteredReal(Fourier.Fft2Centered(img) * -Ctf.Compute(batch, grid));
            Assert.True((noShift - expected2).abs().max().ToDouble() < 1e-12);
        }
    }

    [Fact]
    public void PureAmplitudeContrastAtZeroDefocusKeepsTheImage()
    {
        using var scope = NewDisposeScope();
        // w = 1, df = 0, Cs = 0 → γ = 0, CTF = −1 everywhere, so −CTF = 1: the image is returned unchanged.
        var grid = new ImageGrid(12, 2);
        Tensor img = rand(1, 12, 12, ScalarType.Float64);
        using var batch = CtfBatch.From(new[] { new CtfParameters(0, 0, 0, 300, 0, 1) }, CPU, ScalarType.Float64);
        Assert.True((ImageFormation.Apply(img, batch, null, grid) - img).abs().max().ToDouble() < 1e-12);
        Assert.Same(img, ImageFormation.Apply(img, null, null, grid));
    }

    [Theory]
    [InlineData(16, ScalarType.Float64, 1e-12)]
    [InlineData(15, ScalarType.Float64, 1e-12)]
    [InlineData(64, ScalarType.Float32, 1e-4)]
    public void HalfSpectrumCtfEqualsTheCentredFormulaAtItsFrequencies(int n, ScalarType dtype, double tol)
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid(n, 1.7);
        var ps = new[]
        {
            new CtfParameters(9000, 8000, 40, 300, 2.7, 0.1),
            new CtfParameters(20000, 21000, -70, 200, 2.0, 0.07, 30, 20, 0.8),
            new CtfParameters(15000, 15000, 0, 300, 2.7, 1.0),
        };
        using var batch = CtfBatch.From(ps, CPU, dtype);
        // The extended tables' frequencies written out: rows ky in FFT order (+N/2 appended for even N), columns
        // kx = 0…⌊N/2⌋ (−N/2 appended for even N); the centred formula (angles via atan2) evaluated there.
        double step = grid.FrequencyStep;
        var ky = Enumerable.Range(0, n).Select(j => (j < (n + 1) / 2 ? j : j - n) * step).ToList();
        var kx = Enumerable.Range(0, n / 2 + 1).Select(j => j * step).ToList();
        if (n % 2 == 0) { ky.Add(n / 2 * step); kx.Add(-n / 2 * step); }
        Tensor kyT = tensor(ky.ToArray(), dtype: dtype).unsqueeze(1).expand(ky.Count, kx.Count);
        Tensor kxT = tensor(kx.ToArray(), dtype: dtype).unsqueeze(0).expand(ky.Count, kx.Count);
        Tensor expected = Ctf.Compute(batch, kxT, kyT);
        Tensor got = Ctf.ComputeHalf(batch, grid);
        Assert.Equal(expected.shape, got.shape);
        Assert.True((got - expected).abs().max().ToDouble() < tol, $"max diff {(got - expected).abs().max().ToDouble()}");
        // Away from the Nyquist aliases these are the ifftshifted full grid's first ⌊N/2⌋+1 columns.
        Tensor full = fft.ifftshift(Ctf.Compute(batch, grid), new long[] { -2, -1 });
        int inner = (n + 1) / 2;
        Tensor a = got.narrow(1, 0, n).narrow(2, 0, inner), e = full.narrow(2, 0, inner);
        Assert.True((a - e).abs().max().ToDouble() < tol);
        using var gathered = CtfBatch.Gather(batch, tensor(new long[] { 2, 0 }));
        Tensor g2 = Ctf.ComputeHalf(gathered, grid);
        Assert.True((g2 - got.index_select(0, tensor(new long[] { 2, 0 }))).abs().max().ToDouble() == 0);
    }
}
