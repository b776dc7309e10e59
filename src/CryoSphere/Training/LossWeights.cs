using CryoSphere.Model;

namespace CryoSphere.Training;

/// <summary>The β of every loss term at one moment of training, from the options' schedules.</summary>
public sealed record LossWeights(double KlLatent, double KlSegMean, double KlSegStd, double KlSegProportions,
    double Continuity, double Clash, double L2)
{
    /// <summary>Default KL(z) weight per nat is this over N² (N = the side of the images the model sees).</summary>
    public const double KlLatentPerPixel = 4.0;

    /// <summary>Weights at <paramref name="epoch"/> (0-based) plus <paramref name="progress"/> ∈ [0, 1] of it.</summary>
    public static LossWeights At(TrainingBudget budget, int imageSide, int epoch, double progress)
    {
        var o = budget.Options;
        double V(LossTermOptions t, double fallback)
        {
            var kind = BetaSchedule.ParseKind(t.Schedule);
            // A linear ramp without M lasts RampSteps optimiser steps, whatever the dataset's size (TrainingBudget).
            double? m = t.M ?? (kind == ScheduleKind.Linear ? budget.RampEpochs : null);
            return new BetaSchedule(kind, t.Beta ?? fallback, o.Epochs, m, t.R).Value(epoch, progress);
        }
        // KL(z) per nat against a correlation in [−1, 1]: 4/N² (docs/training-defaults.md); 8/N² collapsed the latent.
        double klDefault = KlLatentPerPixel / ((double)imageSide * imageSide);
        return new LossWeights(V(o.KlLatent, klDefault), V(o.KlSegmentationMean, 1e-5), V(o.KlSegmentationStd, 1e-5),
            V(o.KlSegmentationProportions, 1e-5), V(o.Continuity, 0), V(o.Clash, 0), V(o.L2, 0));
    }
}
