using CryoSphere.Model;

namespace CryoSphere.Tests.Model;

public class BetaScheduleTests
{
    [Fact]
    public void ConstantIsBetaAtEveryEpoch()
    {
        var s = new BetaSchedule(ScheduleKind.Constant, 0.3, 10);
        Assert.Equal(0.3, s.Value(0));
        Assert.Equal(0.3, s.Value(9, 0.5));
    }

    [Fact]
    public void LinearRampsOverMEpochsDefaultingToHalfTheRun()
    {
        var s = new BetaSchedule(ScheduleKind.Linear, 2.0, 20);
        Assert.Equal(10, s.M);
        Assert.Equal(0.0, s.Value(0));
        Assert.Equal(0.5, s.Value(2, 0.5), 12); // 2.5/10 · 2
        Assert.Equal(2.0, s.Value(10));
        Assert.Equal(2.0, s.Value(15));
        var fast = new BetaSchedule(ScheduleKind.Linear, 1.0, 20, m: 4);
        Assert.Equal(0.75, fast.Value(3), 12);
    }

    [Fact]
    public void CyclicalRampsOverFirstFractionOfEachCycle()
    {
        // 12 epochs, 3 cycles of 4 epochs, ramp over the first half (2 epochs) of each.
        var s = new BetaSchedule(ScheduleKind.Cyclical, 1.0, 12, m: 3, r: 0.5);
        Assert.Equal(0.0, s.Value(0), 12);
        Assert.Equal(0.5, s.Value(1), 12);
        Assert.Equal(1.0, s.Value(2), 12);
        Assert.Equal(1.0, s.Value(3, 0.9), 12);
        Assert.Equal(0.0, s.Value(4), 12);
        Assert.Equal(0.25, s.Value(8, 0.5), 12);
    }

    [Fact]
    public void UnknownKindIsAnInputError()
    {
        Assert.Equal(ScheduleKind.Cyclical, BetaSchedule.ParseKind("Cyclical"));
        var e = Assert.Throws<InputException>(() => BetaSchedule.ParseKind("sigmoid"));
        Assert.Contains("sigmoid", e.Message);
    }
}
