namespace CryoSphere.Training;

/// <summary>
/// What segments turn about when <c>segment_rotation_centre</c> is not configured, from what the encoder reads
/// (docs/training-defaults.md §20–§21). With forces (SNR ≥ 0.06): about their own centroids, which let Cas9's HNH, 41 Å
/// from the box centre, be learned (0.53 → 0.95 of its ceiling) and the complex's moving chain (0.25 → 0.99), the small
/// members unchanged. With the image (below): about the box centre, as measured before — at SNR 0.01 about the centroids
/// the latent fitted the noise in two directions and the plateau rule never stopped it (half-2dri-snr0.01 seed 3: 0.42
/// of its ceiling at epoch 264, about the box centre 0.94).
/// </summary>
public static class SegmentRotationCentreChoice
{
    /// <summary>Centroid with forces for input, origin with the image.</summary>
    public static string For(string encoderInput) =>
        encoderInput == TrainOptions.EncoderInputForces ? TrainOptions.RotationAboutCentroid : TrainOptions.RotationAboutOrigin;

    /// <summary>The configured centre, or <see cref="For"/> what the encoder reads as configured (a model built outside a run).</summary>
    public static string Resolve(TrainOptions o) => o.SegmentRotationCentre ?? For(EncoderInputChoice.Unresolved(o.EncoderInput));

    /// <summary>run.log's reason for <see cref="For"/>'s answer.</summary>
    public static string Why(string encoderInput) => encoderInput == TrainOptions.EncoderInputForces
        ? "the encoder reads forces"
        : "the encoder reads the image: about the centroids its latent fitted the noise at SNR 0.01";
}
