using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Analysis;

/// <summary>
/// Fourier shell correlation of two cubic maps: shells of integer radius r = 0…⌊n/2⌋ in the centred 3-D FFT,
/// FSC(r) = Re Σ F₁F₂* / √(Σ|F₁|² Σ|F₂|²).
/// </summary>
public static class Fsc
{
    /// <summary>FSC per shell (length ⌊n/2⌋+1) of two n³ maps stored x fastest.</summary>
    public static double[] Curve(float[] a, float[] b, int n)
    {
        long voxels = (long)n * n * n;
        if (a.LongLength != voxels || b.LongLength != voxels)
            throw new ArgumentException($"maps must hold {n}³ = {voxels} values (got {a.LongLength} and {b.LongLength})");
        int shells = n / 2 + 1;
        double[] cross, p1, p2;
        using (NativeCallGuard.Enter())
        using (var scope = NewDisposeScope())
        {
            var f1 = fft.fftn(tensor(a, [n, n, n]).to_type(ScalarType.Float64));
            var f2 = fft.fftn(tensor(b, [n, n, n]).to_type(ScalarType.Float64));
            var shell = ShellIndex(n);
            var valid = shell.lt(shells);
            var idx = shell.masked_select(valid);
            Tensor Sum(Tensor v) => zeros(shells, ScalarType.Float64).index_add_(0, idx, v.masked_select(valid), 1.0);
            cross = Sum((f1 * f2.conj()).real).data<double>().ToArray();
            p1 = Sum(f1.abs().square()).data<double>().ToArray();
            p2 = Sum(f2.abs().square()).data<double>().ToArray();
        }
        var fsc = new double[shells];
        for (int s = 0; s < shells; s++)
        {
            double d = Math.Sqrt(p1[s] * p2[s]);
            fsc[s] = d > 0 ? cross[s] / d : 0;
        }
        return fsc;
    }

    /// <summary>Spatial frequency of shell <paramref name="shell"/> (1/Å).</summary>
    public static double Frequency(int shell, int n, double apix) => shell / (n * apix);

    /// <summary>
    /// Resolution (Å) where the curve first drops below <paramref name="threshold"/> (after shell 0), interpolating
    /// the frequency linearly between the shells on either side; Nyquist (2·apix) when it never drops.
    /// </summary>
    /// <summary>
    /// True when the curve drops below <paramref name="threshold"/> within the measured shells; when it does not,
    /// <see cref="Resolution"/> returns Nyquist, which is a bound ("beyond Nyquist"), not a measured resolution.
    /// </summary>
    public static bool Crosses(IReadOnlyList<double> curve, double threshold)
    {
        for (int s = 1; s < curve.Count; s++) if (curve[s] < threshold) return true;
        return false;
    }

    /// <summary>The resolution for a report: "4.20 Å", or "beyond Nyquist (> 4.00 Å)" when the curve never crosses.</summary>
    public static string Describe(IReadOnlyList<double> curve, int n, double apix, double threshold)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        double r = Resolution(curve, n, apix, threshold);
        return Crosses(curve, threshold)
            ? $"{r.ToString("F2", inv)} Å"
            : $"not reached: beyond Nyquist (curve stays above {threshold.ToString(inv)} up to {r.ToString("F2", inv)} Å)";
    }

    public static double Resolution(IReadOnlyList<double> curve, int n, double apix, double threshold)
    {
        for (int s = 1; s < curve.Count; s++)
        {
            if (curve[s] >= threshold) continue;
            double f0 = Frequency(s - 1, n, apix), f1 = Frequency(s, n, apix);
            double c0 = curve[s - 1], c1 = curve[s];
            double f = c0 > c1 ? f0 + (c0 - threshold) / (c0 - c1) * (f1 - f0) : f1;
            return f > 0 ? 1 / f : double.PositiveInfinity;
        }
        return 1 / Frequency(curve.Count - 1, n, apix);
    }

    // Integer shell radius of each FFT element (unshifted order: index i ↔ frequency i or i − n).
    private static Tensor ShellIndex(int n)
    {
        var k = arange(n, ScalarType.Float64);
        k = where(k.ge((n + 1) / 2), k - n, k);
        var k2 = k.square();
        var r2 = k2.view(n, 1, 1) + k2.view(1, n, 1) + k2.view(1, 1, n);
        return r2.sqrt().round().to_type(ScalarType.Int64);
    }
}
