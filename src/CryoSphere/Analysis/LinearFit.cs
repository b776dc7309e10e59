namespace CryoSphere.Analysis;

/// <summary>Least-squares fit of a quantity on all latent dimensions at once.</summary>
public static class LinearFit
{
    /// <summary>
    /// Multiple correlation R of the least-squares fit y ≈ a + Σ_j b_j z_j over the <paramref name="dim"/> columns of
    /// <paramref name="z"/> (n × dim, row-major): the Pearson r between fitted and observed y, √(1 − SS_res/SS_tot).
    /// A motion spread over several latent directions has a low |r| with every single PC but a high R.
    /// </summary>
    public static double MultipleCorrelation(float[] z, int n, int dim, IReadOnlyList<double> y)
    {
        if (n < 2) return 0;
        // Modified Gram–Schmidt on the centred columns: y's projection on their span without forming ZᵀZ, and
        // columns that add nothing (a collapsed latent dimension) are skipped rather than inverted.
        double ym = 0;
        for (int i = 0; i < n; i++) ym += y[i];
        ym /= n;
        var r = new double[n];
        for (int i = 0; i < n; i++) r[i] = y[i] - ym;
        double total = r.Sum(v => v * v);
        if (total <= 0) return 0;
        var basis = new List<double[]>();
        for (int j = 0; j < dim; j++)
        {
            var q = new double[n];
            double m = 0;
            for (int i = 0; i < n; i++) m += z[i * dim + j];
            m /= n;
            for (int i = 0; i < n; i++) q[i] = z[i * dim + j] - m;
            double norm0 = Math.Sqrt(q.Sum(v => v * v));
            foreach (var b in basis)
            {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += q[i] * b[i];
                for (int i = 0; i < n; i++) q[i] -= dot * b[i];
            }
            double norm = Math.Sqrt(q.Sum(v => v * v));
            if (norm <= 1e-10 * Math.Max(norm0, 1e-300)) continue;
            for (int i = 0; i < n; i++) q[i] /= norm;
            basis.Add(q);
            double c = 0;
            for (int i = 0; i < n; i++) c += r[i] * q[i];
            for (int i = 0; i < n; i++) r[i] -= c * q[i];
        }
        double residual = r.Sum(v => v * v);
        return Math.Sqrt(Math.Clamp(1 - residual / total, 0, 1));
    }
}
