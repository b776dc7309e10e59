using CryoSphere.Model;

namespace CryoSphere.Training;

/// <summary>The β of every loss term at one moment of training, from the options' schedules, and the KL(z) free nats then.</summary>
public sealed record LossWeights(double KlLatent, double KlSegMean, double KlSegStd, double KlSegProportions,
    double Continuity, double Clash, double L2, double KlLatentFreeNats = 0, double LatentNoise = 1)
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
        double klDefault = KlLatentChoice.Default(imageSide);
        return new LossWeights(V(o.KlLatent, klDefault), V(o.KlSegmentationMean, Default(d.KlSegmentationMean)),
            V(o.KlSegmentationStd, Default(d.KlSegmentationStd)), V(o.KlSegmentationProportions, Default(d.KlSegmentationProportions)),
            V(o.Continuity, Default(d.Continuity)), V(o.Clash, Default(d.Clash)), V(o.L2, Default(d.L2)),
            FreeNats(budget, epoch + progress), LatentNoiseScale(budget, epoch + progress));
    }

    /// <summary>
    /// The KL(z) free nats at <paramref name="epochs"/> into the run: the whole floor while the KL(z) weight ramps in,
    /// then down linearly to none over as many steps again (docs/training-defaults.md §9). The floor lets a weak motion
    /// into the latent before the decoder can use it; once it is gone, KL(z) judges every nat as before, so what the
    /// latent keeps must pay for itself (noise on data without motion does not: measured on the 2K8R NMR set).
    /// </summary>
    public static double FreeNats(TrainingBudget budget, double epochs)
    {
        double f = budget.Options.KlLatentFreeNats, ramp = budget.RampEpochs;
        return f <= 0 ? 0 : f * Math.Clamp(2 - epochs / ramp, 0, 1);
    }

    /// <summary>
    /// The scale of the reparameterised noise the decoder sees at <paramref name="epochs"/>: with
    /// <see cref="TrainOptions.LatentNoiseWarmup"/>, none while KL(z) ramps in (the decoder reads the posterior means), then
    /// up linearly to the full σ·ε over as many steps again, like the free nats' fade; without it, 1 throughout.
    /// </summary>
    public static double LatentNoiseScale(TrainingBudget budget, double epochs) =>
        budget.Options.LatentNoiseWarmup == true ? Math.Clamp(epochs / budget.RampEpochs - 1, 0, 1) : 1;
}
