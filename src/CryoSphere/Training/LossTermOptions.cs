namespace CryoSphere.Training;

/// <summary>How one loss term's weight β evolves over training (method.md §6).</summary>
/// <param name="Schedule">"constant", "linear" (0 → β over M epochs) or "cyclical" (M cycles, ramp over the first R of each).</param>
/// <param name="Beta">Final/constant weight; null means "the term's own default" (KL(z): chosen from the data by a new run, <see cref="KlLatentChoice"/>).</param>
/// <param name="M">Epochs of the linear ramp, or number of cycles; null = half the epochs (linear) or 4 cycles.</param>
/// <param name="R">Fraction of each cycle spent ramping (cyclical only).</param>
public sealed record LossTermOptions(string Schedule, double? Beta, double? M = null, double R = 0.5)
{
    /// <summary>A term that is switched off.</summary>
    public static LossTermOptions Off => new("constant", 0.0);
}
