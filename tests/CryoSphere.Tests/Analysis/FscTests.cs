using CryoSphere.Analysis;
using CryoSphere.IO;

namespace CryoSphere.Tests.Analysis;

public class FscTests
{
    private static float[] Noise(int n, int seed)
    {
        var rng = new Random(seed);
        var v = new float[n * n * n];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return v;
    }

    // cos(2π(kx·x)/n): all its power sits in the shell of radius kx.
    private static float[] PlaneWave(int n, int kx)
    {
        var v = new float[n * n * n];
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++) v[(z * n + y) * n + x] = (float)Math.Cos(2 * Math.PI * kx * x / n);
        return v;
    }

    [Fact]
    public void MapWithItselfIsOneAtEveryShell()
    {
        var a = Noise(16, 1);
        var c = Fsc.Curve(a, a, 16);
        Assert.Equal(9, c.Length);
        Assert.All(c, v => Assert.Equal(1.0, v, 9));
        var neg = a.Select(x => -2 * x).ToArray();
        Assert.All(Fsc.Curve(a, neg, 16), v => Assert.Equal(-1.0, v, 9));
    }

    [Fact]
    public void IndependentNoiseIsUncorrelated()
    {
        var c = Fsc.Curve(Noise(32, 1), Noise(32, 2), 32);
        Assert.True(Math.Abs(c.Skip(3).Average()) < 0.1, string.Join(",", c));
        Assert.All(c.Skip(3), v => Assert.InRange(v, -0.3, 0.3));
    }

    [Fact]
    public void PowerOnlyInItsOwnShell()
    {
        int n = 16;
        var a = PlaneWave(n, 3);
        var w5 = PlaneWave(n, 5);
        var plus = a.Zip(w5, (x, y) => x + y).ToArray();
        var minus = a.Zip(w5, (x, y) => 2 * x - y).ToArray();
        var c = Fsc.Curve(plus, minus, n);
        Assert.Equal(1.0, c[3], 6);
        Assert.Equal(-1.0, c[5], 6);
    }

    [Fact]
    public void ResolutionInterpolatesTheCrossing()
    {
        // Linear from 1 at shell 0 to 0 at shell 16 (n = 32, 2 Å): 0.5 at shell 8 → 1/(8/64) = 8 Å; 0.143 at shell 13.712.
        var curve = Enumerable.Range(0, 17).Select(s => 1 - s / 16.0).ToArray();
        Assert.Equal(8.0, Fsc.Resolution(curve, 32, 2.0, 0.5), 9);
        Assert.Equal(64 / (16 * (1 - 0.143)), Fsc.Resolution(curve, 32, 2.0, 0.143), 9);
        // Never below the threshold: Nyquist.
        Assert.Equal(4.0, Fsc.Resolution(Enumerable.Repeat(1.0, 17).ToArray(), 32, 2.0, 0.143), 9);
        Assert.True(Fsc.Crosses(curve, 0.5));
        Assert.False(Fsc.Crosses(Enumerable.Repeat(1.0, 17).ToArray(), 0.143));
        Assert.Equal("8.00 Å", Fsc.Describe(curve, 32, 2.0, 0.5));
        Assert.StartsWith("not reached: beyond Nyquist", Fsc.Describe(Enumerable.Repeat(1.0, 17).ToArray(), 32, 2.0, 0.143));
    }

    [Fact]
    public void CliSaysBeyondNyquistForAMapWithItself()
    {
        string dir = TestData.TempDir("fsc");
        string a = Path.Combine(dir, "a.mrc");
        MrcWriter.WriteVolume(a, Noise(16, 3), 16, 16, 16, 1.5);
        string csv = Path.Combine(dir, "curve.csv");
        var r = CliRunner.Run("fsc", a, a, "--out", csv);
        Assert.True(r.ExitCode == 0, r.Err);
        // A map with itself never decorrelates: the resolution is a bound, not a measurement.
        Assert.Contains("FSC 0.143: not reached: beyond Nyquist (curve stays above 0.143 up to 3.00 Å)", r.Out);
        Assert.Contains("FSC 0.5:   not reached: beyond Nyquist", r.Out);
        Assert.Equal(10, File.ReadAllLines(csv).Length);
    }

    [Fact]
    public void CliRejectsMapsOfDifferentSize()
    {
        string dir = TestData.TempDir("fsc");
        string a = Path.Combine(dir, "a.mrc"), b = Path.Combine(dir, "b.mrc");
        MrcWriter.WriteVolume(a, Noise(16, 3), 16, 16, 16, 1.5);
        MrcWriter.WriteVolume(b, Noise(8, 3), 8, 8, 8, 1.5);
        CliRunner.AssertOneLineError(CliRunner.Run("fsc", a, b), "same size");
        CliRunner.AssertOneLineError(CliRunner.Run("fsc", a, Path.Combine(dir, "none.mrc")), "not found");
    }
}
