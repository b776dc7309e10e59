using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Analysis;

/// <summary>Principal components of row vectors (n × d): axes, explained variance and projections.</summary>
public sealed class Pca
{
    public int Dim { get; }
    public double[] Mean { get; }
    /// <summary>Components as rows (d × d), the first explaining the most variance.</summary>
    public double[] Components { get; }
    public double[] ExplainedVariance { get; }
    public double[] ExplainedVarianceRatio { get; }

    private Pca(int dim, double[] mean, double[] comps, double[] var)
    {
        Dim = dim;
        Mean = mean;
        Components = comps;
        ExplainedVariance = var;
        double total = var.Sum();
        ExplainedVarianceRatio = var.Select(v => total > 0 ? v / total : 0).ToArray();
    }

    public static Pca Fit(float[] x, int n, int d)
    {
        if (n < 2) throw new InputException($"PCA needs at least 2 points (got {n})");
        using var guard = NativeCallGuard.Enter();
        using var scope = NewDisposeScope();
        var t = tensor(x, [n, d]).to_type(ScalarType.Float64);
        var mean = t.mean([0]);
        var c = t - mean;
        var cov = c.T.matmul(c) / (n - 1);
        var (evals, evecs) = linalg.eigh(cov);
        // eigh returns ascending eigenvalues; PCs go by descending variance, with a sign fixed so the largest loading is positive.
        var order = argsort(evals, descending: true);
        var vals = evals.index_select(0, order).clamp_min(0);
        var vecs = evecs.index_select(1, order).T.contiguous();
        var v = vecs.data<double>().ToArray();
        for (int k = 0; k < d; k++)
        {
            int arg = 0;
            for (int j = 1; j < d; j++) if (Math.Abs(v[k * d + j]) > Math.Abs(v[k * d + arg])) arg = j;
            if (v[k * d + arg] < 0) for (int j = 0; j < d; j++) v[k * d + j] = -v[k * d + j];
        }
        return new Pca(d, mean.data<double>().ToArray(), v, vals.data<double>().ToArray());
    }

    /// <summary>Coordinates of each row along the first <paramref name="k"/> PCs (n × k).</summary>
    public double[] Transform(float[] x, int n, int k)
    {
        var r = new double[n * k];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++)
            {
                double s = 0;
                for (int j = 0; j < Dim; j++) s += (x[i * Dim + j] - Mean[j]) * Components[c * Dim + j];
                r[i * k + c] = s;
            }
        return r;
    }

    /// <summary>The latent point at coordinate <paramref name="value"/> along PC <paramref name="pc"/> (0-based), others at the mean.</summary>
    public float[] PointAlong(int pc, double value)
    {
        var p = new float[Dim];
        for (int j = 0; j < Dim; j++) p[j] = (float)(Mean[j] + value * Components[pc * Dim + j]);
        return p;
    }
}
