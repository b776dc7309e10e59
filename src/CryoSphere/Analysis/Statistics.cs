namespace CryoSphere.Analysis;

/// <summary>Small descriptive statistics used by the analysis and evaluation.</summary>
public static class Statistics
{
    /// <summary>Linear-interpolated percentile (0–100) of <paramref name="values"/>, as numpy's default.</summary>
    public static double Percentile(IEnumerable<double> values, double percent)
    {
        var s = values.Order().ToArray();
        if (s.Length == 0) return double.NaN;
        double pos = percent / 100 * (s.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, s.Length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    public static double Median(IEnumerable<double> values) => Percentile(values, 50);

    /// <summary>Pearson correlation; 0 when either side is constant.</summary>
    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        int n = Math.Min(a.Count, b.Count);
        if (n < 2) return 0;
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++)
        {
            double da = a[i] - ma, db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : 0;
    }

    /// <summary>Sample standard deviation (n − 1); 0 for fewer than two values.</summary>
    public static double StandardDeviation(IReadOnlyList<double> v)
    {
        if (v.Count < 2) return 0;
        double m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Count - 1));
    }

    /// <summary>Root-mean-square distance between two coordinate sets (R × 3) in the same frame, without superposition.</summary>
    public static double Rmsd(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length == 0) throw new ArgumentException("coordinate sets differ in size");
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.Sqrt(s / (a.Length / 3));
    }
}
