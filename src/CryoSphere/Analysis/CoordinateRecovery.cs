using CryoSphere.IO;

namespace CryoSphere.Analysis;

/// <summary>Per truth coordinate: |r| with its best-matching latent PC, R of a linear fit on all of z, and the ceiling.</summary>
public static class CoordinateRecovery
{
    /// <summary>PCs compared with each coordinate (as before independent hinges: the first three).</summary>
    public const int Pcs = 3;

    public static CoordinateSummary[] Compute(float[] z, int n, int l, TruthTable truth, CeilingResult? ceiling)
    {
        var pcs = Pca.Fit(z, n, l).Transform(z, n, l);
        int npc = Math.Min(Pcs, l);
        var columns = Enumerable.Range(0, npc).Select(k => Enumerable.Range(0, n).Select(i => pcs[i * l + k]).ToArray()).ToArray();
        var result = new CoordinateSummary[truth.Names.Count];
        for (int c = 0; c < result.Length; c++)
        {
            var y = truth.Columns[c];
            var r = columns.Select(pc => Statistics.Pearson(pc, y)).ToArray();
            int best = Enumerable.Range(0, npc).MaxBy(k => Math.Abs(r[k]));
            double? ceilingR = ceiling?.R[c];
            result[c] = new CoordinateSummary
            {
                Name = truth.Names[c],
                PcCorrelations = r,
                BestPc = best + 1,
                BestAbsR = Math.Abs(r[best]),
                LinearFitR = LinearFit.MultipleCorrelation(z, n, l, y),
                CeilingR = ceilingR,
                RatioToCeiling = ceilingR is > 0 ? Math.Abs(r[best]) / ceilingR : null,
            };
        }
        return result;
    }
}
