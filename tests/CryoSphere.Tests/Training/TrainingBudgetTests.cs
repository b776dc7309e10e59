using CryoSphere.Training;

namespace CryoSphere.Tests.Training;

public class TrainingBudgetTests
{
    // Free nats off unless asked: these tests are about the plateau rule; FreeNatsFade… covers what they add.
    private static TrainOptions O(int minSteps = 0, double tol = 0.05, bool stop = true, int epochs = 400, int ramp = 1500, double freeNats = 0) =>
        new() { MinSteps = minSteps, PlateauTolerance = tol, StopOnPlateau = stop, Epochs = epochs, RampSteps = ramp, KlLatentFreeNats = freeNats, LatentNoiseWarmup = false };

    /// <summary>corr(e) = −a·(1 − exp(−e/τ)): the first epoch E where the last quarter improved by ≤ 5% of the total.</summary>
    private static int ExpectedStop(double tau, int minEpochs)
    {
        double C(int e) => -(1 - Math.Exp(-e / tau));
        for (int e = Math.Max(minEpochs, 3); ; e++)
        {
            int start = Math.Min(e - 2, (int)Math.Floor(0.75 * e));
            if (C(start) - C(e) <= 0.05 * (C(1) - C(e))) return e;
        }
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(10.0)]
    [InlineData(40.0)]
    public void StopsWhereTheLastQuarterGainsUnderTheTolerance(double tau)
    {
        var budget = new TrainingBudget(O(ramp: 1), 10);
        var corr = new List<double>();
        int stop = -1;
        for (int e = 1; e <= 2000 && stop < 0; e++)
        {
            corr.Add(-(1 - Math.Exp(-e / tau)));
            if (budget.Converged(corr)) stop = e;
        }
        Assert.Equal(ExpectedStop(tau, 0), stop);
        // Slower learning trains longer: the rule adapts to the curve, not to a fixed count.
        Assert.True(stop > 2 * tau, $"stopped at {stop} for τ = {tau}");
    }

    [Fact]
    public void NeverStopsBeforeTheMinimumStepsOrTheRamp()
    {
        var flat = Enumerable.Repeat(-0.5, 100).ToList();
        flat[0] = -0.4;
        var budget = new TrainingBudget(O(minSteps: 500, ramp: 300), 20); // 25 epochs minimum
        Assert.Equal(25, budget.MinEpochs);
        Assert.False(budget.Converged(flat.Take(24).ToList()));
        Assert.True(budget.Converged(flat.Take(25).ToList()));
        var longRamp = new TrainingBudget(O(minSteps: 0, ramp: 1000), 20); // ramp 50 epochs
        Assert.Equal(50, longRamp.MinEpochs);
        Assert.False(longRamp.Converged(flat.Take(49).ToList()));
    }

    [Fact]
    public void OffMeansTheCapOnlyAndNoLearningMeansKeepGoing()
    {
        var flat = Enumerable.Repeat(-0.5, 50).ToList();
        flat[0] = -0.4;
        Assert.False(new TrainingBudget(O(stop: false), 10).Converged(flat));
        var worse = Enumerable.Range(0, 50).Select(e => -0.5 + 0.001 * e).ToList();
        Assert.False(new TrainingBudget(O(), 10).Converged(worse));
    }

    [Fact]
    public void RampIsCountedInStepsAndAtMostHalfTheRun()
    {
        Assert.Equal(15.0, new TrainingBudget(O(ramp: 1500), 100).RampEpochs, 10); // 1,500 steps of 100
        Assert.Equal(150.0, new TrainingBudget(O(ramp: 1500), 10).RampEpochs, 10);
        Assert.Equal(15.0, new TrainingBudget(O(ramp: 1500, epochs: 30), 24).RampEpochs, 10); // short explicit run: half of it
    }

    [Fact]
    public void FreeNatsStayWhileKlRampsInThenFadeAndTheRunLastsUntilTheyAreGone()
    {
        var budget = new TrainingBudget(O(minSteps: 500, ramp: 300, freeNats: 1.5), 20);   // ramp 15 epochs
        Assert.Equal(1.5, LossWeights.FreeNats(budget, 0), 12);
        Assert.Equal(1.5, LossWeights.FreeNats(budget, 15), 12);
        Assert.Equal(0.75, LossWeights.FreeNats(budget, 22.5), 12);
        Assert.Equal(0, LossWeights.FreeNats(budget, 30), 12);
        Assert.Equal(0, LossWeights.FreeNats(budget, 100), 12);
        Assert.Equal(0.75, LossWeights.At(budget, 64, 22, 0.5).KlLatentFreeNats, 12);
        // The plateau rule waits for the fade: 30 epochs, not the 25 of the minimum steps.
        Assert.Equal(30, budget.MinEpochs);
        var flat = Enumerable.Repeat(-0.5, 100).ToList();
        flat[0] = -0.4;
        Assert.False(budget.Converged(flat.Take(29).ToList()));
        Assert.True(budget.Converged(flat.Take(30).ToList()));
        Assert.Equal(0, LossWeights.FreeNats(new TrainingBudget(O(ramp: 300), 20), 0));
        Assert.Equal(1.0, new TrainOptions().KlLatentFreeNats);
    }

    [Fact]
    public void LatentNoiseIsOffWhileKlRampsInThenFadesInAndTheRunLastsUntilItIsFull()
    {
        var budget = new TrainingBudget(O(minSteps: 500, ramp: 300) with { LatentNoiseWarmup = true }, 20);   // ramp 15 epochs
        Assert.Equal(0, LossWeights.LatentNoiseScale(budget, 0), 12);
        Assert.Equal(0, LossWeights.LatentNoiseScale(budget, 15), 12);
        Assert.Equal(0.5, LossWeights.LatentNoiseScale(budget, 22.5), 12);
        Assert.Equal(1, LossWeights.LatentNoiseScale(budget, 30), 12);
        Assert.Equal(1, LossWeights.LatentNoiseScale(budget, 100), 12);
        Assert.Equal(0.5, LossWeights.At(budget, 64, 22, 0.5).LatentNoise, 12);
        Assert.Equal(30, budget.MinEpochs);   // the plateau rule waits until the noise is whole
        var off = new TrainingBudget(O(ramp: 300), 20);
        Assert.Equal(1, LossWeights.LatentNoiseScale(off, 0));
        Assert.Equal(1, LossWeights.At(off, 64, 0, 0).LatentNoise);
        Assert.False(new TrainOptions().LatentNoiseWarmup);
    }
}
