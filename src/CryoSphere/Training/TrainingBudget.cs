namespace CryoSphere.Training;

/// <summary>
/// How long a run trains, counted in optimiser steps so that it does not depend on the dataset's size
/// (docs/training-defaults.md §6). The KL(z) ramp lasts <see cref="TrainOptions.RampSteps"/> steps (at most
/// half the run); after <see cref="MinEpochs"/>, and when <see cref="TrainOptions.StopOnPlateau"/> is on, training
/// stops at the end of the first epoch where the correlation improved by less than
/// <see cref="TrainOptions.PlateauTolerance"/> of its gain since the loss schedules settled over the last quarter of
/// the epochs since then, at least <see cref="WindowEpochs"/> (<see cref="TrainOptions.PlateauFrom"/>; or, the earlier rule, of its gain since the first
/// epoch over the last quarter of all steps, counted only after the schedules settled) — and, with
/// <see cref="TrainOptions.PlateauLatentGrowth"/>, where KL(z) has stopped growing over that quarter too; otherwise it stops after
/// <see cref="TrainOptions.Epochs"/> epochs.
/// </summary>
public sealed class TrainingBudget
{
    public TrainOptions Options { get; }

    /// <summary>Optimiser steps per epoch (batches of the particles used).</summary>
    public int StepsPerEpoch { get; }

