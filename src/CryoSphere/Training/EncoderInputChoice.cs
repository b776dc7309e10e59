namespace CryoSphere.Training;

/// <summary>
/// What the encoder of a new run whose <c>encoder_input</c> is not configured reads, from the particles' estimated SNR
/// (docs/training-defaults.md §18–§19): forces (<see cref="TrainOptions.EncoderInputForces"/>) at an SNR ≥
/// <see cref="ForcesFromSnr"/>, the image below it. At SNR 0.1 (estimated 0.08), with no latent noise warm-up
/// (<see cref="LatentNoiseWarmupChoice"/>), forces matched or beat pixels on the panel (the half-chain bundles 0.93 →
/// 0.98 of the ceiling, two hinges 0.94 / 0.97 → 0.98 / 0.99) and learned weak motions in half the epochs. They are the
/// data's pull on the base structure, linear in the noise, and at lower SNR the latent carried that noise too: at an
/// estimated 0.04 (whole-image SNR 0.01) |r| was 0.96 of the ceiling but the latent spread over three directions and
/// the training correlation crept on to the 400-epoch cap (the image: 0.92 at epoch 58); at 0.001 its variance spread
/// evenly over four dimensions, PC1 swung between 0.04 and 0.15 (ceiling 0.25; the cropped image 0.14) and the
/// segmentation was 0.85. The line lies between those two estimates.
/// </summary>
public static class EncoderInputChoice
{
    /// <summary>Estimated particle SNR from which a new run's encoder reads forces (0.078–0.082 at the panel's SNR 0.1; 0.040–0.047 at its whole-image 0.01).</summary>
    public const double ForcesFromSnr = 0.06;

    /// <summary>
    /// What a setup or model made outside a run reads when nothing is configured (a run resolves it first and writes it to
    /// config.yaml): forces, the choice at the SNR of most data.
    /// </summary>
    public static string Unresolved(string? configured) => configured ?? TrainOptions.EncoderInputForces;

    /// <summary>Forces at an estimated particle SNR ≥ <see cref="ForcesFromSnr"/> (and when it is not measurable: NaN), else image.</summary>
    public static string FromSnr(double estimatedSnr) =>
        !(estimatedSnr < ForcesFromSnr) ? TrainOptions.EncoderInputForces : TrainOptions.EncoderInputImage;
}
