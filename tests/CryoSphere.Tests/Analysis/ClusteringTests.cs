using CryoSphere.Analysis;

namespace CryoSphere.Tests.Analysis;

public class ClusteringTests
{
    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    [Fact]
    public void PcaRecoversTheLongAxis()
    {
        var rng = new Random(4);
        double[] u = [1 / 3.0, 2 / 3.0, 2 / 3.0];
        int n = 2000;
        var x = new float[n * 3];
        for (int i = 0; i < n; i++)
        {
            double t = 5 * Gaussian(rng);
            for (int d = 0; d < 3; d++) x[i * 3 + d] = (float)(10 + t * u[d] + 0.5 * Gaussian(rng));
        }
        var pca = Pca.Fit(x, n, 3);
        double dot = Enumerable.Range(0, 3).Sum(d => pca.Components[d] * u[d]);
        Assert.True(Math.Abs(dot) > 0.995, $"dot {dot}");
        Assert.Equal(1.0, pca.ExplainedVarianceRatio.Sum(), 9);
        Assert.InRange(pca.ExplainedVarianceRatio[0], 0.95, 1);
        Assert.InRange(pca.ExplainedVariance[0], 25 * 0.9, 25 * 1.1);
    }

    [Fact]
    public void KMeansFindsThreeBlobs()
    {
        var rng = new Random(2);
        double[][] centres = [[0, 0], [10, 0], [0, 10]];
        int per = 50;
        var x = new float[3 * per * 2];
        for (int b = 0; b < 3; b++)
            for (int i = 0; i < per; i++)
                for (int d = 0; d < 2; d++) x[(b * per + i) * 2 + d] = (float)(centres[b][d] + 0.5 * Gaussian(rng));
        var km = KMeans.Fit(x, 3 * per, 2, 3, seed: 1);
        var labelOf = new int[3];
        for (int b = 0; b < 3; b++)
        {
            labelOf[b] = km.Labels[b * per];
            Assert.All(km.Labels.Skip(b * per).Take(per), l => Assert.Equal(labelOf[b], l));
            Assert.InRange(Math.Abs(km.Centres[labelOf[b] * 2] - centres[b][0]), 0, 0.3);
            Assert.InRange(Math.Abs(km.Centres[labelOf[b] * 2 + 1] - centres[b][1]), 0, 0.3);
        }
        Assert.Equal(3, labelOf.Distinct().Count());
    }

    [Fact]
    public void FilterParsesAndSelects()
    {
        var f = ParticleFilter.Parse("pc1>0.5 & z2<-1", 2);
        Assert.Equal([new FilterTerm(true, 0, true, 0.5), new FilterTerm(false, 1, false, -1)], f.Terms);
        float[] z = [0, -2, 0, 0, 0, -3];
        double[] pcs = [1, 0, 1, 0, 0, 0];
        Assert.Equal([0], f.Select(z, pcs, 3, 2));
        Assert.Throws<InputException>(() => ParticleFilter.Parse("pc1=>3", 2));
        Assert.Throws<InputException>(() => ParticleFilter.Parse("z3>0", 2));
    }

    [Fact]
    public void PercentileMatchesNumpy()
    {
        // numpy.percentile([1, 2, 3, 4], 5) = 1.15, 95 → 3.85
        Assert.Equal(1.15, Statistics.Percentile([1, 2, 3, 4], 5), 12);
        Assert.Equal(3.85, Statistics.Percentile([4, 3, 2, 1], 95), 12);
        Assert.Equal(1.0, Statistics.Pearson([1, 2, 3], [2, 4, 6.5]), 1);
    }
}