    public TrainingBudget(TrainOptions options, int stepsPerEpoch)
    {
        if (stepsPerEpoch < 1) throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch));
        Options = options;
        StepsPerEpoch = stepsPerEpoch;
    }

    /// <summary>The most epochs the run may take.</summary>
    public int MaxEpochs => Options.Epochs;

    /// <summary>Epochs of the default linear KL(z) ramp: <see cref="TrainOptions.RampSteps"/> steps, at most half the run, at least one step.</summary>
    public double RampEpochs =>
        Math.Max(1.0, Math.Min(Options.RampSteps ?? RampStepsChoice.Default, Options.Epochs * (double)StepsPerEpoch / 2)) / StepsPerEpoch;

    /// <summary>
    /// Epochs until the objective stops changing by schedule: the KL(z) ramp and, with free nats or the latent noise
    /// warm-up, their fade after it (as long again: <see cref="LossWeights.FreeNats"/>, <see cref="LossWeights.LatentNoiseScale"/>).
    /// </summary>
    public double SettledEpochs =>
        Options.KlLatentFreeNats > 0 || Options.LatentNoiseWarmup == true ? 2 * RampEpochs : RampEpochs;

    /// <summary>
    /// Epochs before the plateau rule may stop the run: at least <see cref="TrainOptions.MinSteps"/> steps, and the
    /// schedules' end (<see cref="SettledEpochs"/>) plus a ramp's length of training on the settled objective.
    /// </summary>
    public int MinEpochs => (int)Math.Ceiling(Math.Max((Options.MinSteps ?? RampStepsChoice.DefaultMinSteps) / (double)StepsPerEpoch, SettledEpochs + RampEpochs));

    /// <summary>
    /// Epochs to show as the run's length once <paramref name="atLeast"/> epochs are known to be needed: with the
    /// plateau rule the end is not known in advance, so up to the minimum budget, then one epoch at a time.
    /// </summary>
    public int PlannedEpochs(int atLeast) =>
        Options.StopOnPlateau ? Math.Min(Options.Epochs, Math.Max(MinEpochs, atLeast)) : Options.Epochs;

    /// <summary>Steps that make a plateau window long enough on their own, in however few epochs (large datasets: one epoch's mean is precise).</summary>
    public const int PlateauWindowSteps = 1000;

    /// <summary>
    /// Epochs the plateau rule's last quarter spans at least: <see cref="TrainOptions.PlateauWindowEpochs"/>, or fewer
    /// when fewer epochs hold <see cref="PlateauWindowSteps"/> steps.
    /// </summary>
    public int WindowEpochs =>
        Math.Max(1, Math.Min(Options.PlateauWindowEpochs, (PlateauWindowSteps + StepsPerEpoch - 1) / StepsPerEpoch));

    /// <summary>
    /// Whether to stop after the epoch whose row is the last of <paramref name="corr"/> (the epoch means of the
    /// correlation loss, first epoch first; lower is better). Depends only on the metrics, so a resumed run
    /// stops where an uninterrupted one would.
    /// </summary>
    /// <param name="corr">The epoch means of the correlation loss, first epoch first.</param>
    /// <param name="klLatent">The epoch means of KL(z), as <paramref name="corr"/>; judged with <see cref="TrainOptions.PlateauLatentGrowth"/> &gt; 0.</param>
    public bool Converged(IReadOnlyList<double> corr, IReadOnlyList<double>? klLatent = null)
    {
        int e = corr.Count;
        if (!Options.StopOnPlateau || e < Math.Max(MinEpochs, 3)) return false;
        // The baseline: the epoch at 75% of the steps, ≥ 2 epochs back, and wholly after the schedules' end. While the
        // noise fades in (or the free nats fade out) the correlation gets worse by design, so a window reaching into
        // the fade would read "no gain" while the latent still learns (two hinges: measured, docs/training-defaults.md §11).
        int settled = (int)Math.Ceiling(SettledEpochs) + 1;
        int window = WindowEpochs;
        if (Options.PlateauFrom == TrainOptions.PlateauFromSettled)
        {
            // The gain on the settled loss only: what the latent and the segments still learn, without the base fit
            // of the first epochs that dwarfs a weak motion's gain (docs/training-defaults.md §14). No gain since the
            // schedules settled is a plateau.
            int from = Math.Min(settled, e - 2);
            int quarter = Math.Min(e - window, Math.Min(e - 2, Math.Max(from, from + (int)Math.Floor(0.75 * (e - from)))));
            if (quarter < from) return false; // the shortest window does not fit since the schedules settled yet
            double sinceSettled = corr[from - 1] - corr[e - 1];
            bool flat = !(sinceSettled > 0) || corr[quarter - 1] - corr[e - 1] <= Options.PlateauTolerance * sinceSettled;
            return flat && !LatentStillGrows(klLatent, e, quarter, window);
        }
        int start = Math.Min(e - window, Math.Min(e - 2, Math.Max((int)Math.Floor(0.75 * e), settled)));
        if (start < 1) return false;
        double total = corr[0] - corr[e - 1];
        double recent = corr[start - 1] - corr[e - 1];
        if (!(total > 0)) return false; // not learning at all yet: keep going to the cap
        return recent <= Options.PlateauTolerance * total && !LatentStillGrows(klLatent, e, start, window);
    }

    /// <summary>
    /// Whether KL(z) rose by more than <see cref="TrainOptions.PlateauLatentGrowth"/> over the last quarter: the mean of the
    /// last <paramref name="window"/> epochs against that of the <paramref name="window"/> epochs ending at epoch
    /// <paramref name="quarter"/> (window means, because one epoch's KL(z) of a near-empty latent jitters by tens of percent).
    /// </summary>
    private bool LatentStillGrows(IReadOnlyList<double>? kl, int e, int quarter, int window)
    {
        if (kl is null || !(Options.PlateauLatentGrowth > 0) || kl.Count < e) return false;
        double recent = WindowMean(kl, e, window), before = WindowMean(kl, quarter, window);
        return recent > (1 + Options.PlateauLatentGrowth.Value) * before;
    }

    /// <summary>Mean of the epochs (end − window, end] (1-based, clipped at the first).</summary>
    private static double WindowMean(IReadOnlyList<double> v, int end, int window)
    {
        int from = Math.Max(0, end - window);
        double sum = 0;
        for (int i = from; i < end; i++) sum += v[i];
        return sum / (end - from);
    }
}
