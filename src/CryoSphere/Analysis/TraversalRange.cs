namespace CryoSphere.Analysis;

/// <summary>
/// Where a PC traversal runs, for <c>analyze</c> and the viewer alike: from the 5th to the 95th percentile of the model's
/// population along the PC — one seeded posterior draw per particle (<see cref="PosteriorDraws"/>) where the posterior
/// standard deviations are known, else the posterior means (docs/training-defaults.md §24).
/// </summary>
public static class TraversalRange
{
    /// <summary>PC coordinates (n × d) of the population: the draws when <paramref name="sd"/> is given, else the means <paramref name="z"/>.</summary>
    public static double[] PopulationScores(Pca pca, float[] z, float[]? sd, int n, int seed) =>
        pca.Transform(sd is null ? z : PosteriorDraws.One(z, sd, seed), n, pca.Dim);

    /// <summary><paramref name="steps"/> evenly spaced PC coordinates from the 5th to the 95th percentile of PC <paramref name="pc"/>'s scores.</summary>
    public static double[] Values(double[] scores, int n, int d, int pc, int steps)
    {
        var col = new double[n];
        for (int i = 0; i < n; i++) col[i] = scores[i * d + pc];
        double lo = Statistics.Percentile(col, 5), hi = Statistics.Percentile(col, 95);
        return Enumerable.Range(0, steps).Select(i => lo + (hi - lo) * i / (steps - 1)).ToArray();
    }
}
