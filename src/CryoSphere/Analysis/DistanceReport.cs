using System.Globalization;
using CryoSphere.IO;

namespace CryoSphere.Analysis;

/// <summary>Writes one --distance pair's per-particle values (CSV), scatter and histograms (PNG), and summarises it.</summary>
public static class DistanceReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary><paramref name="number"/> (1-based) names the files; the arrays are aligned with <paramref name="particles"/>.</summary>
    public static DistanceSummary Write(string outDir, int number, string pair, int[] particles, double[] truth, double[] predicted)
    {
        double r = Statistics.Pearson(predicted, truth);
        string csv = $"distance_{number}.csv", scatter = $"distance_{number}_scatter.png", hist = $"distance_{number}_histogram.png";
        AtomicFile.WriteText(Path.Combine(outDir, csv), w =>
        {
            w.WriteLine("index,true_A,predicted_A");
            for (int j = 0; j < particles.Length; j++)
                w.WriteLine($"{particles[j].ToString(Inv)},{truth[j].ToString("G7", Inv)},{predicted[j].ToString("G7", Inv)}");
        });
        var sp = EvaluationPlots.DistanceScatter(truth, predicted, pair, r);
        AtomicFile.Write(Path.Combine(outDir, scatter), st => st.Write(sp));
        var hp = EvaluationPlots.DistanceHistograms(truth, predicted, pair);
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
            Csv = csv,
            ScatterPng = scatter,
            HistogramPng = hist,
        };
    }
}
