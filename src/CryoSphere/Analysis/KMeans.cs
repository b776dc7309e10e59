namespace CryoSphere.Analysis;

/// <summary>k-means clustering of row vectors (n × d) with k-means++ seeding from a fixed seed.</summary>
public sealed class KMeans
{
    /// <summary>Cluster centres as rows (k × d).</summary>
    public float[] Centres { get; }
    /// <summary>Cluster of each row.</summary>
    public int[] Labels { get; }
    public int K { get; }

    private KMeans(float[] centres, int[] labels, int k)
    {
        Centres = centres;
        Labels = labels;
        K = k;
    }

    public static KMeans Fit(float[] x, int n, int d, int k, int seed = 1, int maxIterations = 100)
    {
        if (k < 1) throw new InputException($"k-means needs k ≥ 1 (got {k})");
        if (n < k) throw new InputException($"k-means with k = {k} needs at least {k} points (got {n})");
        var rng = new Random(seed);
        var c = new float[k * d];
        var best = new double[n];
        int first = rng.Next(n);
        Array.Copy(x, first * d, c, 0, d);
        for (int i = 0; i < n; i++) best[i] = Dist2(x, i, c, 0, d);
        for (int j = 1; j < k; j++)
        {
            // k-means++: the next centre is drawn with probability proportional to the squared distance to the nearest one.
            double total = best.Sum();
            int pick = n - 1;
            if (total > 0)
            {
                double u = rng.NextDouble() * total, acc = 0;
                for (int i = 0; i < n; i++)
                {
                    acc += best[i];
                    if (acc >= u) { pick = i; break; }
                }
            }
            else pick = rng.Next(n);
            Array.Copy(x, pick * d, c, j * d, d);
            for (int i = 0; i < n; i++) best[i] = Math.Min(best[i], Dist2(x, i, c, j, d));
        }

        var labels = new int[n];
        for (int it = 0; it < maxIterations; it++)
        {
            bool changed = it == 0;
            for (int i = 0; i < n; i++)
            {
                int arg = 0;
                double m = double.MaxValue;
                for (int j = 0; j < k; j++)
                {
                    double dd = Dist2(x, i, c, j, d);
                    if (dd < m) { m = dd; arg = j; }
                }
                if (labels[i] != arg) { labels[i] = arg; changed = true; }
            }
            if (!changed) break;
            var sum = new double[k * d];
            var count = new int[k];
            for (int i = 0; i < n; i++)
            {
                count[labels[i]]++;
                for (int t = 0; t < d; t++) sum[labels[i] * d + t] += x[i * d + t];
            }
            for (int j = 0; j < k; j++)
                if (count[j] > 0)
                    for (int t = 0; t < d; t++) c[j * d + t] = (float)(sum[j * d + t] / count[j]);
        }
        return new KMeans(c, labels, k);
    }

    private static double Dist2(float[] x, int i, float[] c, int j, int d)
    {
        double s = 0;
        for (int t = 0; t < d; t++)
        {
            double v = x[i * d + t] - c[j * d + t];
            s += v * v;
        }
        return s;
    }
}
