namespace CryoSphere.Training;

/// <summary>
/// The side of the encoder's input. A configured <c>encoder_npix</c> wins (capped at the model's side). Otherwise a
/// new run chooses from the data: at an estimated particle SNR below <see cref="CropBelowSnr"/> the encoder sees the
/// images Fourier-cropped to about <see cref="CropApix"/> Å/px, else the model's whole image. Measured on the
/// validation panel (docs/training-defaults.md §7–§8): at SNR 0.01 the crop raised |r| from 0.88 to 0.95 of the
/// ceiling (3 seeds); at SNR 0.1 it gained nothing with a full budget and slowed short runs (the quick demo's 720
/// steps: r 0.78 vs 0.84), because the detail it removes still carries signal there.
/// </summary>
public static class EncoderInputSide
{
    /// <summary>Estimated particle SNR (signal variance in the particle's disc over noise variance) below which the encoder's input is cropped.</summary>
    public const double CropBelowSnr = 0.03;

    /// <summary>Pixel size, Å, of the cropped encoder input.</summary>
    public const double CropApix = 4.0;

    /// <summary>The configured side (capped at the model's side) or, when none is configured, the model's side (runs older than the data-chosen default).</summary>
    public static int Resolve(int? configured, int side) => configured is { } c ? Math.Min(c, side) : side;

    /// <summary>
    /// The data-chosen side for a model side <paramref name="side"/> px at <paramref name="apix"/> Å/px: the whole
    /// image at SNR ≥ <see cref="CropBelowSnr"/>, else an even side giving about <see cref="CropApix"/> Å/px (at
    /// least 16 px, at most the model's side).
    /// </summary>
    public static int FromSnr(int side, double apix, double estimatedSnr)
    {
        if (!(estimatedSnr < CropBelowSnr)) return side;   // NaN (nothing measurable) keeps the whole image
        int even = 2 * (int)Math.Round(side * apix / CropApix / 2);
        return Math.Clamp(even, Math.Min(16, side), side);
    }
}
