namespace CryoSphere.Training;

/// <summary>
/// How many steps the KL(z) ramp — and with it the free nat and its fade (<see cref="LossWeights.FreeNats"/>) — lasts in a
/// new run whose <c>ramp_steps</c> is not configured, from the particles' estimated SNR (docs/training-defaults.md §23).
/// At an estimated particle SNR below <see cref="LongBelowSnr"/> (whole-image SNR 0.001: estimated 0.0017), where KL(z) is
/// priced about 20 times the default (<see cref="KlLatentChoice"/>), the latent collapsed with 1,500 steps on every seed:
/// the free nat had faded before the decoder had learned a motion worth its price. With 6,000 it kept the motion
/// (0.86 / 0.42 / 0.95 of the per-image ceiling at 20,000 images, 3 seeds). At SNR 0.01 (estimated 0.009–0.04) 1,500 steps reached
/// 0.95–1.09 of the ceiling. The same regime sets how long the plateau rule waits (<c>min_steps</c>, <see cref="MinStepsFor"/>,
/// docs/training-defaults.md §24): there the motion is learned after the fade, over tens of thousands of steps.
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

    /// <summary>Steps before the plateau rule may stop a run of most data (docs/training-defaults.md §6).</summary>
    public const int DefaultMinSteps = 3000;
    /// <summary>
    /// Steps before the plateau rule may stop a run at an estimated SNR below <see cref="LongBelowSnr"/>: the schedules'
    /// 12,000 and twice as long again on the settled objective. There the motion's latent regrows after the fade over
    /// tens of thousands of steps while the correlation moves by less than an epoch's noise, and its KL(z) can pause
    /// for a dozen epochs on the way (half-2dri-snr0.001 seed 1: flat from step 18,000 to 22,500, then up by half; 0.85 of the
    /// ceiling at 21,600 steps, 0.92 at 31,300; docs/training-defaults.md §24).
    /// </summary>
    public const int LongMinSteps = 36000;

    /// <summary><see cref="LongMinSteps"/> at an estimated SNR below <see cref="LongBelowSnr"/>, else (and when not measurable) <see cref="DefaultMinSteps"/>.</summary>
    public static int MinStepsFor(double estimatedSnr) => estimatedSnr < LongBelowSnr ? LongMinSteps : DefaultMinSteps;

    /// <summary>run.log's line for <see cref="MinStepsFor"/>'s answer.</summary>
    public static string WhyMinSteps(double estimatedSnr) => FormattableString.Invariant(
        $"plateau judged after {MinStepsFor(estimatedSnr)} steps at the least (estimated particle SNR {estimatedSnr:G3} {(estimatedSnr < LongBelowSnr ? "<" : "≥")} {LongBelowSnr:G2}; set min_steps to choose)");

    /// <summary>run.log's line for <see cref="For"/>'s answer.</summary>
    public static string Why(double estimatedSnr) => FormattableString.Invariant(
        $"KL(z) ramp and free nat {For(estimatedSnr)} steps each (estimated particle SNR {estimatedSnr:G3} {(estimatedSnr < LongBelowSnr ? "<" : "≥")} {LongBelowSnr:G2}; set ramp_steps to choose)");
}
