namespace CryoSphere.Model;

/// <summary>How a loss weight changes over training.</summary>
public enum ScheduleKind
{
    /// <summary>β throughout.</summary>
    Constant,
    /// <summary>0 → β linearly over the first M epochs, then β.</summary>
    Linear,
    /// <summary>M cycles over the run; each ramps 0 → β over its first R fraction, then stays at β.</summary>
    Cyclical,
}

/// <summary>
/// Weight of one loss term as a function of (fractional) epoch (method.md §6; the reference's
/// `schedule`, `beta`, `M`, `R` keys).
/// </summary>
public sealed class BetaSchedule
{
    /// <summary>Cycles of a cyclical schedule when M is not given (Fu et al. 2019).</summary>
    public const double DefaultCycles = 4;

    /// <summary>Ramp fraction of each cycle when R is not given.</summary>
    public const double DefaultRampFraction = 0.5;

    public ScheduleKind Kind { get; }
    public double Beta { get; }

    /// <summary>Linear: epochs of the ramp. Cyclical: number of cycles.</summary>
    public double M { get; }

    /// <summary>Cyclical: fraction of each cycle spent ramping.</summary>
    public double R { get; }

    /// <summary>Length of the run in epochs.</summary>
    public int TotalEpochs { get; }

    /// <param name="kind">Shape of the schedule.</param>
    /// <param name="beta">Final (or constant) weight.</param>
    /// <param name="totalEpochs">Epochs of the run (sets the cycle length and the default M).</param>
    /// <param name="m">Null: half the epochs (linear), <see cref="DefaultCycles"/> (cyclical).</param>
    /// <param name="r">Null: <see cref="DefaultRampFraction"/>.</param>
    public BetaSchedule(ScheduleKind kind, double beta, int totalEpochs, double? m = null, double? r = null)
    {
        if (!double.IsFinite(beta) || beta < 0) throw new InputException($"loss weight beta must be a non-negative number, got {beta}");
        if (totalEpochs <= 0) throw new InputException($"N_epochs must be positive, got {totalEpochs}");
        Kind = kind;
        Beta = beta;
        TotalEpochs = totalEpochs;
        M = m ?? (kind == ScheduleKind.Cyclical ? DefaultCycles : totalEpochs / 2.0);
        R = r ?? DefaultRampFraction;
        if (kind != ScheduleKind.Constant && !(M > 0)) throw new InputException($"schedule {kind}: M must be positive, got {M}");
        if (kind == ScheduleKind.Cyclical && !(R > 0 && R <= 1)) throw new InputException($"cyclical schedule: R must be in (0, 1], got {R}");
    }

    /// <summary>A constant weight.</summary>
    public static BetaSchedule Constant(double beta) => new(ScheduleKind.Constant, beta, 1);

    /// <summary>Parses a schedule name: "constant", "linear" or "cyclical" (case-insensitive).</summary>
    public static ScheduleKind ParseKind(string name) => name.Trim().ToLowerInvariant() switch
    {
        "constant" => ScheduleKind.Constant,
        "linear" => ScheduleKind.Linear,
        "cyclical" or "cyclic" => ScheduleKind.Cyclical,
        _ => throw new InputException($"unknown loss schedule '{name}' (use constant, linear or cyclical)"),
    };

    /// <summary>β at epoch <paramref name="epoch"/> (0-based) plus <paramref name="progress"/> ∈ [0, 1) of it.</summary>
    public double Value(int epoch, double progress = 0)
    {
        double t = Math.Max(0, epoch + progress);
        switch (Kind)
        {
            case ScheduleKind.Linear:
                return Beta * Math.Min(1.0, t / M);
            case ScheduleKind.Cyclical:
                double period = TotalEpochs / M;
                double phase = t % period / period;
                return Beta * Math.Min(1.0, phase / R);
            default:
                return Beta;
        }
    }
}
