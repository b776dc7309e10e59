namespace CryoSphere.Training;

/// <summary>
/// The side of the encoder's input: the configured <c>encoder_npix</c> (capped at the model's side), else the model's
/// side. Fourier-cropping the encoder's input to ~4 Å/px helped at SNR 0.01 on the validation panel but slowed the
/// short runs (the quick demo's 720 steps), so it is not the default yet (docs/training-defaults.md §7).
/// </summary>
public static class EncoderInputSide
{
    /// <summary>The side used: the configured one (capped at the model's side) or the model's side.</summary>
    public static int Resolve(int? configured, int side) => configured is { } c ? Math.Min(c, side) : side;
}
