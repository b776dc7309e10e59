namespace CryoSphere.Training;

/// <summary>
/// Whether a new run whose <c>latent_noise_warmup</c> is not configured uses the warm-up, from what the encoder reads and
/// the particles' estimated SNR (docs/training-defaults.md §11, §18, §19).
/// With the image for input: on at SNR 0.1, where it let a second, weaker motion into the latent (two hinges: NMP 0.05 →
/// 0.88 of its ceiling, 3 seeds) and held every one-motion member; off at SNR 0.01, where the decoder, fed exact means
/// while KL(z) ramped in, learned the particles' noise through them (KL(z) 7.9 nats, no plateau in 224 epochs, |r(PC1)|
/// 0.60 → 0.46). The line is the one below which the encoder's input is cropped (<see cref="EncoderInputSide.CropBelowSnr"/>).
/// With forces for input: always off. A forces encoder reads the data's pull on every residue and, while the decoder
/// reads noiseless means, puts per-particle detail into all eight dimensions (the lid data: KL(z) 4.3 nats by epoch 60
/// against 2.1, no plateau by epoch 272 against 99); it needs no warm-up for the weak motion (two hinges' NMP 0.99 of
/// its ceiling without it, at epoch 79).
/// </summary>
public static class LatentNoiseWarmupChoice
{
    /// <summary>Off with forces for input; with the image, on at an estimated particle SNR ≥ <see cref="EncoderInputSide.CropBelowSnr"/> (and when it is not measurable: NaN).</summary>
    public static bool For(string encoderInput, double estimatedSnr) =>
        encoderInput != TrainOptions.EncoderInputForces && !(estimatedSnr < EncoderInputSide.CropBelowSnr);

    /// <summary>run.log's reason for <see cref="For"/>'s answer.</summary>
    public static string Why(string encoderInput, double estimatedSnr) => encoderInput == TrainOptions.EncoderInputForces
        ? "the encoder reads forces: with the warm-up their latent takes per-particle detail into every dimension"
        : FormattableString.Invariant($"estimated particle SNR {estimatedSnr:G3} {(For(encoderInput, estimatedSnr) ? "≥" : "<")} {EncoderInputSide.CropBelowSnr:G2}");
}
