namespace CryoSphere.Training;

/// <summary>
/// The KL(z) weight of a new run whose <c>KL_prior_latent</c> has no β, from the data (docs/training-defaults.md §22–§23).
/// Read as a Gaussian likelihood with each image's scale fitted, an image costs (M/2)(1 − ρ²) nats over the M pixels of
/// the loss mask, so raising its correlation by dρ is worth M·ρ·dρ nats, and the weight at which one nat of latent costs
/// what it buys is 1/(M·ρ̄), ρ̄ the images' correlation with the model: 1/(π·ρ̄) times the default 4/N² for the disc
/// mask. At low SNR the default's nat is far cheaper than that and buys each particle's own noise (half-2dri-snr0.01:
/// 0.89 of the ceiling; the lid at whole-image SNR 0.01 ran to its epoch cap over seven latent directions); priced, the
/// latent kept the motion alone (1.03–1.09; 0.95–0.99, stopping by itself at 70–81 epochs; 3 seeds each). At SNR 0.1 the default's cheaper nat is what lets a
/// weak motion in while the decoder learns it (nmp-1ake: 0.99 of the ceiling, priced 0.91), so there it stays. The
/// line is the one the encoder's input changes at (<see cref="EncoderInputChoice.ForcesFromSnr"/>), ρ̄ is measured
/// against the base structure (a lower bound, as the SNR is).
/// </summary>
public static class KlLatentChoice
{
    /// <summary>
    /// The priced weight 1/(M·ρ̄) at an estimated particle SNR below <see cref="EncoderInputChoice.ForcesFromSnr"/> when it
    /// exceeds the default (<see cref="TrainOptions.KlLatentPerPixel"/>/N²); otherwise null: the default. Null too when
    /// the SNR or ρ̄ is not measurable or ρ̄ ≤ 0.
    /// </summary>
    public static double? Priced(SignalEstimate.Measured m, int imageSide)
    {
        if (!(m.ParticleSnr < EncoderInputChoice.ForcesFromSnr) || !(m.BaseCorrelation > 0) || !(m.LossPixels > 0)) return null;
        double priced = 1 / (m.LossPixels * m.BaseCorrelation);
        return priced > Default(imageSide) ? priced : null;
    }

    /// <summary>The default weight per nat: <see cref="TrainOptions.KlLatentPerPixel"/> over the images' pixel count.</summary>
    public static double Default(int imageSide) => TrainOptions.KlLatentPerPixel / ((double)imageSide * imageSide);

    /// <summary>run.log's line for <see cref="Priced"/>'s answer.</summary>
    public static string Why(SignalEstimate.Measured m, int imageSide)
    {
        double d = Default(imageSide);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string measured = string.Format(inv, "images' correlation with the base structure ρ̄ {0:G3} over {1:F0} loss pixels, estimated particle SNR {2:G3}",
            m.BaseCorrelation, m.LossPixels, m.ParticleSnr);
        return Priced(m, imageSide) is { } p
            ? string.Format(inv, "KL(z) weight {0:G3} per nat = 1/(M·ρ̄), {1:F1} × the default {2:G3}: the images' likelihood prices a nat so at SNR < {3:G2} ({4}; set KL_prior_latent's beta to choose)",
                p, p / d, d, EncoderInputChoice.ForcesFromSnr, measured)
            : string.Format(inv, "KL(z) weight {0:G3} per nat = {1}/N² ({2}; set KL_prior_latent's beta to choose)", d, TrainOptions.KlLatentPerPixel, measured);
    }
}
