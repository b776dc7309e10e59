namespace CryoSphere.Training;

/// <summary>
/// Whether a new run whose <c>latent_noise_warmup</c> is not configured uses the warm-up, from the particles' estimated
/// SNR (docs/training-defaults.md §11). At SNR 0.1 it let a second, weaker motion into the latent (two hinges: NMP 0.05 →
/// 0.88 of its ceiling, 3 seeds) and held every one-motion member; at SNR 0.01 the decoder, fed exact means while KL(z)
/// ramped in, learned the particles' noise through them: KL(z) climbed to 7.9 nats, the training correlation never
/// plateaued (224 epochs) and |r(PC1)| fell from 0.60 to 0.46. The line is the one below which the encoder's input is
/// cropped (<see cref="EncoderInputSide.CropBelowSnr"/>): where fine detail is mostly noise, so is what a noiseless latent fits.
/// </summary>
public static class LatentNoiseWarmupChoice
{
    /// <summary>On at an estimated particle SNR ≥ <see cref="EncoderInputSide.CropBelowSnr"/> (and when it is not measurable: NaN).</summary>
    public static bool FromSnr(double estimatedSnr) => !(estimatedSnr < EncoderInputSide.CropBelowSnr);
}
