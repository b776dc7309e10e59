namespace CryoSphere.Training;

/// <summary>
/// How many steps the KL(z) ramp — and with it the free nat and its fade (<see cref="LossWeights.FreeNats"/>) — lasts in a
/// new run whose <c>ramp_steps</c> is not configured, from the particles' estimated SNR (docs/training-defaults.md §23).
/// At an estimated particle SNR below <see cref="LongBelowSnr"/> (whole-image SNR 0.001: estimated 0.0017), where KL(z) is
/// priced about 20 times the default (<see cref="KlLatentChoice"/>), the latent collapsed with 1,500 steps on every seed:
/// the free nat had faded before the decoder had learned a motion worth its price. With 6,000 it kept the motion
/// (0.86 / 0.42 / 0.95 of the per-image ceiling at 20,000 images, 3 seeds). At SNR 0.01 (estimated 0.009–0.04) 1,500 steps reached
/// 0.95–1.09 of the ceiling.
/// </summary>
public static class RampStepsChoice
{
    /// <summary>The ramp of most data (docs/training-defaults.md §6).</summary>
    public const int Default = 1500;
    /// <summary>The ramp at an estimated SNR below <see cref="LongBelowSnr"/>.</summary>
    public const int Long = 6000;
    /// <summary>Estimated particle SNR below which the ramp is <see cref="Long"/>: between 0.0017 (whole-image SNR 0.001) and 0.009 (particle SNR 0.01).</summary>
    public const double LongBelowSnr = 0.004;

    /// <summary><see cref="Long"/> at an estimated SNR below <see cref="LongBelowSnr"/>, else (and when not measurable: NaN) <see cref="Default"/>.</summary>
    public static int For(double estimatedSnr) => estimatedSnr < LongBelowSnr ? Long : Default;

    /// <summary>run.log's line for <see cref="For"/>'s answer.</summary>
    public static string Why(double estimatedSnr) => FormattableString.Invariant(
        $"KL(z) ramp and free nat {For(estimatedSnr)} steps each (estimated particle SNR {estimatedSnr:G3} {(estimatedSnr < LongBelowSnr ? "<" : "≥")} {LongBelowSnr:G2}; set ramp_steps to choose)");
}
