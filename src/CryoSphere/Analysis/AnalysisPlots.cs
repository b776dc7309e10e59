using ScottPlot;

namespace CryoSphere.Analysis;

/// <summary>The analysis figures, each returned as PNG bytes (so the caller writes them atomically and can embed them).</summary>
public static class AnalysisPlots
{
    private const int Width = 800, Height = 600;
    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    /// <summary>Particles on PC1/PC2 (or a histogram of PC1 for a 1-D latent space) with the traversal points.</summary>
    public static byte[] LatentPca(double[] pcs, int n, int dim, IReadOnlyList<double[]> traversals, double[] ratio)
    {
        var plt = new Plot();
        if (dim >= 2)
        {
            var xs = new double[n];
            var ys = new double[n];
            for (int i = 0; i < n; i++) { xs[i] = pcs[i * dim]; ys[i] = pcs[i * dim + 1]; }
            var s = plt.Add.Scatter(xs, ys);
            s.LineWidth = 0;
            s.MarkerSize = 3;
            s.Color = Colors.Gray.WithAlpha(0.35);
            s.LegendText = "particles";
            for (int k = 0; k < Math.Min(2, traversals.Count); k++)
            {
                var along = traversals[k];
                var zero = new double[along.Length];
                var t = k == 0 ? plt.Add.Scatter(along, zero) : plt.Add.Scatter(zero, along);
                t.MarkerSize = 8;
                t.Color = Palette.GetColor(k);
                t.LegendText = $"PC{k + 1} traversal";
            }
            plt.XLabel($"PC1 ({ratio[0]:P1})");
            plt.YLabel($"PC2 ({ratio[1]:P1})");
        }
        else
        {
            var v = Enumerable.Range(0, n).Select(i => pcs[i * dim]).ToArray();
            AddHistogram(plt, v, 40, "particles", Colors.Gray);
            if (traversals.Count > 0)
            {
                var t = plt.Add.Scatter(traversals[0], new double[traversals[0].Length]);
                t.MarkerSize = 8;
                t.Color = Palette.GetColor(0);
                t.LegendText = "PC1 traversal";
            }
            plt.XLabel("PC1");
            plt.YLabel("particles");
        }
        plt.ShowLegend();
        plt.Title("Latent space (PCA of latent means)");
        return Png(plt);
    }

    public static byte[] ExplainedVariance(double[] ratio)
    {
        var plt = new Plot();
        var xs = Enumerable.Range(1, ratio.Length).Select(i => (double)i).ToArray();
        var s = plt.Add.Scatter(xs, ratio);
        s.MarkerSize = 8;
        var cum = new double[ratio.Length];
        for (int i = 0; i < ratio.Length; i++) cum[i] = ratio[i] + (i > 0 ? cum[i - 1] : 0);
        var c = plt.Add.Scatter(xs, cum);
        c.LegendText = "cumulative";
        s.LegendText = "per PC";
        plt.ShowLegend();
        plt.XLabel("principal component");
        plt.YLabel("explained variance ratio");
        plt.Title("Explained variance");
        return Png(plt);
    }

    /// <summary>Membership of each segment along the residues (posterior means).</summary>
    public static byte[] Segmentation(float[] g, int residues, int k)
    {
        var plt = new Plot();
        var xs = Enumerable.Range(1, residues).Select(i => (double)i).ToArray();
        for (int j = 0; j < k; j++)
        {
            var ys = Enumerable.Range(0, residues).Select(r => (double)g[r * k + j]).ToArray();
            var s = plt.Add.Scatter(xs, ys);
            s.MarkerSize = 0;
            s.LineWidth = 2;
            s.Color = Palette.GetColor(j);
            s.LegendText = $"segment {j + 1}";
        }
        plt.ShowLegend();
        plt.XLabel("residue (order in the structure)");
        plt.YLabel("membership");
        plt.Title("Segmentation along the chain");
        return Png(plt);
    }

