using CryoSphere.Model;

namespace CryoSphere.Training;

/// <summary>The β of every loss term at one moment of training, from the options' schedules.</summary>
public sealed record LossWeights(double KlLatent, double KlSegMean, double KlSegStd, double KlSegProportions,
    double Continuity, double Clash, double L2)
{
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
        // A term without β takes the default's β (TrainOptions.Defaults); KL(z) has none there: its default depends on N.
        var d = TrainOptions.Defaults;
        double Default(LossTermOptions t) => t.Beta ?? 0;
        double klDefault = TrainOptions.KlLatentPerPixel / ((double)imageSide * imageSide);
        return new LossWeights(V(o.KlLatent, klDefault), V(o.KlSegmentationMean, Default(d.KlSegmentationMean)),
            V(o.KlSegmentationStd, Default(d.KlSegmentationStd)), V(o.KlSegmentationProportions, Default(d.KlSegmentationProportions)),
            V(o.Continuity, Default(d.Continuity)), V(o.Clash, Default(d.Clash)), V(o.L2, Default(d.L2)));
    }
}
