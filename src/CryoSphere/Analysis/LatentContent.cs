using System.Globalization;

namespace CryoSphere.Analysis;

/// <summary>
/// What the latent holds, told to the user beside the PCs: the particles' mean KL(z) to the prior at the analysed epoch
/// (training's own measure, nats per particle) and how far each PC traversal moves the structure. A latent whose
/// posteriors are the prior still has principal components (of tiny means), and traversals and clusters are made
/// from them; without this a collapsed latent reads like a found motion (docs/training-defaults.md §23).
/// </summary>
public static class LatentContent
{
    /// <summary>
    /// Nats per particle below which the posteriors are taken for the prior. Collapsed runs held 3–7·10⁻⁵ (half-2dri-snr0.001,
    /// 3 seeds); a latent that had found the motion at that SNR (r 0.20, 0.8 of the per-image ceiling) held 0.009.
    /// </summary>
    public const double EmptyBelowNats = 0.001;

    /// <summary>The training's KL(z) at <paramref name="epoch"/> (the last row when null or absent); null without that column.</summary>
    public static double? KlAt(IReadOnlyList<Dictionary<string, double>> metrics, int? epoch)
    {
        var row = metrics.LastOrDefault(r => epoch is { } e && r.GetValueOrDefault("epoch") == e) ?? metrics.LastOrDefault();
        return row is not null && row.TryGetValue("kl_latent", out double kl) ? kl : null;
    }

    /// <summary>The note for an empty latent; null when it holds something (or nothing was measured).</summary>
    public static string? EmptyNote(double? klNats, int? epoch, IReadOnlyList<double> traversalRmsd)
    {
        if (klNats is not { } kl || !(kl < EmptyBelowNats)) return null;
        var inv = CultureInfo.InvariantCulture;
        string span = traversalRmsd.Count > 0 ? string.Format(inv, " (PC1's traversal spans {0:F2} Å Cα RMSD)", traversalRmsd[0]) : "";
        return string.Format(inv,
            "the latent holds {0:F3} nats per particle at epoch {1} (KL(z), metrics.csv): the particles' posteriors are the prior, so training found no motion these data determine; the PCs, traversals{2} and clusters are noise. At low SNR more particles can make a motion determinable (docs/training-defaults.md §22–§23)",
            kl, epoch?.ToString(inv) ?? "?", span);
    }

    /// <summary>Per traversal, the Cα RMSD between its first and last structures (no superposition: the decoder's own frame).</summary>
    public static double TraversalSpan(ReadOnlySpan<float> coords, int steps, int residues)
    {
        int per = 3 * residues;
        return Statistics.Rmsd(coords[..per], coords.Slice((steps - 1) * per, per));
    }
}
