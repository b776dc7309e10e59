namespace CryoSphere.Training;

/// <summary>
/// What the encoder of a new run whose <c>encoder_input</c> is not configured reads, from the particles' estimated SNR
/// (docs/training-defaults.md §18–§19): forces (<see cref="TrainOptions.EncoderInputForces"/>) at an SNR ≥
/// <see cref="EncoderInputSide.CropBelowSnr"/>, the image below it. At SNR 0.1, with no latent noise warm-up
/// (<see cref="LatentNoiseWarmupChoice"/>), forces matched or beat pixels on the panel (the half-chain bundles 0.93 →
/// 0.98 of the ceiling, two hinges 0.94 / 0.97 → 0.98 / 0.99) and learned weak motions in half the epochs. They are the
/// data's pull on the base structure, linear in the noise, and at low SNR the latent carried that noise too: at SNR
/// 0.001 its variance spread evenly over four dimensions, so |r| of PC1 swung between 0.04 and 0.15 (ceiling 0.25; the
/// cropped image 0.14) and the segmentation was 0.85; at 0.01 the segmentation fell to 0.915 (image 0.982). The line is
/// the one of the crop.
/// </summary>
public static class EncoderInputChoice
{
    /// <summary>Forces at an estimated particle SNR ≥ <see cref="EncoderInputSide.CropBelowSnr"/> (and when it is not measurable: NaN), else image.</summary>
    public static string FromSnr(double estimatedSnr) =>
        !(estimatedSnr < EncoderInputSide.CropBelowSnr) ? TrainOptions.EncoderInputForces : TrainOptions.EncoderInputImage;
}
