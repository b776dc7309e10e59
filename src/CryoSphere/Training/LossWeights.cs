using CryoSphere.Model;

namespace CryoSphere.Training;

/// <summary>The β of every loss term at one moment of training, from the options' schedules.</summary>
public sealed record LossWeights(double KlLatent, double KlSegMean, double KlSegStd, double KlSegProportions,
    double Continuity, double Clash, double L2)
{
    /// <summary>Default KL(z) weight per nat is this over N² (N = the side of the images the model sees).</summary>
    public const double KlLatentPerPixel = 4.0;

    public static LossWeights At(TrainOptions o, int imageSide, int epoch, double progress)
    {
        double V(LossTermOptions t, double fallback)
        {
            var kind = BetaSchedule.ParseKind(t.Schedule);
            return new BetaSchedule(kind, t.Beta ?? fallback, o.Epochs, t.M, t.R).Value(epoch, progress);
        }
        // KL(z) per nat against a correlation in [−1, 1]: 4/N² (docs/training-defaults.md); 8/N² collapsed the latent.
        double klDefault = KlLatentPerPixel / ((double)imageSide * imageSide);
        return new LossWeights(V(o.KlLatent, klDefault), V(o.KlSegmentationMean, 1e-5), V(o.KlSegmentationStd, 1e-5),
            V(o.KlSegmentationProportions, 1e-5), V(o.Continuity, 0), V(o.Clash, 0), V(o.L2, 0));
    }
}
