using CryoSphere.Data;

namespace CryoSphere.Analysis;

/// <summary>How well a trained run recovered a simulated motion.</summary>
/// <param name="PearsonPc1">Pearson r between latent PC1 and the true motion coordinate.</param>
/// <param name="BestAbsPearson">Largest |r| over the first three PCs.</param>
/// <param name="SegmentationAccuracy">Fraction of residues whose learned segment's majority label (moving/fixed) is their own; null when the motion has no moving set.</param>
/// <param name="SegmentsFound">Number of non-empty learned segments.</param>
public sealed record MotionRecoveryResult(double PearsonPc1, double BestAbsPearson, double? SegmentationAccuracy, int SegmentsFound);

/// <summary>Compares a trained run with the ground truth of the simulation it was trained on.</summary>
public static class MotionRecovery
{
    public static MotionRecoveryResult Compute(float[] latentMeans, int n, int latentDim, long[] hardAssignment, IGroundTruth groundTruth)
    {
        var truth = FirstCoordinate(groundTruth, n);
        var pca = Pca.Fit(latentMeans, n, latentDim);
        int k = Math.Min(3, latentDim);
        var proj = pca.Transform(latentMeans, n, k);
        double r1 = 0, best = 0;
        for (int c = 0; c < k; c++)
        {
            var pc = new double[n];
            for (int i = 0; i < n; i++) pc[i] = proj[i * k + c];
            double r = Statistics.Pearson(pc, truth);
            if (c == 0) r1 = r;
            best = Math.Max(best, Math.Abs(r));
        }
        double? acc = groundTruth.MovingResidues is { } moving ? SegmentationAccuracy(hardAssignment, moving) : null;
        int found = hardAssignment.Where(h => h >= 0).Distinct().Count();
        return new MotionRecoveryResult(r1, best, acc, found);
    }

    /// <summary>The (first) motion coordinate of the first <paramref name="n"/> particles.</summary>
    public static double[] FirstCoordinate(IGroundTruth truth, int n)
    {
        var values = truth.Coordinates.Columns[0];
        if (values.Length < n) throw new InputException(truth.Folder, $"truth has {values.Length} particles but the run has {n}");
        return values.Take(n).ToArray();
    }

    public static double SegmentationAccuracy(long[] hard, IReadOnlySet<int> moving)
    {
        int correct = 0, total = 0;
        foreach (var g in Enumerable.Range(0, hard.Length).Where(i => hard[i] >= 0).GroupBy(i => hard[i]))
        {
            int m = g.Count(moving.Contains);
            int f = g.Count() - m;
            correct += Math.Max(m, f);
            total += g.Count();
        }
        return total == 0 ? 0 : (double)correct / total;
    }
}
