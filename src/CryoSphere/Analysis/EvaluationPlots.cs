using ScottPlot;

namespace CryoSphere.Analysis;

/// <summary>Figures of <c>cryosphere evaluate</c>, as PNG bytes.</summary>
public static class EvaluationPlots
{
    /// <summary>Predicted against true distance per particle, with the x = y line.</summary>
    public static byte[] DistanceScatter(double[] truth, double[] predicted, string pair, double r)
    {
        var plt = new Plot();
        var s = plt.Add.Scatter(truth, predicted);
        s.LineWidth = 0;
        s.MarkerSize = 3;
        s.Color = Colors.Gray.WithAlpha(0.5);
        s.LegendText = "particles";
        double lo = Math.Min(truth.Min(), predicted.Min()), hi = Math.Max(truth.Max(), predicted.Max());
        var line = plt.Add.Line(lo, lo, hi, hi);
        line.Color = Colors.Black;
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = "x = y";
        plt.XLabel("true distance (Å)");
        plt.YLabel("predicted distance (Å)");
        plt.Title($"{pair}: Pearson r = {r:F3}");
        plt.ShowLegend();
        return AnalysisPlots.Png(plt);
    }

    /// <summary>Histograms of predicted and true distances on the same bins.</summary>
    public static byte[] DistanceHistograms(double[] truth, double[] predicted, string pair, double[]? drawn = null)
    {
        var plt = new Plot();
        var all = drawn is null ? truth.Concat(predicted) : truth.Concat(predicted).Concat(drawn);
        var range = (all.Min(), all.Max());
        var palette = new ScottPlot.Palettes.Category10();
        AnalysisPlots.AddHistogram(plt, truth, 40, "true", palette.GetColor(0), range);
        AnalysisPlots.AddHistogram(plt, predicted, 40, "predicted (posterior means)", palette.GetColor(1), range);
        if (drawn is not null) AnalysisPlots.AddHistogram(plt, drawn, 40, "model's population (a posterior draw each)", palette.GetColor(2), range);
        plt.XLabel("distance (Å)");
        plt.YLabel("particles");
        plt.Title(pair);
        plt.ShowLegend();
        return AnalysisPlots.Png(plt);
    }
}
