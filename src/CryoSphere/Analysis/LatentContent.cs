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

    /// <summary>
    /// Per PC (the first <paramref name="pcs"/>), how much of a particle's position along it its image determines: the
    /// variance of the posterior means along the PC over that plus the mean posterior variance along it, ρ² in [0, 1]
    /// (1: the images fix each particle's coordinate; 0: the posteriors are the prior). Where ρ² is well below 1 the
    /// posterior means are drawn towards the centre and the decoder, trained on posterior draws, learns a motion smaller
    /// than the true one: read as a linear-Gaussian model, a particle's structure shows ρ² of its motion and the
    /// population of draws ρ. Measured (`evaluate --distance`, distance spread over the means / the draws / the truth):
    /// half-2dri ρ² 0.97: 2.96 / 3.05 / 2.99 Å; lid at whole-image SNR 0.01 ρ² 0.82: 2.58 / 2.73 / 2.95; half-2dri-snr0.01
    /// ρ² 0.46: 1.43 / 2.00 / 2.99 (the model's 0.46 / 0.68); at SNR 0.001, ρ² 0.03: 0.37 / 1.35 / 2.97, where the
    /// model's ratio no longer holds (docs/training-defaults.md §24), so no amplitude is extrapolated from it.
    /// </summary>
    public static double[] Determination(Pca pca, float[] sd, int n, int pcs)
    {
        int d = pca.Dim;
        var r = new double[pcs];
        for (int c = 0; c < pcs; c++)
        {
            double posterior = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < d; j++)
                {
                    double v = pca.Components[c * d + j] * sd[i * d + j];
                    posterior += v * v;
                }
            posterior /= n;
            double means = pca.ExplainedVariance[c];
            r[c] = means + posterior > 0 ? means / (means + posterior) : 0;
        }
        return r;
    }

    /// <summary>The note for a PC1 that the images determine weakly (ρ² below <see cref="WeaklyDeterminedBelow"/>); null otherwise.</summary>
    public static string? ShrinkageNote(double[]? determination, IReadOnlyList<double> traversalRmsd)
    {
        if (determination is not { Length: > 0 } rho2 || !(rho2[0] < WeaklyDeterminedBelow)) return null;
        var inv = CultureInfo.InvariantCulture;
        string span = traversalRmsd.Count > 0 ? string.Format(inv, " (it spans {0:F2} Å)", traversalRmsd[0]) : "";
        return string.Format(inv,
            "the images determine PC1 weakly per particle (ρ² {0:F2}): each particle's structure (its posterior mean) is drawn towards the centre, and even the traversal over the model's population{1} understates the motion (a half-chain hinge at ρ² 0.46: distance spread 1.4 Å over the particles' structures, 2.0 over the population, 3.0 true); read amplitudes as lower bounds, the direction and the particles' order as found (docs/training-defaults.md §24)",
            rho2[0], span);
    }

    /// <summary>ρ² below which <see cref="ShrinkageNote"/> speaks: amplitudes under 0.8 of the motion's.</summary>
    public const double WeaklyDeterminedBelow = 0.64;

    /// <summary>Per traversal, the Cα RMSD between its first and last structures (no superposition: the decoder's own frame).</summary>
    public static double TraversalSpan(ReadOnlySpan<float> coords, int steps, int residues)
    {
        int per = 3 * residues;
        return Statistics.Rmsd(coords[..per], coords.Slice((steps - 1) * per, per));
    }
}
