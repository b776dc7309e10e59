namespace CryoSphere.Training;

/// <summary>
/// Whether a new run's plateau rule also waits for the latent's KL(z) to stop growing (<see cref="TrainOptions.PlateauLatentGrowth"/>),
/// when <c>plateau_latent_growth</c> is not configured (docs/training-defaults.md §24). Where KL(z) is priced by the
/// images' likelihood (<see cref="KlLatentChoice"/>), a nat of latent is kept only when it buys as much correlation as it
/// costs, so a KL(z) that still grows is the motion still being learned — at whole-image SNR 0.001 it regrows slowly
/// after the free nat's fade while the correlation moves by less than an epoch's noise, and the correlation alone
/// stopped seed 2 at 0.42 of the ceiling (0.55 thirty epochs on). At the default, cheaper weight KL(z) also grows by
/// buying particles' noise (lid-1ake-image-snr0.01 at the default weight: still growing at 5.3 nats after 119 epochs),
/// so there it is not judged.
/// </summary>
public static class PlateauLatentGrowthChoice
{
    /// <summary>The growth over the last quarter below which the latent counts as settled: above an epoch-window's noise.</summary>
    public const double Judged = 0.1;

    /// <summary><see cref="Judged"/> when KL(z) is priced by the likelihood, else 0 (not judged).</summary>
    public static double For(bool klPriced) => klPriced ? Judged : 0;

    /// <summary>run.log's line for <see cref="For"/>'s answer.</summary>
    public static string Why(bool klPriced) => klPriced
        ? FormattableString.Invariant($"plateau waits while KL(z) still grows by more than {Judged * 100:F0}% over the last quarter (KL(z) priced by the likelihood: its growth is content; set plateau_latent_growth to choose)")
        : "plateau judged on the correlation alone (KL(z) at the default weight; set plateau_latent_growth to choose)";
}
