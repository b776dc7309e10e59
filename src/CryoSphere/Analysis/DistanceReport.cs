using System.Globalization;
using CryoSphere.IO;

namespace CryoSphere.Analysis;

/// <summary>Writes one --distance pair's per-particle values (CSV), scatter and histograms (PNG), and summarises it.</summary>
public static class DistanceReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// <paramref name="number"/> (1-based) names the files; the arrays are aligned with <paramref name="particles"/>:
    /// <paramref name="predicted"/> from the posterior means, <paramref name="drawn"/> (when the posteriors are known) from one
    /// posterior draw per particle — the spread of the population the model infers, which the means understate.
    /// </summary>
    public static DistanceSummary Write(string outDir, int number, string pair, int[] particles, double[] truth, double[] predicted, double[]? drawn = null)
    {
        double r = Statistics.Pearson(predicted, truth);
        string csv = $"distance_{number}.csv", scatter = $"distance_{number}_scatter.png", hist = $"distance_{number}_histogram.png";
        AtomicFile.WriteText(Path.Combine(outDir, csv), w =>
        {
            w.WriteLine("index,true_A,predicted_A" + (drawn is null ? "" : ",posterior_draw_A"));
            for (int j = 0; j < particles.Length; j++)
                w.WriteLine($"{particles[j].ToString(Inv)},{truth[j].ToString("G7", Inv)},{predicted[j].ToString("G7", Inv)}"
                    + (drawn is null ? "" : "," + drawn[j].ToString("G7", Inv)));
        });
        var sp = EvaluationPlots.DistanceScatter(truth, predicted, pair, r);
        AtomicFile.Write(Path.Combine(outDir, scatter), st => st.Write(sp));
        var hp = EvaluationPlots.DistanceHistograms(truth, predicted, pair, drawn);
        AtomicFile.Write(Path.Combine(outDir, hist), st => st.Write(hp));
        return new DistanceSummary
        {
            Pair = pair,
            Particles = particles.Length,
            PearsonR = r,
            PredictedMean = predicted.Average(),
            PredictedSd = Statistics.StandardDeviation(predicted),
            TrueMean = truth.Average(),
            TrueSd = Statistics.StandardDeviation(truth),
            MeanAbsError = predicted.Zip(truth, (p, t) => Math.Abs(p - t)).Average(),
            DrawnMean = drawn?.Average(),
            DrawnSd = drawn is null ? null : Statistics.StandardDeviation(drawn),
            Csv = csv,
            ScatterPng = scatter,
            HistogramPng = hist,
        };
    }
}