    /// <summary>One metric per epoch; with <c>second</c>, a second series on the same axes, with its and the first's legend
    /// labels (held-out beside training).</summary>
    public static byte[] Curve(double[] xs, double[] ys, string xLabel, string yLabel, string title, (double[] Ys, string Label, string FirstLabel)? second = null)
    {
        var plt = new Plot();
        var s = plt.Add.Scatter(xs, ys);
        s.MarkerSize = 6;
        if (second is { } two)
        {
            s.LegendText = two.FirstLabel;
            var h = plt.Add.Scatter(xs, two.Ys);
            h.MarkerSize = 6;
            h.LegendText = two.Label;
            plt.ShowLegend();
        }
        plt.XLabel(xLabel);
        plt.YLabel(yLabel);
        plt.Title(title);
        return Png(plt);
    }

    /// <summary>FSC curve (mean, with mean ± sd when given) against spatial frequency, with the 0.5 and 0.143 thresholds.</summary>
    public static byte[] FscCurve(double[] freq, double[] mean, double[]? sd = null)
    {
        var plt = new Plot();
        var m = plt.Add.Scatter(freq, mean);
        m.LegendText = "FSC";
        m.LineWidth = 2;
        if (sd is not null)
            foreach (int sign in new[] { 1, -1 })
            {
                var b = plt.Add.Scatter(freq, mean.Select((v, i) => v + sign * sd[i]).ToArray());
                b.MarkerSize = 0;
                b.Color = Colors.Gray;
                b.LegendText = sign > 0 ? "± sd" : "";
            }
        foreach (var (t, j) in new[] { (0.5, 1), (0.143, 2) })
        {
            var h = plt.Add.Scatter(new[] { freq[0], freq[^1] }, new[] { t, t });
            h.MarkerSize = 0;
            h.Color = Palette.GetColor(j);
            h.LegendText = t.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        plt.ShowLegend();
        plt.XLabel("spatial frequency (1/Å)");
        plt.YLabel("FSC");
        plt.Title("Fourier shell correlation");
        return Png(plt);
    }

    /// <summary>Histograms (as outlines) of one quantity per segment.</summary>
    public static byte[] PerSegmentHistograms(IReadOnlyList<double[]> perSegment, string xLabel, string title)
    {
        var plt = new Plot();
        for (int j = 0; j < perSegment.Count; j++) AddHistogram(plt, perSegment[j], 40, $"segment {j + 1}", Palette.GetColor(j));
        plt.ShowLegend();
        plt.XLabel(xLabel);
        plt.YLabel("particles");
        plt.Title(title);
        return Png(plt);
    }

    /// <summary>A step-line histogram; <paramref name="range"/> shares bins between overlaid histograms (default: v's own range).</summary>
    internal static void AddHistogram(Plot plt, double[] v, int bins, string label, Color color, (double Lo, double Hi)? range = null)
    {
        if (v.Length == 0) return;
        double lo = range?.Lo ?? v.Min(), hi = range?.Hi ?? v.Max();
        if (!(hi > lo)) { hi = lo + 1e-6; lo -= 1e-6; }
        double w = (hi - lo) / bins;
        var counts = new double[bins];
        foreach (var x in v) counts[Math.Clamp((int)((x - lo) / w), 0, bins - 1)]++;
        var xs = new double[2 * bins + 2];
        var ys = new double[2 * bins + 2];
        xs[0] = lo;
        for (int b = 0; b < bins; b++)
        {
            xs[2 * b + 1] = lo + b * w;
            ys[2 * b + 1] = counts[b];
            xs[2 * b + 2] = lo + (b + 1) * w;
            ys[2 * b + 2] = counts[b];
        }
        xs[^1] = hi;
        var s = plt.Add.Scatter(xs, ys);
        s.MarkerSize = 0;
        s.LineWidth = 2;
        s.Color = color;
        s.LegendText = label;
    }

    internal static byte[] Png(Plot plt) => plt.GetImage(Width, Height).GetImageBytes(ImageFormat.Png, 100);
}
