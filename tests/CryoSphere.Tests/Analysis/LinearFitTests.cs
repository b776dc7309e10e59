using CryoSphere.Analysis;

namespace CryoSphere.Tests.Analysis;

public class LinearFitTests
{
    private static float[] Columns(params double[][] cols)
    {
        int n = cols[0].Length, d = cols.Length;
        var z = new float[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) z[i * d + j] = (float)cols[j][i];
        return z;
    }

    private static double[] Gaussian(Random rng, int n) =>
        Enumerable.Range(0, n).Select(_ => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())).ToArray();

    [Fact]
    public void ExactLinearCombinationHasROne()
    {
        var rng = new Random(1);
        var a = Gaussian(rng, 200);
        var b = Gaussian(rng, 200);
        var c = Gaussian(rng, 200);
        var y = Enumerable.Range(0, 200).Select(i => 3 + 2 * a[i] - 0.5 * c[i]).ToArray();
        Assert.Equal(1.0, LinearFit.MultipleCorrelation(Columns(a, b, c), 200, 3, y), 6);
    }

    [Fact]
    public void OneColumnGivesAbsolutePearson()
    {
        var rng = new Random(2);
        var a = Gaussian(rng, 300);
        var e = Gaussian(rng, 300);
        var y = Enumerable.Range(0, 300).Select(i => -a[i] + 1.5 * e[i]).ToArray();
        double r = Statistics.Pearson(a.Select(v => (double)(float)v).ToArray(), y);
        Assert.True(r < -0.3);
        Assert.Equal(Math.Abs(r), LinearFit.MultipleCorrelation(Columns(a), 300, 1, y), 9);
    }

    [Fact]
    public void TwoColumnsMatchTheTextbookFormula()
    {
        // R² = (r1² + r2² − 2·r1·r2·r12) / (1 − r12²) for two predictors.
        var rng = new Random(3);
        var a = Gaussian(rng, 400);
        var b0 = Gaussian(rng, 400);
        var b = a.Zip(b0, (x, w) => 0.6 * x + w).ToArray();
        var e = Gaussian(rng, 400);
        var y = Enumerable.Range(0, 400).Select(i => a[i] - 0.7 * b[i] + e[i]).ToArray();
        double[] af = a.Select(v => (double)(float)v).ToArray(), bf = b.Select(v => (double)(float)v).ToArray();
        double r1 = Statistics.Pearson(af, y), r2 = Statistics.Pearson(bf, y), r12 = Statistics.Pearson(af, bf);
        double expected = Math.Sqrt((r1 * r1 + r2 * r2 - 2 * r1 * r2 * r12) / (1 - r12 * r12));
        Assert.Equal(expected, LinearFit.MultipleCorrelation(Columns(a, b), 400, 2, y), 9);
    }

    [Fact]
    public void ConstantAndRepeatedColumnsAddNothing()
    {
        var rng = new Random(4);
        var a = Gaussian(rng, 100);
        var y = Gaussian(rng, 100).Zip(a, (e, x) => e + x).ToArray();
        double one = LinearFit.MultipleCorrelation(Columns(a), 100, 1, y);
        var constant = Enumerable.Repeat(0.25, 100).ToArray();
        Assert.Equal(one, LinearFit.MultipleCorrelation(Columns(constant, a, a), 100, 3, y), 9);
        Assert.Equal(0.0, LinearFit.MultipleCorrelation(Columns(a), 100, 1, constant));
    }
}
