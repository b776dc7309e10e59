namespace CryoSphere.Training;

/// <summary>
/// The side of the encoder's input when the configuration does not set one: the model's images Fourier-cropped
/// to about <see cref="PixelAngstrom"/> Å per pixel (Nyquist 8 Å), never below <see cref="MinSide"/> pixels and never
/// above the model's side. Domain motions are visible at 8 Å, while finer frequencies carry mostly noise at the
/// SNRs of real particles: on the validation panel (docs/training-defaults.md §7) the cropped input gave the same
/// or better |r| at SNR 0.1 and closed most of the gap to the ceiling at SNR 0.01, and the encoder's first layer
/// (the largest product of the step) is 4× smaller at 64 px, 2 Å/px.
/// </summary>
public static class EncoderInputSide
{
    /// <summary>Target pixel size of the encoder's input, Å.</summary>
    public const double PixelAngstrom = 4.0;
    /// <summary>Smallest default side, pixels (small boxes keep enough pixels across the particle).</summary>
    public const int MinSide = 32;

    /// <summary>The default side for a model grid of <paramref name="side"/> pixels of <paramref name="apix"/> Å.</summary>
    public static int Default(int side, double apix)
    {
        int even = 2 * (int)Math.Round(side * apix / PixelAngstrom / 2, MidpointRounding.AwayFromZero);
        return Math.Min(side, Math.Max(MinSide, even));
    }

    /// <summary>The side used: the configured one (capped at the model's side) or <see cref="Default"/>.</summary>
    public static int Resolve(int? configured, int side, double apix) =>
        configured is { } c ? Math.Min(c, side) : Default(side, apix);
}
